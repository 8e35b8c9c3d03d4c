// Signed policies through real Envoy 1.40 (docs/signing.md): the filter
// lists two trusted keys; the policy server sends each policy with its
// detached signature (made by `recgate sign`) in `x-recgate-signature`. An
// unsigned, malformed, untrusted, forged, mismatched or older policy is
// refused — counted by reason, logged — and the last good one keeps
// deciding; a policy signed by the second key (rotation) is installed, and
// an older one replayed afterwards is refused as stale.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes } from './lib/servers.mjs';
import { startEnvoy, stat, repoRoot } from './lib/envoy.mjs';
import { keygen, signPolicy, scratch, startSignedPolicyServer } from './lib/fleet.mjs';

const acme = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('only policies signed by a trusted key, over their own content and newer than the running one, are installed', { timeout: 120000 }, async () => {
  const dir = scratch('signing');
  const [k1, k2, stranger] = [keygen(dir), keygen(dir), keygen(dir)];
  // Revision 2 takes QA's screen recording access away.
  const v2 = structuredClone(acme);
  v2.revision = 'acme-signed-r2';
  v2.roles['qa-screen-viewer'].grants = v2.roles['qa-screen-viewer'].grants.filter((g) => g.permission !== 'recording:screenRecording:view');
  const first = signPolicy(dir, acme, k1, 10);
  const ps = await startSignedPolicyServer(first);
  const up = await startUpstream();
  const attrs = await startAttributes();
  let envoy;
  try {
    envoy = await startEnvoy({
      jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, policyPort: ps.port,
      plugin: {
        attributes: { cluster: 'recgate_attributes' },
        policyServer: { cluster: 'recgate_policy', pollSeconds: 1, timeoutMs: 1000 },
        signing: { trustedKeys: [k1.publicKey, k2.publicKey] },
      },
    }, { concurrency: 2 });
    const token = idp.token({ sub: 'qa-1' });
    const one = async () => {
      const r = await fetch(`${envoy.url}/api/v2/conversations/c-1/recordings/rec-us-screen-1`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      return { status: r.status, revision: r.headers.get('x-recgate-revision') };
    };
    // Each worker's VM installs the first signed policy once its first poll lands.
    let answer;
    for (let i = 0; i < 100; i += 1) {
      answer = await one();
      if (answer.status === 200) break;
      await sleep(100);
    }
    assert.deepEqual(answer, { status: 200, revision: acme.revision });
    assert.equal(await stat(envoy.admin, 'recgate_policy_serial'), 10);

    const v2Signed = signPolicy(dir, v2, k1, 11);
    const forged = JSON.parse(v2Signed.envelope);
    forged.serial = 12; // raised after signing
    const refusals = [
      ['unsigned', { text: v2Signed.text, envelope: null }],
      ['malformed', { text: v2Signed.text, envelope: '{"format":"recgate-signature/v1"}' }],
      ['unknown_key', signPolicy(dir, v2, stranger, 11)],
      ['bad_signature', { text: v2Signed.text, envelope: JSON.stringify(forged) }],
      // A valid, newer signature — over acme's content, served with revision 2's.
      ['hash_mismatch', { text: v2Signed.text, envelope: signPolicy(dir, acme, k1, 13).envelope }],
      ['stale', signPolicy(dir, v2, k1, 9)],
    ];
    for (const [reason, served] of refusals) {
      const before = await stat(envoy.admin, `recgate_policy_reload_failures_${reason}`);
      ps.set(served);
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline && await stat(envoy.admin, `recgate_policy_reload_failures_${reason}`) <= before) await sleep(200);
      assert.ok(await stat(envoy.admin, `recgate_policy_reload_failures_${reason}`) > before, `${reason} counted`);
      assert.deepEqual(await one(), { status: 200, revision: acme.revision }, `${reason}: the last good policy still decides`);
    }
    const log = envoy.log();
    for (const words of ['without a signature', 'malformed signature envelope', 'which is not trusted', 'does not verify', 'covers policy', 'not newer than the running serial']) {
      assert.ok(log.includes(words) && log.includes('keeping the active policy'), `logged: ${words}`);
    }
    // One install per VM at most — Envoy runs the plugin on its main thread and on each of the two
    // workers; a VM that started from another's last good policy (shared data) has none.
    const reloads = await stat(envoy.admin, 'recgate_policy_reloads');
    assert.ok(reloads >= 1 && reloads <= 3, `${reloads} installs so far`);

    // Rotation: the second trusted key signs the next policy.
    ps.set(signPolicy(dir, v2, k2, 14));
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline && (await one()).revision !== v2.revision) await sleep(200);
    // Both workers: every answer now comes from revision 2.
    for (let i = 0; i < 20; i += 1) assert.deepEqual(await one(), { status: 404, revision: v2.revision }, 'revision 2 hides the screen recording from QA');
    assert.match(envoy.log(), new RegExp(`serial 14 signed by key ${k2.keyId}`));

    // The first policy replayed (a valid signature, an older serial) is refused.
    const staleBefore = await stat(envoy.admin, 'recgate_policy_reload_failures_stale');
    ps.set(first);
    const until = Date.now() + 15000;
    while (Date.now() < until && await stat(envoy.admin, 'recgate_policy_reload_failures_stale') <= staleBefore) await sleep(200);
    assert.ok(await stat(envoy.admin, 'recgate_policy_reload_failures_stale') > staleBefore, 'the replay is counted as stale');
    assert.deepEqual(await one(), { status: 404, revision: v2.revision }, 'and revision 2 still decides');
  } finally {
    await envoy?.stop();
    up.server.close();
    attrs.server.close();
    ps.server.close();
  }
});

test('a signing configuration that cannot be read stops the plugin, and an inline policy needs no signature', async () => {
  const up = await startUpstream();
  const attrs = await startAttributes();
  const dir = scratch('signing-config');
  const k = keygen(dir);
  try {
    // An unreadable trusted key: refused at load, never permissive.
    let envoy;
    let log = '';
    try {
      envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, plugin: { policy: acme, attributes: { cluster: 'recgate_attributes' }, signing: { trustedKeys: ['not-a-key'] } } }, { timeoutMs: 10000 });
      const r = await fetch(`${envoy.url}/api/v2/routing/queues`, { headers: { authorization: `Bearer ${idp.token({ sub: 'sup-us' })}` } });
      assert.notEqual(r.status, 200);
      log = envoy.log();
    } catch (e) {
      log = String(e.message);
    } finally {
      await envoy?.stop();
    }
    assert.match(log, /signing\.trustedKeys\[0\]/);
    // The inline policy is part of the configuration, trusted as the keys are.
    envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, plugin: { policy: acme, attributes: { cluster: 'recgate_attributes' }, signing: { trustedKeys: [k.publicKey] } } });
    try {
      const r = await fetch(`${envoy.url}/api/v2/routing/queues`, { headers: { authorization: `Bearer ${idp.token({ sub: 'sup-us' })}` } });
      assert.equal(r.status, 200);
    } finally {
      await envoy.stop();
    }
  } finally {
    up.server.close();
    attrs.server.close();
  }
});
