// Differential test at the edge: the generated corpus of the cross-target test
// (random valid policies and requests, from `recgate-corpus`), replayed through
// real Envoy wherever a request maps to an HTTP route. The native CLI decides
// every request (with Envoy's clock) and the test derives the status the edge
// must give: 2xx and the upstream reached when allowed; 403 with the same
// reason when denied; 404 when the recording is hidden from the principal;
// media stripped when only metadata may be seen. List responses are checked
// too: each user sees exactly the entities the CLI says they may see.
//
// Every decided route of the filter's default table (DECIDED_ROUTES, checked
// against the `decided` rows of docs/envoy-filter.md) is driven by generated
// requests and must answer both ways at least ROUTE_FLOOR times (RouteFloors):
// - recordings, annotations, queues, users, deletion protection, batch
//   downloads (lib/generated.mjs), with the annotation list and the deletion
//   protection query asked beside the annotation and metadata views;
// - retention policies, recording settings and recording jobs, on policies
//   with administrators (`recgate-corpus --admins`), a job's query decided by
//   the core's bulk check (`recgate bulk`, core `Policy::bulk`);
// - live monitoring: conversation monitors, screen monitoring per participant
//   and per user, the users' details (core `Subject::monitor`, on facts the
//   attributes service gives afresh; one interaction in five has ended);
// - lists filtered entity by entity, per user: recordings (with and without
//   download), recording metadata, batch results, queues, screen-monitoring
//   sessions; and the figures over every session (bulk check).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes, startPolicyServer } from './lib/servers.mjs';
import { startEnvoy, repoRoot } from './lib/envoy.mjs';
import { routeFor, visibilityRequests, expected, USERS, SESSION_REASONS, generatedCorpus, routeKey, RouteFloors } from './lib/generated.mjs';
import {
  ORG_PERMISSIONS, routeForOrg, routeForMonitor, countCases, siblingsOf, keeps, downloadPerm, listSessions,
  agentRequest, agentDesktop, routeTemplateKey, tagHash,
} from './lib/generated-routes.mjs';
import { shrinkAsync } from '../cross/shrink.mjs';

