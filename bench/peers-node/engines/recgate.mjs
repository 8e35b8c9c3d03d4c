// recgate's npm package as users call it: Gate.fromPolicy on the whole org, check() returning
// the whole decision object (reason, grant, obligations, a random decisionId), visible() over
// a plain array of recordings.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gate, version } from '../lib/recgate-package.mjs';

export default {
  name: `recgate (@recgate/web ${version}) check()`,
  async load(orgDir) {
    return Gate.fromPolicy(readFileSync(join(orgDir, 'policy.json'), 'utf8'));
  },
  check(gate, request) {
    return gate.check(request).allow;
  },
  visible(gate, principal, recordings, now) {
    return gate.visible(principal, recordings, now);
  },
};
