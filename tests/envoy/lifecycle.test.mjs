// The filter's lifecycle in real Envoy: a bad configuration is refused at load
// (never run permissive); shadow mode decides and counts but lets requests
// through; policies come from a policy server with ETags, a broken policy
// keeps the last good one, and a new revision takes over under load with no
// 5xx and no request decided by the old revision once the new one is reported.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes, startPolicyServer } from './lib/servers.mjs';
import { startEnvoy, stat, repoRoot } from './lib/envoy.mjs';

const acme = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();

async function withEdge(plugin, body, { policyText } = {}) {
  const up = await startUpstream();
  const attrs = await startAttributes();
  const ps = policyText ? await startPolicyServer(policyText) : null;
  let envoy;
  try {
    envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, policyPort: ps?.port, plugin: { attributes: { cluster: 'recgate_attributes' }, ...plugin } });
    await body({ envoy, up, ps });
  } finally {
    await envoy?.stop();
    up.server.close();
    attrs.server.close();
    ps?.server.close();
  }
}

test('a configuration the filter cannot understand is refused at load, with a clear log line', async () => {
  const up = await startUpstream();
  const attrs = await startAttributes();
  for (const [plugin, expected] of [
    [{ policy: acme, attributes: { cluster: 'recgate_attributes' }, mode: 'permissive' }, 'refusing to start'],
    [{ policy: { ...acme, roles: { ...acme.roles, typo: { grants: [{ permission: 'recording:screnRecording:view' }] } } }, attributes: { cluster: 'recgate_attributes' } }, 'inline policy is invalid'],
    [{ attributes: { cluster: 'recgate_attributes' } }, 'neither "policy" nor "policyServer"'],
  ]) {
    let envoy;
    let log = '';
    try {
      envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, plugin }, { timeoutMs: 10000 });
      log = envoy.log();
      // If Envoy came up at all, the API must not be served permissively.
      const r = await fetch(`${envoy.url}/api/v2/routing/queues`, { headers: { authorization: `Bearer ${idp.token({ sub: 'sradmin-1' })}` } });
      assert.notEqual(r.status, 200, 'a refused configuration must not serve the API');
      log = envoy.log();
    } catch (e) {
      log = String(e.message);
    } finally {
      await envoy?.stop();
    }
    assert.ok(log.includes(expected), `expected "${expected}" in the log:\n${log.slice(-1500)}`);
  }
  up.server.close();
  attrs.server.close();
});

test('shadow mode decides, counts and logs, but lets the request through', async () => {
  await withEdge({ policy: acme, mode: 'shadow' }, async ({ envoy, up }) => {
    const token = idp.token({ sub: 'qa-1' });
    const body = JSON.stringify({ deleteDate: '2026-12-24T00:00:00Z' });
    const r = await fetch(`${envoy.url}/api/v2/conversations/c-1/recordings/rec-us-screen-1`, { method: 'PUT', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    assert.equal(r.status, 200, 'passed through');
    assert.ok(up.seen.some((s) => s.method === 'PUT'), 'the API received it');
    assert.equal(await stat(envoy.admin, 'recgate_decisions_shadow_deny_no_permission'), 1);
    assert.match(envoy.log(), /"mode":"shadow"/);
  });
});

test('policies from a policy server: ETag polling, last good kept on garbage, new revision under load', async () => {
  const r1 = JSON.stringify(acme);
  // Revision 2 takes QA's screen recording access away.
  const v2 = JSON.parse(r1);
  v2.revision = 'acme-r2';
  v2.roles['qa-screen-viewer'].grants = v2.roles['qa-screen-viewer'].grants.filter((g) => g.permission !== 'recording:screenRecording:view');
  await withEdge({ policyServer: { cluster: 'recgate_policy', pollSeconds: 1, timeoutMs: 500 } }, async ({ envoy, ps }) => {
    const token = idp.token({ sub: 'qa-1' });
    const one = async () => {
      const res = await fetch(`${envoy.url}/api/v2/conversations/c-1/recordings/rec-us-screen-1`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      return { status: res.status, revision: res.headers.get('x-recgate-revision') };
    };
    // Revision 1 is active once the first poll lands.
    let first;
    for (let i = 0; i < 50; i += 1) {
      first = await one();
      if (first.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(first.status, 200);
    assert.equal(first.revision, acme.revision);
    // Garbage and an invalid policy: the last good one stays, failures are counted.
    ps.state.garbage = true;
    await new Promise((r) => setTimeout(r, 2500));
    ps.state.garbage = false;
    ps.state.text = JSON.stringify({ ...acme, revision: 'broken', roles: { bad: { grants: [{ permission: 'nope:nope:nope' }] } } });
    await new Promise((r) => setTimeout(r, 2500));
    const still = await one();
    assert.equal(still.status, 200);
    assert.equal(still.revision, acme.revision);
    assert.ok(await stat(envoy.admin, 'recgate_policy_reload_failures') >= 2);
    // Under load, switch to revision 2.
    const results = [];
    const deadline = Date.now() + 12000;
    let switched = false;
    const workers = Array.from({ length: 6 }, async () => {
      let n = 0;
      while (Date.now() < deadline && n < 2000) {
        n += 1;
        const sent = Date.now();
        results.push({ sent, ...(await one()), at: Date.now() });
        if (!switched && results.length > 200) {
          switched = true;
          ps.state.text = JSON.stringify(v2);
        }
        if (results.some((r) => r.revision === 'acme-r2') && results.filter((r) => r.revision === 'acme-r2').length > 300) break;
      }
    });
    await Promise.all(workers);
    assert.ok(results.length > 300, `only ${results.length} requests`);
    assert.equal(results.filter((r) => r.status >= 500).length, 0, 'no 5xx during the switch');
    const firstNew = results.findIndex((r) => r.revision === 'acme-r2');
    assert.ok(firstNew > 0, 'revision 2 became active');
    // Requests are issued concurrently; order them by completion time.
    const sorted = [...results].sort((a, b) => a.at - b.at);
    const cut = sorted.findIndex((r) => r.revision === 'acme-r2');
    // Causality, not completion order: a request sent after the new revision was
    // reported must be decided by it (responses of concurrent connections can be
    // read in any order within a millisecond or two).
    const reported = sorted[cut].at;
    const after = sorted.filter((r) => r.sent > reported);
    assert.ok(after.length > 0, 'requests were sent after the new revision was reported');
    assert.equal(after.filter((r) => r.revision !== 'acme-r2').length, 0, 'nothing decided by the old revision after the new one was reported');
    for (const r of sorted.slice(0, cut)) assert.equal(r.status, 200);
    for (const r of after) assert.equal(r.status, 404, 'revision 2 hides the screen recording from QA');
    assert.ok(await stat(envoy.admin, 'recgate_policy_reloads') >= 2);
    console.log(`reload under load: ${results.length} requests, switch after ${cut}, 0 5xx`);
  }, { policyText: r1 });
});