const POLICIES = Number(process.env.EDGE_POLICIES ?? 24);
const PER_POLICY = Number(process.env.EDGE_REQUESTS ?? 300);
const SEED = Number(process.env.EDGE_SEED ?? 4242);
const MIN_ROUTED = 500;
const SHRINK_BUDGET = Number(process.env.EDGE_SHRINK_BUDGET ?? 60);
// Per route, allowed and refused answers at least this often (issue #18).
const ROUTE_FLOOR = Number(process.env.EDGE_ROUTE_FLOOR ?? 10);
// Every decided route of the default table (method, path template, query flag), lists included: each must meet the floor.
const DECIDED_ROUTES = [
  // RecordingApi: recordings, their metadata and annotations.
  'GET /api/v2/conversations/:id/recordings/:id', 'GET /api/v2/conversations/:id/recordings/:id?download=true',
  'PUT /api/v2/conversations/:id/recordings/:id',
  'GET /api/v2/conversations/:id/recordings', 'GET /api/v2/conversations/:id/recordings?download=true',
  'GET /api/v2/conversations/:id/recordingmetadata', 'GET /api/v2/conversations/:id/recordingmetadata/:id',
  'GET /api/v2/conversations/:id/recordings/:id/annotations', 'POST /api/v2/conversations/:id/recordings/:id/annotations',
  'GET /api/v2/conversations/:id/recordings/:id/annotations/:id', 'PUT /api/v2/conversations/:id/recordings/:id/annotations/:id',
  'DELETE /api/v2/conversations/:id/recordings/:id/annotations/:id',
  // Deletion protection, batch downloads, jobs.
  'PUT /api/v2/recordings/deletionprotection?protect=true', 'PUT /api/v2/recordings/deletionprotection?protect=false',
  'POST /api/v2/recordings/deletionprotection',
  'POST /api/v2/recording/batchrequests', 'GET /api/v2/recording/batchrequests/:id',
  'POST /api/v2/recording/jobs', 'GET /api/v2/recording/jobs', 'GET /api/v2/recording/jobs/:id',
  'GET /api/v2/recording/jobs/:id/failedrecordings', 'PUT /api/v2/recording/jobs/:id', 'DELETE /api/v2/recording/jobs/:id',
  // Retention policies (plain and cross-platform), settings, the screen sessions' figure.
  ...['/api/v2/recording/mediaretentionpolicies', '/api/v2/recording/crossplatform/mediaretentionpolicies'].flatMap((p) => [
    `GET ${p}`, `POST ${p}`, `DELETE ${p}`, `GET ${p}/:id`, `PUT ${p}/:id`, `PATCH ${p}/:id`, `DELETE ${p}/:id`]),
  'GET /api/v2/recording/settings', 'PUT /api/v2/recording/settings',
  'GET /api/v2/recordings/screensessions/details',
  // Beside them: queues and users.
  'GET /api/v2/routing/queues', 'GET /api/v2/routing/queues/:id', 'GET /api/v2/users/:id',
  // Live monitoring.
  'POST /api/v2/conversations/calls/:id/participants/:id/monitor', 'POST /api/v2/conversations/messages/:id/participants/:id/monitor',
  'POST /api/v2/conversations/:id/participants/:id/screenmonitors/sessions',
  'GET /api/v2/conversations/:id/participants/:id/screenmonitors/sessions/:id',
  'DELETE /api/v2/conversations/:id/participants/:id/screenmonitors/sessions/:id',
  'POST /api/v2/users/:id/screenmonitors/sessions', 'GET /api/v2/users/:id/screenmonitors/sessions/:id',
  'DELETE /api/v2/users/:id/screenmonitors/sessions/:id',
  'GET /api/v2/screenmonitors/users/:id/sessions', 'POST /api/v2/screenmonitors/sessions/users/details',
  'GET /api/v2/screenmonitors/sessions/details',
];
// Requests in flight at once through the edge (each case names its own resources).
const CONCURRENCY = Number(process.env.EDGE_CONCURRENCY ?? 6);
const keyOf = (method, path) => routeTemplateKey(DECIDED_ROUTES, method, path) ?? routeKey(method, path);

const corpusBin = join(repoRoot, 'target', 'release', 'recgate-corpus');
const cli = join(repoRoot, 'target', 'release', 'recgate');
const work = mkdtempSync(join(tmpdir(), 'recgate-generated-'));
const idp = makeIssuer();

