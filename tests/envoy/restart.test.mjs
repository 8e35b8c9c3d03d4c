// Envoy killed and restarted under load: requests fail while it is down, but
// no request reaches the recordings API without a decision, and decisions
// after the restart are the same as before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes } from './lib/servers.mjs';
import { startEnvoy, freePort, repoRoot } from './lib/envoy.mjs';

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));

test('Envoy restarted mid-load: nothing reaches the API undecided, decisions unchanged', { timeout: 90000 }, async () => {
  const idp = makeIssuer();
  const up = await startUpstream();
  const attrs = await startAttributes();
  const port = await freePort();
  const options = { port, jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, plugin: { policy, attributes: { cluster: 'recgate_attributes' }, decisionLog: false } };
  let envoy = await startEnvoy(options);
  const url = envoy.url;
  const allowed = { path: '/api/v2/routing/queues', headers: { authorization: `Bearer ${idp.token({ sub: 'b-em-1' })}` }, expect: 200 };
  const denied = { path: '/api/v2/routing/queues/q-escalation', headers: { authorization: `Bearer ${idp.token({ sub: 'b-em-1' })}` }, expect: 403 };
  const results = [];
  let running = true;
  const load = Promise.all(Array.from({ length: 4 }, async (_, w) => {
    let i = w;
    while (running && i < 200000) {
      const req = i % 2 ? allowed : denied;
      i += 1;
      try {
        const r = await fetch(url + req.path, { headers: req.headers });
        const body = await r.text();
        results.push({ status: r.status, expect: req.expect, body });
      } catch {
        results.push({ status: 'down', expect: req.expect });
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }));
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const before = results.length;
    await envoy.stop();
    await new Promise((r) => setTimeout(r, 1000));
    envoy = await startEnvoy(options);
    await new Promise((r) => setTimeout(r, 2000));
    running = false;
    await load;
    const down = results.filter((r) => r.status === 'down').length;
    const served = results.filter((r) => r.status !== 'down');
    const wrong = served.filter((r) => r.status !== r.expect);
    console.log(`restart: ${results.length} requests (${before} before the kill), ${down} failed while down, ${wrong.length} unexpected`);
    assert.ok(before > 50 && served.length > before + 20, 'load ran before and after the restart');
    assert.deepEqual(wrong.slice(0, 3), [], 'every answered request decided as before');
    // Every request the API saw carried a decision.
    const undecided = up.seen.filter((s) => s.path.startsWith('/api/') && !/^[0-9a-f]{32}$/.test(s.headers['x-recgate-decision'] ?? ''));
    assert.equal(undecided.length, 0, 'no request reached the API without a decision');
  } finally {
    running = false;
    await load;
    await envoy.stop();
    up.server.close();
    attrs.server.close();
  }
});
