// The npm package's gate.plan() evaluated by a Node back end agrees with
// gate.check() on every sample user, recording and access permission.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Gate } from '../../wasm-web/testing/helpers.js';
import { fixtures, attributesOf } from './lib/servers.mjs';
import { matches } from './lib/plan.mjs';
import { repoRoot } from './lib/envoy.mjs';

test('plans agree with check() for every acme user, fixture recording and access permission', () => {
  const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
  const gate = Gate.fromPolicy(policy);
  const now = '2026-11-22T12:00:00Z';
  let allowed = 0;
  let compared = 0;
  for (const user of Object.keys(policy.users)) {
    for (const permission of ['recording:recording:view', 'recording:screenRecording:view', 'recording:metadata:view', 'recording:recording:delete']) {
      const plan = gate.plan(user, permission, now);
      for (const rec of fixtures().recordings) {
        const attrs = attributesOf(rec);
        const d = gate.check({ principal: user, permission, resource: { type: 'recording', ...attrs }, now });
        assert.equal(matches(plan.filter, attrs, policy.settings.homeRegion), d.allow, `${user} ${permission} ${rec.id}`);
        compared += 1;
        allowed += d.allow ? 1 : 0;
      }
    }
  }
  assert.ok(allowed > 10, `only ${allowed} allowed of ${compared}`);
});

test('plan() refuses what is not a recording permission', () => {
  const gate = Gate.fromPolicy(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
  assert.throws(() => gate.plan('qa-1', 'routing:queue:view'), RangeError);
  assert.equal(gate.plan('ghost', 'recording:recording:view').filter.op, 'never');
});

test('the demo API answers list requests from a plan; the edge filters again', async () => {
  const { makeIssuer } = await import('./lib/jwt.mjs');
  const { startUpstream, startAttributes } = await import('./lib/servers.mjs');
  const { startEnvoy } = await import('./lib/envoy.mjs');
  const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
  const planned = { count: 0 };
  const up = await startUpstream(undefined, { gate: Gate.fromPolicy(policy), planned });
  const attrs = await startAttributes();
  const idp = makeIssuer();
  const envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, plugin: { policy, attributes: { cluster: 'recgate_attributes' } } });
  try {
    const r = await fetch(`${envoy.url}/api/v2/conversations/c-1/recordings`, { headers: { authorization: `Bearer ${idp.token({ sub: 'qa-1' })}` } });
    const body = await r.json();
    assert.equal(r.status, 200);
    assert.deepEqual(body.map((e) => e.id), ['rec-us-call-1', 'rec-us-screen-1']);
    assert.equal(planned.count, 1, 'the API planned the query');
    assert.equal(up.seen.at(-1).headers['x-recgate-principal'], 'qa-1');
  } finally {
    await envoy.stop();
    up.server.close();
    attrs.server.close();
  }
});
