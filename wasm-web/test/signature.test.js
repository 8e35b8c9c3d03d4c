// Signed slices: the package checks the detached Ed25519 signature of a
// policy with WebCrypto (js/signature.js), and must answer as the Rust
// verifier of the CLI and the Envoy filter — on every shared vector
// (tests/signatures/vectors.json), on random tamperings compared case by
// case with `recgate verify-signature`, and on a slice a server signs with
// Node's Ed25519 or with `recgate sign`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { Gate, CLI, repoRoot } from '../testing/helpers.js';
import { verifyPolicySignature, signedMessage, SIGNATURE_FORMAT } from '../js/index.js';

const vectors = JSON.parse(readFileSync(join(repoRoot, 'tests', 'signatures', 'vectors.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'recgate-web-sig-'));

const policyText = (c) => c.policyText ?? JSON.stringify(vectors.policy);
const envelopeText = (c) => c.envelopeText ?? JSON.stringify(c.envelope);

/** The CLI's verdict on a policy text, an envelope text and trusted keys. */
function cliVerdict(text, envelope, keys, minimumSerial = 0) {
  const p = join(dir, 'p.json');
  const s = join(dir, 'p.sig');
  writeFileSync(p, text);
  writeFileSync(s, envelope);
  const args = ['verify-signature', '--format', 'json', '--minimum-serial', String(minimumSerial)];
  keys.forEach((k, i) => {
    const f = join(dir, `k${i}.pub`);
    writeFileSync(f, k);
    args.push('--key', f);
  });
  const r = spawnSync(CLI, [...args, p, s], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `recgate exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('every shared signature vector is answered as the Rust verifier answers it', async () => {
  assert.ok(vectors.cases.length >= 15);
  for (const c of vectors.cases) {
    const gate = Gate.fromPolicy(policyText(c));
    const got = await verifyPolicySignature(gate, envelopeText(c), vectors.trustedKeys, { minimumSerial: c.minimumSerial ?? 0 });
    assert.equal(got.valid, c.expect.valid, `${c.name}: ${JSON.stringify(got)}`);
    if (c.expect.valid) {
      assert.equal(got.keyId, c.expect.keyId, c.name);
      assert.equal(got.serial, c.expect.serial, c.name);
      assert.equal(got.contentHash, vectors.contentHash, c.name);
    } else {
      assert.equal(got.reason, c.expect.reason, c.name);
    }
    // The parsed envelope object reads the same as its text (where the text is JSON).
    if (c.envelope) {
      const again = await verifyPolicySignature(gate.revisionHash, c.envelope, vectors.trustedKeys, { minimumSerial: c.minimumSerial ?? 0 });
      assert.deepEqual([again.valid, again.reason], [got.valid, got.reason], `${c.name}: as an object`);
    }
  }
});

test('random tamperings: the package and `recgate verify-signature` give the same verdict, case by case', async () => {
  const good = vectors.cases[0].envelope;
  const text = JSON.stringify(vectors.policy);
  const gate = Gate.fromPolicy(text);
  // A seeded generator, so a failure is reproducible.
  let seed = 0x2545f491;
  const rand = (n) => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const b64chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const mutate = () => {
    const e = { ...good };
    switch (rand(7)) {
      case 0: { const s = e.signature.split(''); s[rand(86)] = b64chars[rand(64)]; e.signature = s.join(''); break; }
      case 1: e.serial += rand(3) - 1; break;
      case 2: { const h = e.contentHash.split(''); h[rand(64)] = '0123456789abcdef'[rand(16)]; e.contentHash = h.join(''); break; }
      case 3: { const k = e.keyId.split(''); k[rand(16)] = '0123456789abcdef'[rand(16)]; e.keyId = k.join(''); break; }
      case 4: { const b = Buffer.from(e.signature, 'base64'); b[rand(64)] ^= 1 << rand(8); e.signature = b.toString('base64'); break; }
      case 5: e.keyId = createHash('sha256').update(Buffer.from(vectors.trustedKeys[1], 'base64')).digest('hex').slice(0, 16); break;
      default: break; // unchanged: valid
    }
    return e;
  };
  const verdicts = { valid: 0 };
  for (let i = 0; i < 60; i += 1) {
    const e = JSON.stringify(mutate());
    const js = await verifyPolicySignature(gate, e, vectors.trustedKeys);
    const rust = cliVerdict(text, e, vectors.trustedKeys);
    assert.equal(js.valid, rust.valid, `${e}\njs ${JSON.stringify(js)}\nrust ${JSON.stringify(rust)}`);
    if (!js.valid) assert.equal(js.reason, rust.reason, e);
    const k = js.valid ? 'valid' : js.reason;
    verdicts[k] = (verdicts[k] ?? 0) + 1;
  }
  // The mutations reach every verdict a tampering can cause (a changed hash breaks the signature first).
  for (const k of ['valid', 'bad_signature', 'unknown_key']) assert.ok(verdicts[k] > 0, `no ${k} among ${JSON.stringify(verdicts)}`);
});

test("a slice signed by the server (Node's Ed25519, or recgate sign) verifies in the package; anything else does not", async () => {
  const org = Gate.fromPolicy(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
  const slice = org.slice('qa-1');
  const sliceGate = Gate.fromPolicy(slice);
  // The server: a key pair, the slice's content hash, Ed25519 over the message.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const trusted = [raw.toString('base64')];
  const keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  const envelope = {
    format: SIGNATURE_FORMAT, keyId, contentHash: sliceGate.revisionHash, serial: 7,
    signature: sign(null, signedMessage(sliceGate.revisionHash, 7), privateKey).toString('base64'),
  };
  assert.deepEqual(await verifyPolicySignature(sliceGate, envelope, trusted), { valid: true, keyId, serial: 7, contentHash: sliceGate.revisionHash });
  // The PEM form of the same key is trusted as well.
  const pem = publicKey.export({ format: 'pem', type: 'spki' });
  assert.equal((await verifyPolicySignature(sliceGate, envelope, [pem])).valid, true);
  // The page already runs serial 8: an older slice replayed is stale.
  assert.equal((await verifyPolicySignature(sliceGate, envelope, trusted, { minimumSerial: 8 })).reason, 'stale');
  // Another principal's slice under this signature: not the signed content.
  assert.equal((await verifyPolicySignature(Gate.fromPolicy(org.slice('sup-us')), envelope, trusted)).reason, 'hash_mismatch');
  // The CLI agrees about the server's signature, on the slice as a file.
  const sliceFile = join(dir, 'slice.json');
  writeFileSync(sliceFile, JSON.stringify(slice));
  assert.equal(cliVerdict(JSON.stringify(slice), JSON.stringify(envelope), trusted).valid, true);

  // A slice signed with `recgate sign` (a key from `recgate keygen`) verifies in the package.
  const keyFile = join(dir, 'server.pem');
  const made = JSON.parse(execFileSync(CLI, ['keygen', '--out', keyFile, '--format', 'json'], { encoding: 'utf8' }));
  const cliEnvelope = execFileSync(CLI, ['sign', '--key', keyFile, sliceFile, '--serial', '9'], { encoding: 'utf8' }).trim();
  const ok = await verifyPolicySignature(sliceGate, cliEnvelope, [made.publicKey, trusted[0]]);
  assert.deepEqual(ok, { valid: true, keyId: made.keyId, serial: 9, contentHash: sliceGate.revisionHash });
  // openssl-style PKCS#8 keys (Node writes the same form) sign for the CLI too.
  const nodeKey = join(dir, 'node.pem');
  writeFileSync(nodeKey, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const viaCli = execFileSync(CLI, ['sign', '--key', nodeKey, sliceFile, '--serial', '10'], { encoding: 'utf8' }).trim();
  assert.equal((await verifyPolicySignature(sliceGate, viaCli, trusted)).serial, 10);
  assert.equal(createPublicKey(createPrivateKey(readFileSync(nodeKey))).export({ format: 'der', type: 'spki' }).subarray(12).toString('base64'), trusted[0]);

  // A trusted key that cannot be read is a configuration error, not a verdict.
  await assert.rejects(verifyPolicySignature(sliceGate, envelope, ['not base64!']), TypeError);
  await assert.rejects(verifyPolicySignature(sliceGate, envelope, [Buffer.alloc(31).toString('base64')]), /31 bytes/);
});

test('Chromium\'s WebCrypto gives the same verdicts on the shared vectors', { timeout: 120000 }, async () => {
  const { chromium } = await import('playwright-core');
  // Playwright gives every launch a fresh profile directory of its own.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30000,
  });
  // crypto.subtle needs a secure context: the page and the module from 127.0.0.1.
  const source = readFileSync(join(repoRoot, 'wasm-web', 'js', 'signature.js'), 'utf8');
  const server = createServer((req, res) => {
    const js = req.url === '/signature.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? source : '<!doctype html><title>signature</title>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    // The content hashes come from the core in Node (the page loads no wasm here).
    const cases = vectors.cases.map((c) => ({ name: c.name, hash: Gate.fromPolicy(policyText(c)).revisionHash, envelope: envelopeText(c), minimumSerial: c.minimumSerial ?? 0, expect: c.expect }));
    const got = await page.evaluate(async ({ cases, keys }) => {
      const m = await import('/signature.js');
      const out = [];
      for (const c of cases) out.push(await m.verifyPolicySignature(c.hash, c.envelope, keys, { minimumSerial: c.minimumSerial }));
      return out;
    }, { cases, keys: vectors.trustedKeys });
    cases.forEach((c, i) => {
      assert.equal(got[i].valid, c.expect.valid, `${c.name}: ${JSON.stringify(got[i])}`);
      if (!c.expect.valid) assert.equal(got[i].reason, c.expect.reason, c.name);
      else assert.equal(got[i].serial, c.expect.serial, c.name);
    });
  } finally {
    await browser.close();
    server.close();
  }
});
