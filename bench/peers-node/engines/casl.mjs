// The CASL engine of the peer benchmark: every user of the org gets a MongoAbility built at
// load (lib/casl-encoding.mjs); check() and visible() ask it `ability.can(permission, subject)`
// with the recording turned into a CASL subject (defaults and retention precomputed).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion } from '../lib/versions.mjs';
import { abilityFor, decide, isRecordingPermission, mediaView, parseTime, subjectOf } from '../lib/casl-encoding.mjs';

const version = packageVersion('@casl/ability');

export default {
  name: `CASL (@casl/ability ${version})`,
  async load(orgDir) {
    const policy = JSON.parse(readFileSync(join(orgDir, 'policy.json'), 'utf8'));
    const abilities = new Map();
    for (const id of Object.keys(policy.users)) abilities.set(id, abilityFor(policy, id));
    return { policy, settings: policy.settings ?? {}, abilities };
  },
  check(state, request) {
    if (request.actor !== undefined && request.actor !== request.principal) {
      throw new Error('casl engine: impersonation is not encoded (see CASL.md)');
    }
    if (request.resource?.type !== 'recording') {
      throw new Error(`casl engine: only recordings are encoded, not ${request.resource?.type} resources`);
    }
    // No rule names an action outside the recording catalog: CASL says no, as recgate does.
    if (!isRecordingPermission(request.permission)) return false;
    const ability = state.abilities.get(request.principal);
    const nowMs = parseTime(request.now);
    // Without a readable clock retention cannot be computed: refuse, as recgate does.
    if (!ability || Number.isNaN(nowMs)) return false;
    const subject = subjectOf(request.resource, nowMs, state.settings);
    return decide(ability, state.policy.users[request.principal], state.policy, request.permission, subject);
  },
  visible(state, principal, recordings, now) {
    const ability = state.abilities.get(principal);
    if (!ability) return [];
    const user = state.policy.users[principal];
    const nowMs = parseTime(now);
    if (Number.isNaN(nowMs)) return [];
    // Rows share few timestamps; parsing each distinct one once is what an app would do too.
    const created = new Map();
    const out = [];
    for (const rec of recordings) {
      let ms = created.get(rec.createdAt);
      if (ms === undefined) created.set(rec.createdAt, (ms = parseTime(rec.createdAt)));
      const subject = subjectOf(rec, nowMs, state.settings, ms);
      if (decide(ability, user, state.policy, mediaView(subject), subject)
        || decide(ability, user, state.policy, 'recording:metadata:view', subject)) out.push(rec);
    }
    return out;
  },
};
