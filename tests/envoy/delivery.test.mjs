// The filter delivered the way Envoy operators deliver extensions, through
// real Envoy 1.40:
// - its configuration by ECDS (`config_discovery` on the HTTP filter) from a
//   watched directory: a route and the mode change under load with no
//   restart and no 5xx — new root contexts start from this Envoy's last
//   good policy (shared data) instead of waiting for a poll — and a
//   configuration the filter refuses is rejected by Envoy, the last good
//   one running on;
// - ECDS warming: a first configuration the filter refuses leaves the
//   filter missing, which Envoy answers 500 (nothing passes), unless a
//   `default_config` stands in;
// - the module by `vm_config.code.remote` with its `sha256`, from a local
//   HTTP server: the right hash loads, a wrong one is refused (the plugin
//   fails closed: 503, nothing reaches the API).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes, startPolicyServer } from './lib/servers.mjs';
import { startEnvoy, ecdsResource, remoteCode, WASM, repoRoot } from './lib/envoy.mjs';
import { scratch, startFileServer, sha256File } from './lib/fleet.mjs';

const acme = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const decide = (permission, kind, id) => ({ kind: 'decide', permission, resource: { type: kind, id } });
const QUEUE_ROUTE = { method: 'GET', path: '/api/v2/routing/queues/{queueId}', action: decide('routing:queue:view', 'queue', '{queueId}') };
const USER_ROUTE = { method: 'GET', path: '/api/v2/users/{userId}', action: decide('directory:user:view', 'user', '{userId}') };

/** Writes the ECDS file the way a config pipeline should: a new file moved into the watched directory. */
function deliver(dir, path, plugin, version) {
  const tmp = join(dir, `.recgate-${version}.tmp`);
  writeFileSync(tmp, JSON.stringify(ecdsResource(plugin, { version })));
  renameSync(tmp, path);
  return Date.now();
}

async function stats(envoy, filter) {
  const text = await (await fetch(`${envoy.admin}/stats?filter=${filter}`)).text();
  return Object.fromEntries(text.split('\n').filter(Boolean).map((l) => {
    const i = l.lastIndexOf(': ');
    return [l.slice(0, i), l.slice(i + 2)];
  }));
}

