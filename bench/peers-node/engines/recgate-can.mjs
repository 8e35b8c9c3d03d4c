// recgate's npm package through its lighter calls: can() (a boolean, no decision object, no
// decisionId) and visible() on a RecordingSet that gate.prepare() encoded once — the way a
// page that re-filters the same list (another principal, a clock tick) uses it. The set is
// prepared on the first call with a given array (the harness's warm-up) and reused after.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gate, version } from '../lib/recgate-package.mjs';

export default {
  name: `recgate (@recgate/web ${version}) can(), prepared rows`,
  async load(orgDir) {
    return { gate: Gate.fromPolicy(readFileSync(join(orgDir, 'policy.json'), 'utf8')), sets: new WeakMap() };
  },
  check(state, request) {
    return state.gate.can(request.principal, request.permission, request.resource, request.now);
  },
  visible(state, principal, recordings, now) {
    let set = state.sets.get(recordings);
    if (!set) state.sets.set(recordings, (set = state.gate.prepare(recordings)));
    return state.gate.visible(principal, set, now);
  },
};
