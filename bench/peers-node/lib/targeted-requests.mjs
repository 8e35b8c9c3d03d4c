// A second agreement sample, rich in allows: requests.jsonl asks random users about random
// recordings (~2 % allowed), which proves little about an encoding's grants. Here each
// request is aimed at one of its principal's own grants — a recording inside that grant's
// division, scope and `when` — and then perturbed (another region, an old createdAt, a legal
// hold, a sensitive flag, a live call, a retention override, another permission), so that
// every step of SPEC §3 that recordings reach is exercised. The expected decisions come from
// the native CLI (`recgate eval`), not from any engine under test.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Deterministic numbers in [0, 1) (mulberry32): the sample is the same on every run. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AUDIO_PERMISSIONS = [
  'recording:recording:view', 'recording:recording:download', 'recording:recording:delete',
  'recording:recording:blackout', 'recording:recording:editRetention', 'recording:metadata:view',
  'conversation:transcript:view', 'recording:deletionProtection:apply',
];
const SCREEN_PERMISSIONS = [
  'recording:screenRecording:view', 'recording:screenRecording:download', 'recording:screenRecording:delete',
  'recording:screenRecording:edit', 'recording:metadata:view', 'conversation:transcript:view',
];
const NOW = '2026-11-22T12:00:00Z';

/** `n` requests aimed at the principals' own grants, deterministic for a seed. */
export function targetedRequests(policy, n, seed = 6) {
  const random = rng(seed);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const chance = (p) => random() < p;
  const userIds = Object.keys(policy.users);
  const divisions = Object.keys(policy.divisions ?? { home: {} });
  const queues = Object.keys(policy.queues ?? {});
  const home = policy.settings?.homeRegion ?? 'us-east-1';
  const out = [];
  while (out.length < n) {
    const principal = pick(userIds);
    const user = policy.users[principal];
    // A grant on recordings when the user holds one (queue, report and user grants reach none).
    const held = (user.roles ?? []).flatMap((a) => (policy.roles?.[a.role]?.grants ?? []).map((g) => [a, g]));
    const onRecordings = held.filter(([, g]) => /^(recording|conversation|\*):/.test(g.permission));
    const [assignment, grant] = onRecordings.length ? pick(onRecordings)
      : [{ role: 'employee' }, { permission: 'recording:metadata:view' }];
    const scope = grant.scope ?? 'all';
    const screen = grant.permission.includes('screenRecording') ? true
      : grant.permission.startsWith('recording:recording:') ? false : chance(0.3);
    let owner = pick(userIds);
    let queue = pick(queues);
    const participants = [];
    if (scope === 'self') owner = principal;
    else if (scope === 'assigned') { if (chance(0.5)) owner = principal; else participants.push(principal); }
    else if (scope.group) owner = pick(policy.groups[scope.group].members);
    else if (scope.view) queue = pick(policy.views[scope.view].queues);
    participants.push(owner);
    const assigned = assignment.divisions ?? ['home'];
    const division = assigned.includes('*') || chance(0.15) ? pick(divisions) : pick(assigned);
    const resource = {
      type: 'recording',
      id: `t-${out.length}`,
      media: screen ? 'screen' : pick(['audio', 'audio', 'chat', 'email']),
      direction: grant.when?.directions && chance(0.8) ? pick(grant.when.directions) : pick(['inbound', 'outbound']),
      owner,
      participants,
      queue,
      divisions: [division],
      region: chance(0.85) ? (user.region ?? home) : pick(['eu-west-1', 'us-east-1', 'ap-south-1']),
      createdAt: chance(0.85) ? `2026-11-${String(1 + Math.floor(random() * 21)).padStart(2, '0')}T09:00:00Z`
        : pick(['2026-10-01T09:00:00Z', '2025-10-01T09:00:00Z', '2026-10-23T12:00:00Z']),
      sensitive: chance(0.15),
    };
    if (chance(0.1)) resource.legalHold = true;
    if (chance(0.05)) resource.live = true;
    if (chance(0.05)) resource.retentionDays = pick([7, 60, 400]);
    if (chance(0.1)) delete resource.region;
    const applicable = screen ? SCREEN_PERMISSIONS : AUDIO_PERMISSIONS;
    const own = grant.permission;
    const permission = applicable.includes(own) && chance(0.7) ? own
      : resource.live && chance(0.5) ? 'conversation:call:monitor' : pick(applicable);
    out.push({ principal, permission, resource, now: NOW });
  }
  return out;
}

/** recgate's native decisions (`recgate eval`) for `requests`, in order: { allow, reason }. */
export function nativeDecisions(cli, policyPath, requests, scratchDir) {
  const file = join(scratchDir, 'targeted-requests.jsonl');
  writeFileSync(file, requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const text = execFileSync(cli, ['eval', '--policy', policyPath, '--requests', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return text.trim().split('\n').map((line) => JSON.parse(line));
}