test('ECDS: a route and the mode change under load without a restart or a 5xx; a refused configuration leaves the last good one running', { timeout: 150000 }, async () => {
  const up = await startUpstream();
  const attrs = await startAttributes();
  const ps = await startPolicyServer(JSON.stringify(acme));
  const dir = scratch('ecds');
  const path = join(dir, 'recgate.json');
  const base = {
    attributes: { cluster: 'recgate_attributes' },
    policyServer: { cluster: 'recgate_policy', pollSeconds: 1, timeoutMs: 1000 },
    decisionLog: false,
  };
  const configs = [
    { name: 'v1: enforce, queues only', plugin: { ...base, routes: [QUEUE_ROUTE] }, expect: { queue: 403, user: 403 } },
    { name: 'v2: a users route added', plugin: { ...base, routes: [QUEUE_ROUTE, USER_ROUTE] }, expect: { queue: 403, user: 200 } },
    { name: 'v3: shadow mode', plugin: { ...base, routes: [QUEUE_ROUTE, USER_ROUTE], mode: 'shadow' }, expect: { queue: 200, user: 200 } },
    { name: 'v4: refused by the filter (mode "permissive")', plugin: { ...base, routes: [QUEUE_ROUTE, USER_ROUTE], mode: 'permissive' }, refused: true, expect: { queue: 200, user: 200 } },
    { name: 'v5: enforce again', plugin: { ...base, routes: [QUEUE_ROUTE, USER_ROUTE] }, expect: { queue: 403, user: 200 } },
  ];
  deliver(dir, path, configs[0].plugin, 1);
  let envoy;
  try {
    envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, policyPort: ps.port, ecds: { path, dir } }, { concurrency: 2 });
    const info0 = await (await fetch(`${envoy.admin}/server_info`)).json();
    const token = idp.token({ sub: 'b-em-1' });
    const probes = {
      // b-em-1 may not view the escalation queue (out_of_division) but may view themselves.
      queue: '/api/v2/routing/queues/q-escalation',
      user: '/api/v2/users/b-em-1',
    };
    const one = async (probe) => {
      const sent = Date.now();
      try {
        const r = await fetch(envoy.url + probes[probe], { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        return { probe, sent, at: Date.now(), status: r.status };
      } catch (e) {
        return { probe, sent, at: Date.now(), status: `error ${e.message}` };
      }
    };
    // Wait for the first policy poll to land.
    for (let i = 0; i < 100 && (await one('queue')).status !== 403; i += 1) await sleep(100);

    const results = [];
    let running = true;
    const load = Promise.all(Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; running && i < 100000; i += 1) results.push(await one((i + w) % 2 ? 'queue' : 'user'));
    }));
    const phases = [];
    try {
      for (const [k, c] of configs.entries()) {
        const at = k === 0 ? Date.now() : deliver(dir, path, c.plugin, k + 1);
        phases.push({ ...c, at });
        await sleep(4000);
      }
    } finally {
      running = false;
      await load;
    }
    assert.ok(results.length > 400, `only ${results.length} requests`);
    assert.deepEqual(results.filter((r) => typeof r.status !== 'number' || r.status >= 500).slice(0, 5), [], 'no 5xx and no failed request, ever');
    for (const [k, p] of phases.entries()) {
      const end = phases[k + 1]?.at ?? Infinity;
      const within = results.filter((r) => r.sent >= p.at && r.at < end);
      if (p.refused) {
        // Nothing changes: every request of the phase behaves as before it.
        for (const r of within) assert.equal(r.status, p.expect[r.probe], `${p.name}: ${r.probe}`);
        continue;
      }
      // The switch reaches every worker: after a short settling time (workers pick the new
      // configuration up independently), every request behaves as the new configuration says.
      const settled = results.filter((r) => r.sent >= p.at + 1500 && r.at < end);
      assert.ok(settled.length > 20, `${p.name}: requests after the switch`);
      for (const r of settled) assert.equal(r.status, p.expect[r.probe], `${p.name}: ${r.probe} sent ${r.sent - p.at} ms after delivery`);
    }
    const ecds = await stats(envoy, 'extension_config_discovery.http_filter.recgate');
    assert.equal(ecds['extension_config_discovery.http_filter.recgate.update_rejected'], '1', 'the refused configuration is rejected by Envoy');
    assert.equal(ecds['extension_config_discovery.http_filter.recgate.update_success'], '4');
    assert.equal(ecds['extension_config_discovery.http_filter.recgate.version_text'], '"5"');
    assert.match(envoy.log(), /refusing to start: invalid configuration: unknown variant `permissive`/);
    assert.match(envoy.log(), /Filesystem config update rejected/);
    assert.match(envoy.log(), /last good policy from the policy server/, 'new root contexts started from the shared last good policy');
    const info1 = await (await fetch(`${envoy.admin}/server_info`)).json();
    assert.equal(info1.command_line_options.restart_epoch ?? 0, info0.command_line_options.restart_epoch ?? 0, 'no hot restart');
    assert.ok(Number(info1.uptime_current_epoch.replace('s', '')) >= Number(info0.uptime_current_epoch.replace('s', '')) + 15, 'the same Envoy process served it all');
    console.log(`ecds under load: ${results.length} requests over ${phases.length} configurations, 0 5xx`);
  } finally {
    await envoy?.stop();
    up.server.close();
    attrs.server.close();
    ps.server.close();
  }
});