/** Native answers for `lines` under `policy`, in order: `recgate eval` (core requests) or `recgate bulk` (bulk questions). */
function askCli(command, policy, lines) {
  if (lines.length === 0) return [];
  const file = join(work, 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  const input = lines.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const out = execFileSync(cli, [command, '--policy', file], { input, maxBuffer: 1 << 28 }).toString();
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
const decideAll = (policy, requests) => askCli('eval', policy, requests);
const bulkAll = (policy, questions) => askCli('bulk', policy, questions);

// Permissions whose routes are allowed rarely under random policies (one
// principal in ten may protect a recording): drawn again, more often, so that
// their routes meet the floor both ways.
const RARE_PERMISSIONS = ['recording:deletionProtection:apply', 'recording:deletionProtection:revoke'];
const RARE_PER_POLICY = Number(process.env.EDGE_RARE_REQUESTS ?? 60);
// The organisation routes' draws (retention policies, settings, jobs), per
// permission: about four requests a policy for each route it decides, more
// for the jobs a bulk check also decides (only an unrestricted principal
// passes it); and the monitoring routes' draw.
const ORG_DRAWS = {
  'recording:retentionPolicy:view': 16, 'recording:retentionPolicy:edit': 40,
  'recording:settings:view': 5, 'recording:settings:edit': 5,
  'recording:job:view': 12, 'recording:job:delete': 5, 'recording:job:edit': 12, 'recording:job:add': 12,
};
const ORG_SCALE = Number(process.env.EDGE_ORG_SCALE ?? 1);
const MONITOR_PER_POLICY = Number(process.env.EDGE_MONITOR_REQUESTS ?? 80);

/**
 * The corpus, grouped by policy: requests for the permissions the recording
 * routes decide, then the rare ones', the organisation routes' and the
 * monitoring routes' own draws for the same policies (the generator makes a
 * policy from the seed and its index alone, whatever it is asked).
 */
function corpus() {
  const draw = (perPolicy, permissions) => generatedCorpus(execFileSync, corpusBin, { policies: POLICIES, perPolicy, seed: SEED, permissions, admins: true });
  const groups = draw(PER_POLICY).map((g) => ({ ...g, org: [], monitor: [] }));
  assert.deepEqual(Object.keys(ORG_DRAWS).sort(), [...ORG_PERMISSIONS].sort(), 'a draw for every organisation permission');
  for (const [field, perPolicy, permissions] of [
    ['requests', RARE_PER_POLICY, RARE_PERMISSIONS],
    ...Object.entries(ORG_DRAWS).map(([p, n]) => ['org', Math.ceil(n * ORG_SCALE), [p]]),
    ['monitor', MONITOR_PER_POLICY, ['conversation:call:monitor']],
  ]) {
    for (const [g, extra] of draw(perPolicy, permissions).entries()) {
      assert.deepEqual(extra.policy, groups[g]?.policy, `the generator's policy ${g} depends on the permissions asked for`);
      groups[g][field].push(...extra.requests);
    }
  }
  return groups;
}

/** A recording-route case (lib/generated.mjs) in the shape every family shares: its core questions and expectation. */
function recordingCase(c) {
  return { ...c, family: 'recording', evals: [c.request, c.mediaRequest, c.metaRequest], bulks: [], expect: ([m, a, b]) => expected(c, m, a, b), siblings: siblingsOf(c) };
}

/** The case for a generated request of `family` (variant: which of the family's routes), or null. */
function routeAny(policy, request, tag, family, variant) {
  const routed = family === 'org' || family === 'monitor' ? null : routeFor(request, tag);
  const c = family === 'org' ? routeForOrg(request, tag, variant)
    : family === 'monitor' ? routeForMonitor(policy, request, tag, variant)
      : routed && recordingCase(routed);
  // The generated request is what a disagreement is shrunk on (the case is routed again from it).
  return c ? { ...c, generated: request } : null;
}

/** Whether a policy is valid (an invalid one would keep Envoy from loading the filter at all). */
function valid(policy) {
  const file = join(work, 'candidate.json');
  writeFileSync(file, JSON.stringify(policy));
  try {
    execFileSync(cli, ['validate', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Envoy with the filter deciding by `policy`, in front of the test API and attributes service. */
const startEdge = (policy) => startEnvoy({
  jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port,
  plugin: { policy, attributes: { cluster: 'recgate_attributes', timeoutMs: 2000, cacheTtlSeconds: 60 }, listFilter: { maxBodyBytes: 4 << 20 } },
});

/**
 * The one Envoy the corpus's policies go through: each policy in turn is
 * offered by the policy server (`offerPolicy`, while the test prepares its
 * cases) and the edge is ready for it once its local replies name its
 * revision (`edgeReadyFor`) — an Envoy start per policy would cost more than
 * its requests. Shrinking starts an Envoy of its own per candidate.
 */
let edge = null;
async function offerPolicy(policy) {
  const text = JSON.stringify(policy);
  if (edge) {
    edge.ps.state.text = text;
    return;
  }
  const ps = await startPolicyServer(text);
  const envoy = await startEnvoy({
    jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, policyPort: ps.port,
    plugin: { policy, policyServer: { cluster: 'recgate_policy', pollSeconds: 1, timeoutMs: 1000 }, attributes: { cluster: 'recgate_attributes', timeoutMs: 2000, cacheTtlSeconds: 60 }, listFilter: { maxBodyBytes: 4 << 20 } },
  });
  edge = { envoy, ps };
}

async function edgeReadyFor(policy) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${edge.envoy.url}/api/v2/recgate-differential-probe`, { headers: { authorization: `Bearer ${idp.token({ sub: 'u0' })}` } });
    const body = await res.json().catch(() => null);
    if (body?.revision === policy.revision) return edge.envoy;
    if (Date.now() > deadline) throw new Error(`the edge never took policy ${policy.revision} (still ${body?.revision})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const upsert = (list, item, key = 'id') => {
  const i = list.findIndex((x) => x[key] === item[key]);
  if (i >= 0) list[i] = item; else list.push(item);
};

/** Makes what a case names known to the API and the attributes service. */
function serve(c) {
  if (c.recording) upsert(data.recordings, c.recording);
  if (c.annotation) upsert(data.annotations, c.annotation);
  if (c.conversation) upsert(data.conversations, c.conversation, 'conversationId');
  if (c.session) upsert(data.screenSessions, c.session, 'screenMonitoringId');
  if (c.job) upsert(data.jobs, c.job);
}

/** A copy of a case's recording in the policy's list conversation. */
const listed = (r, conversation) => ({ ...r, id: `${r.id}-l`, conversationId: conversation });

/** The ids of a list answer (a JSON array, or a listing's `entities`/`results`), or its status. */
function idsOf(got, pick = (x) => x.id) {
  const list = Array.isArray(got.body) ? got.body : got.body?.entities ?? got.body?.results;
  return got.status === 200 && Array.isArray(list) ? list.map(pick).join(' ') : `status ${got.status}`;
}

/** Whether the edge's answer is the one the native decisions imply. */
const agrees = (e, got) => got.status === e.status
  && (e.reason === undefined || got.body?.reason === e.reason)
  && (got.status < 400) === got.upstream
  && (e.media === undefined || (got.body?.mediaUris !== undefined) === e.media)
  && (e.ids === undefined || idsOf(got) === e.ids.join(' '));

/** The expectation for one case, decided natively now. */
function expectNow(policy, c) {
  const now = new Date(Date.now() - 1000).toISOString();
  const ds = decideAll(policy, c.evals.map((r) => ({ ...r, now })));
  const bs = bulkAll(policy, c.bulks.map((q) => ({ ...q, now })));
  return { e: c.expect(ds, bs), native: ds[0], now };
}

/** Whether real Envoy still disagrees with the native decision on (policy, request) as the case `tag` was routed: one Envoy per candidate. */
async function edgeDisagrees(policy, request, { family, variant, tag }) {
  const c = valid(policy) ? routeAny(policy, request, tag, family, variant) : null;
  if (!c) return false;
  const { e } = expectNow(policy, c);
  serve(c);
  const envoy = await startEdge(policy);
  try {
    return !agrees(e, await send(envoy, c));
  } finally {
    await envoy.stop();
  }
}

/**
 * Disagreements become ready-to-commit vector files: the policy, the core
 * request and the native decision the edge failed to enforce. The first is
 * shrunk through real Envoy first (one Envoy start per candidate, so bounded).
 */
async function writeVectors(failures) {
  const dir = join(repoRoot, 'test-output', 'edge-generated');
  const single = failures.filter((f) => f.request).slice(0, 5);
  for (const [i, f] of single.entries()) {
    let { policyDoc: policy, request } = f;
    if (i === 0) {
      ({ policy, request } = await shrinkAsync(policy, request, (p, r) => edgeDisagrees(p, r, f), SHRINK_BUDGET));
    }
    const c = routeAny(policy, request, f.tag, f.family, f.variant);
    if (!c?.request) continue;
    const { native, now } = expectNow(policy, c);
    mkdirSync(dir, { recursive: true });
    const vector = {
      policy,
      cases: [{ name: `edge disagreed (${i === 0 ? 'shrunk' : 'as generated'}): ${f.http} gave ${f.got.status}, expected ${f.expected.status}`,
        request: { ...c.request, now },
        expect: { allow: native.allow, reason: native.reason, obligations: native.obligations } }],
    };
    const file = join(dir, `disagreement-${i}.json`);
    writeFileSync(file, JSON.stringify(vector, null, 1));
    console.log(`written ${file}`);
  }
}

let up;
let attrs;
const QUEUE_IDS = ['q0', 'q1', 'q2', 'q3', 'q-unknown'];
const data = { recordings: [], annotations: [], queues: [], jobs: [], conversations: [], screenSessions: [] };

before(async () => {
  up = await startUpstream(data);
  attrs = await startAttributes(data);
});

after(async () => {
  await edge?.envoy.stop();
  edge?.ps.server.close();
  up?.server.close();
  attrs?.server.close();
});

async function send(envoy, { method, path, principal, actor, body }) {
  const headers = { authorization: `Bearer ${idp.token({ sub: actor ?? principal })}` };
  if (actor) headers['gen-usersubject'] = principal;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(envoy.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed, upstream: res.headers.get('x-served-by') === 'test-upstream' };
}

/** Runs `work` on every item, at most `n` at a time. */
async function inParallel(items, n, work) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
}

/** A deterministic source of small numbers for a group's fixtures. */
const numbers = (seed) => {
  let n = seed;
  return (k) => {
    n = tagHash(`${n}`);
    return n % k;
  };
};

/** The `decided` rows of docs/envoy-filter.md's route tables, as route keys (query flags aside). */
function documentedDecidedRoutes() {
  const doc = readFileSync(join(repoRoot, 'docs', 'envoy-filter.md'), 'utf8');
  return [...doc.matchAll(/^\| (GET|PUT|POST|PATCH|DELETE) \| `([^`]+)` \| decided \|/gm)]
    .map(([, m, p]) => `${m} ${p.replace(/\{[^}]+\}/g, ':id')}`);
}

test('DECIDED_ROUTES names every route the filter documents as decided', () => {
  const documented = documentedDecidedRoutes();
  assert.ok(documented.length >= 40, `only ${documented.length} decided rows read from docs/envoy-filter.md`);
  // A route decided per query flag (`?protect=`, `?download=`) is driven once per value.
  const driven = new Set(DECIDED_ROUTES.map((r) => r.split('?')[0]));
  const missing = documented.filter((r) => !driven.has(r));
  assert.deepEqual(missing, [], `decided routes the differential does not drive: ${missing.join('; ')}`);
});

test(`≥ ${MIN_ROUTED} generated requests through real Envoy give the statuses the native decisions imply`, { timeout: 600_000 }, async () => {
  let routed = 0;
  let unstable = 0;
  let listsChecked = 0;
  const statuses = new Map();
  const floors = new RouteFloors(ROUTE_FLOOR);
  const refusals = new Map();
  const failures = [];
  const groups = corpus();
  const count = (got) => {
    if (got.status === 403) refusals.set(got.body?.reason, (refusals.get(got.body?.reason) ?? 0) + 1);
    statuses.set(got.status, (statuses.get(got.status) ?? 0) + 1);
  };
  for (const [g, { policy: generated, requests, org, monitor }] of groups.entries()) {
    // Its own revision, so that the edge can tell it took this policy (decisions never read it).
    const policy = { ...generated, revision: `gen-${g}` };
    await offerPolicy(policy);
    // Envoy decides with its own clock: so does the expectation, at two instants
    // a few minutes apart, so that a retention boundary crossed mid-test is skipped, not failed.
    const t0 = new Date(Date.now() - 1000).toISOString();
    const t1 = new Date(Date.now() + 5 * 60_000).toISOString();
    // Each group's API holds its own cases only.
    Object.assign(data, { recordings: [], annotations: [], jobs: [], conversations: [], screenSessions: [], queues: QUEUE_IDS.map((id) => ({ id, name: id })) });
    const cases = [];
    for (const [i, request] of requests.entries()) {
      const tag = `g${g}-${i}`;
      const c = routeAny(policy, request, tag, 'recording', 0);
      if (c) cases.push({ ...c, variant: 0, tag });
    }
    const variants = new Map();
    for (const [family, list] of [['org', org], ['monitor', monitor]]) {
      for (const [i, request] of list.entries()) {
        // Round the family's routes, per permission: every route gets its share.
        const k = `${family} ${request.permission}`;
        const variant = variants.get(k) ?? 0;
        variants.set(k, variant + 1);
        const tag = `g${g}-${family}-${i}`;
        const c = routeAny(policy, request, tag, family, variant);
        if (c) cases.push({ ...c, variant, tag });
      }
    }
    // The figures over every session, for each user and for the draws' impersonations.
    const pairs = [...USERS.map((u) => ({ principal: u })),
      ...[...org, ...monitor].filter((r) => r.actor !== undefined).slice(0, 6).map((r) => ({ principal: r.principal, actor: r.actor }))];
    const counts = pairs.flatMap((by) => countCases(by, t0));
    const questions = (t) => [...cases, ...counts].flatMap((c) => [
      ...c.evals.map((r) => ({ ...r, now: t })), ...c.bulks.map((q) => ({ ...q, now: t, bulk: true }))]);
    // For the lists: every user × every recording of this policy (media view, metadata view, download),
    // every queue, and every user's desktop (the screen-monitoring sessions).
    const recs = cases.map((c) => c.recording).filter(Boolean);
    const targets = [...USERS, 'ghost'];
    const listRequests = (t) => USERS.flatMap((u) => [
      ...recs.flatMap((r) => [...visibilityRequests(u, r), { principal: u, permission: downloadPerm(r), resource: { ...r, type: 'recording' } }]),
      ...QUEUE_IDS.map((id) => ({ principal: u, permission: 'routing:queue:view', resource: { type: 'queue', id } })),
      ...targets.map((x) => agentRequest(policy, { principal: u }, x, t)),
    ].map((x) => ({ ...x, now: t })));
    const perUser = 3 * recs.length + QUEUE_IDS.length + targets.length;
    const answer = (t) => {
      const qs = questions(t);
      const evals = decideAll(policy, [...qs.filter((q) => !q.bulk), ...listRequests(t)]);
      const bulks = bulkAll(policy, qs.filter((q) => q.bulk).map(({ bulk, ...q }) => q));
      return { evals, bulks };
    };
    const [a0, a1] = [t0, t1].map(answer);
    const conversation = `c-gen-${g}`;
    for (const c of cases) serve(c);
    for (const r of recs) upsert(data.recordings, listed(r, conversation));
    const envoy = await edgeReadyFor(policy);
    {
      // Each case's answers, in the order its questions were asked.
      let ei = 0;
      let bi = 0;
      const planned = [...cases, ...counts].map((c) => {
        const take = ({ evals, bulks }) => [evals.slice(ei, ei + c.evals.length), bulks.slice(bi, bi + c.bulks.length)];
        const [[ds0, bs0], [ds1, bs1]] = [take(a0), take(a1)];
        ei += c.evals.length;
        bi += c.bulks.length;
        const [e0, e1] = [c.expect(ds0, bs0), c.expect(ds1, bs1)];
        const sibs = (c.siblings ?? []).map((s) => [s.expect(...ds0), s.expect(...ds1)]);
        return { c, e0, sibs: sibs.map(([x]) => x), stable: JSON.stringify([e0, sibs.map(([x]) => x)]) === JSON.stringify([e1, sibs.map(([, y]) => y)]), native: ds0[0] };
      });
      // Random policies hide most recordings from most users: keep every request
      // that is allowed or refused with a reason, and hidden ones up to half as many.
      const shown = planned.filter((p) => p.e0.status !== 404).length;
      let hiddenBudget = Math.ceil(shown / 2);
      const chosen = planned.filter(({ e0, stable }) => {
        if (!stable) { unstable += 1; return false; }
        return !(e0.status === 404 && hiddenBudget-- <= 0);
      });
      // Every case names its own conversation, recording, job and session: they go concurrently.
      await inParallel(chosen, CONCURRENCY, async ({ c, e0, sibs, native }) => {
        const got = await send(envoy, c);
        routed += 1;
        floors.add(keyOf(c.method, c.path), e0.status < 400);
        count(got);
        if (!agrees(e0, got)) {
          failures.push({ policy: g, policyDoc: policy, family: c.family, variant: c.variant, tag: c.tag, request: c.generated ? { ...c.generated, now: t0 } : undefined, native, http: `${c.method} ${c.path}`, expected: e0, got: { status: got.status, body: got.body } });
        }
        for (const [k, s] of (c.siblings ?? []).entries()) {
          const e = sibs[k];
          const sg = await send(envoy, s);
          routed += 1;
          floors.add(keyOf(s.method, s.path), e.status < 400 && (e.ids === undefined || e.ids.length > 0));
          count(sg);
          if (!agrees(e, sg)) failures.push({ policy: g, sibling: `${s.method} ${s.path}`, of: `${c.method} ${c.path}`, expected: e, got: { status: sg.status, body: sg.body } });
        }
      });
      // Lists: each user, their own token, the policy's entities filtered by the edge.
      const base = a0.evals.length - USERS.length * perUser;
      const at = (d, u, k) => d[base + u * perUser + k];
      // Whether a user is refused as such (disabled, unknown): the answer about their own desktop says so.
      const refusedAsSuch = (d, u) => {
        const probe = at(d, u, 3 * recs.length + QUEUE_IDS.length + targets.indexOf(USERS[u]));
        return SESSION_REASONS.includes(probe.reason) ? probe.reason : null;
      };
      const rnd = numbers(SEED * 1000 + g);
      const sessions = listSessions(g, rnd);
      const batchSample = recs.slice(0, 30).map((r) => listed(r, conversation));
      for (const [u, user] of USERS.entries()) {
        const keep = (d) => recs.map((r, j) => keeps(at(d, u, 3 * j), at(d, u, 3 * j + 1), at(d, u, 3 * j + 2)));
        const queueKept = (d) => QUEUE_IDS.filter((_, q) => at(d, u, 3 * recs.length + q).allow);
        // Monitoring a user the policy does not know is refused (`unknown_resource`), whoever asks.
        const agentAllowed = (d, x) => agentDesktop(policy, x) !== null && at(d, u, 3 * recs.length + QUEUE_IDS.length + targets.indexOf(x)).allow;
        const watched = USERS[(u + 1) % USERS.length];
        const sessionsKept = (d) => sessions
          .filter((x) => x.targetUser.id === watched || x.sourceUser.id === watched)
          .filter((x) => x.sourceUser.id === user || agentAllowed(d, x.targetUser.id));
        const wanted = (d) => {
          const k = keep(d);
          const pick = (field, value) => recs.flatMap((r, j) => (value(k[j][field]) ? [r.id] : []));
          return {
            recordings: recs.flatMap((r, j) => (k[j].recordings ? [`${r.id}:${k[j].recordings}`] : [])),
            downloads: recs.flatMap((r, j) => (k[j].downloads ? [`${r.id}:${k[j].downloads}`] : [])),
            metadata: pick('metadata', Boolean),
            batch: batchSample.filter((_, j) => k[j].batch).map((r) => r.id),
            queues: queueKept(d),
            sessions: sessionsKept(d).map((x) => x.screenMonitoringId),
            refused: refusedAsSuch(d, u),
          };
        };
        const [w0, w1] = [wanted(a0.evals), wanted(a1.evals)];
        if (JSON.stringify(w0) !== JSON.stringify(w1)) { unstable += 1; continue; }
        const asMedia = (r) => `${r.id.replace(/-l$/, '')}:${r.mediaUris !== undefined ? 'media' : 'metadata'}`;
        const lists = [
          { path: `/api/v2/conversations/${conversation}/recordings`, want: w0.recordings, of: recs.length, pick: asMedia },
          { path: `/api/v2/conversations/${conversation}/recordings?download=true`, want: w0.downloads, of: recs.length, pick: asMedia, whole: w0.downloads.filter((x) => x.endsWith(':media')).length },
          { path: `/api/v2/conversations/${conversation}/recordingmetadata`, want: w0.metadata, of: recs.length, pick: (r) => r.id.replace(/-l$/, '') },
          { path: `/api/v2/recording/batchrequests/batch-${g}`, want: w0.batch, of: batchSample.length, pick: (r) => r.recordingId, sample: true },
          { path: '/api/v2/routing/queues', want: w0.queues, of: QUEUE_IDS.length },
          { path: `/api/v2/screenmonitors/users/${watched}/sessions`, want: w0.sessions, of: sessions.filter((x) => x.targetUser.id === watched || x.sourceUser.id === watched).length, pick: (x) => x.screenMonitoringId, sessions: true },
        ];
        for (const l of lists) {
          // The API's batch results name every recording it holds: a sample of the list's, for this request.
          const held = data.recordings;
          if (l.sample) data.recordings = batchSample;
          if (l.sessions) data.screenSessions = sessions;
          const got = await send(envoy, { method: 'GET', path: l.path, principal: user }).finally(() => { data.recordings = held; });
          listsChecked += 1;
          count(got);
          const key = keyOf('GET', l.path);
          const seen = idsOf(got, l.pick);
          if (w0.refused) {
            // A principal refused as such (disabled, unknown) gets 403 with the reason, never a list.
            floors.addList(key, 0, l.of);
            if (got.status !== 403 || got.body?.reason !== w0.refused) failures.push({ policy: g, list: l.path, user, expected: `403 ${w0.refused}`, got: seen });
            continue;
          }
          const shownCount = l.whole ?? l.want.length;
          floors.addList(key, shownCount, l.of - shownCount);
          // A list that could not be read is never forwarded unfiltered.
          if (seen !== l.want.join(' ') || !got.upstream) failures.push({ policy: g, list: l.path, user, expected: l.want.join(' '), got: seen});
        }
      }
    }
  }
  console.log(`routed ${routed} generated requests through Envoy over ${groups.length} policies; statuses`,
    Object.fromEntries(statuses), `; ${listsChecked} list responses checked; ${unstable} skipped at a retention boundary`);
  console.log('per route (allowed / refused; lists: entities shown / hidden):', JSON.stringify(floors));
  console.log('403 reasons:', JSON.stringify(Object.fromEntries([...refusals].sort((a, b) => b[1] - a[1]))));
  // Concurrent sends finish in any order: the vectors are written in the corpus's.
  failures.sort((a, b) => a.policy - b.policy || String(a.http ?? a.sibling ?? a.list).localeCompare(String(b.http ?? b.sibling ?? b.list)));
  if (failures.length) {
    const where = new Map();
    for (const f of failures) {
      const k = f.http ? keyOf(...f.http.split(' ')) : f.sibling ? `sibling ${keyOf(...f.sibling.split(' '))}` : `list ${keyOf('GET', f.list)}`;
      where.set(k, [...(where.get(k) ?? []), f]);
    }
    for (const [k, fs] of where) console.log(`disagreements on ${k}: ${fs.length}; first: ${JSON.stringify({ ...fs[0], policyDoc: undefined })}`);
  }
  await writeVectors(failures);
  assert.equal(failures.length, 0, `${failures.length} disagreements; first: ${JSON.stringify({ ...failures[0], policyDoc: undefined })}`);
  assert.ok(routed >= MIN_ROUTED, `only ${routed} generated requests mapped to routes`);
  assert.ok(statuses.size >= 4, `too few distinct statuses for agreement to mean much: ${[...statuses.keys()]}`);
  const short = floors.shortfalls(DECIDED_ROUTES);
  assert.deepEqual(short, [], `routes short of the floor (${ROUTE_FLOOR} allowed and ${ROUTE_FLOOR} refused each): ${short.join('; ')}`);
});
