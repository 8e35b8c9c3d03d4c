// One edge for a test file: the test recordings API and attributes service
// on one data set, real Envoy with the recgate filter deciding by
// examples/acme.json (or another policy) in front of them, and a way to stop
// it all.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startUpstream, startAttributes } from './servers.mjs';
import { startEnvoy, repoRoot } from './envoy.mjs';

/** examples/acme.json, parsed. */
export const acme = () => JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));

/** Starts the servers and Envoy; `plugin` is merged over `{policy, attributes}`. */
export async function startEdge(idp, { policy = acme(), plugin = {}, attributes = {}, envoyOptions = {} } = {}) {
  const up = await startUpstream();
  const attrs = await startAttributes(up.data);
  const envoy = await startEnvoy({
    jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, ...envoyOptions,
    plugin: { policy, attributes: { cluster: 'recgate_attributes', ...attributes }, ...plugin },
  });
  return {
    up, attrs, envoy,
    async stop() {
      await envoy.stop();
      up.server.close();
      attrs.server.close();
    },
  };
}