test('ECDS warming: a refused first configuration leaves the filter missing (500, nothing passes) unless a default_config stands in', { timeout: 90000 }, async () => {
  const up = await startUpstream();
  const attrs = await startAttributes();
  const refused = { policy: acme, attributes: { cluster: 'recgate_attributes' }, mode: 'permissive' };
  const good = { policy: acme, attributes: { cluster: 'recgate_attributes' } };
  // The stand-in decides with a policy that grants nothing: every request is refused until the real one arrives.
  const denyAll = { policy: { schema: 'recgate/v1', revision: 'default-deny-all' }, attributes: { cluster: 'recgate_attributes' } };
  const token = idp.token({ sub: 'sup-us' });
  const ask = async (envoy) => {
    const r = await fetch(`${envoy.url}/api/v2/routing/queues/q-escalation`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, revision: r.headers.get('x-recgate-revision'), body: await r.text() };
  };
  try {
    for (const withDefault of [false, true]) {
      const dir = scratch('ecds-warm');
      const path = join(dir, 'recgate.json');
      deliver(dir, path, refused, 1);
      const ecds = withDefault ? { path, dir, defaultPlugin: denyAll, applyDefaultWithoutWarming: true } : { path, dir };
      const envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, ecds });
      try {
        const before = up.seen.length;
        const first = await ask(envoy);
        if (withDefault) {
          assert.equal(first.status, 403, first.body);
          assert.equal(first.revision, 'default-deny-all');
        } else {
          assert.equal(first.status, 500, 'no filter configuration: Envoy answers 500');
        }
        assert.equal(up.seen.length, before, 'nothing reached the API');
        deliver(dir, path, good, 2);
        let now;
        for (let i = 0; i < 50; i += 1) {
          now = await ask(envoy);
          if (now.status === 200) break;
          await sleep(100);
        }
        assert.equal(now.status, 200, 'the good configuration takes over');
        assert.equal(now.revision, acme.revision);
      } finally {
        await envoy.stop();
      }
    }
  } finally {
    up.server.close();
    attrs.server.close();
  }
});

test('the module from a local HTTP server with its sha256 loads; with a wrong sha256 Envoy refuses it and nothing passes', { timeout: 90000 }, async () => {
  const up = await startUpstream();
  const attrs = await startAttributes();
  const files = await startFileServer({ 'recgate_proxy.wasm': readFileSync(WASM) });
  const uri = `http://127.0.0.1:${files.port}/recgate_proxy.wasm`;
  const token = idp.token({ sub: 'sup-us' });
  const options = (sha256) => ({
    jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port,
    extraClusters: [{ name: 'wasm_modules', port: files.port }],
    wasmCode: remoteCode(uri, 'wasm_modules', sha256),
    plugin: { policy: acme, attributes: { cluster: 'recgate_attributes' } },
  });
  try {
    let envoy = await startEnvoy(options(sha256File(WASM)));
    try {
      const r = await fetch(`${envoy.url}/api/v2/routing/queues/q-escalation`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('x-recgate-decision') ?? '', /^[0-9a-f]{32}$/, 'decided by the fetched module');
      assert.deepEqual(files.state.requests, ['recgate_proxy.wasm'], 'fetched once');
    } finally {
      await envoy.stop();
    }
    files.state.requests.length = 0;
    const before = up.seen.length;
    envoy = await startEnvoy(options('0'.repeat(64)));
    try {
      let r;
      for (let i = 0; i < 30; i += 1) {
        r = await fetch(`${envoy.url}/api/v2/routing/queues/q-escalation`, { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        if (files.state.requests.length >= 3) break;
        await sleep(200);
      }
      assert.equal(r.status, 503, 'the plugin failed to load and fails closed');
      assert.equal(r.headers.get('x-recgate-decision'), null);
      assert.ok(files.state.requests.length >= 2, `Envoy fetched, refused the bytes and retried (${files.state.requests.length} fetches)`);
      assert.match(envoy.log(), /Plugin recgate failed to load/);
      assert.equal(up.seen.length, before, 'nothing reached the API');
    } finally {
      await envoy.stop();
    }
  } finally {
    up.server.close();
    attrs.server.close();
    files.server.close();
  }
});
