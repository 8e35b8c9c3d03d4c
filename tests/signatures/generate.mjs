// Writes tests/signatures/vectors.json: signed-policy cases that every
// verifier of recgate-signature/v1 must answer alike — the CLI
// (`recgate verify-signature`, the Rust recgate-sign crate, as the Envoy
// filter uses it; cli/tests/signing.rs) and the npm package (WebCrypto;
// wasm-web/test/signature.test.js). The signatures are made here with
// Node's own Ed25519 (OpenSSL), not with the Rust signer, so the vectors
// also prove the two implementations agree on the signed message.
//
//   cargo build --release -p recgate-cli && node tests/signatures/generate.mjs

import { createPrivateKey, createPublicKey, createHash, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

// Fixed seeds (32 bytes each), so the file is reproducible byte for byte.
const seed = (n) => Buffer.alloc(32, n);
const pkcs8 = (s) => Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), s]);
const keyPair = (n) => {
  const privateKey = createPrivateKey({ key: pkcs8(seed(n)), format: 'der', type: 'pkcs8' });
  const raw = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(12);
  return { privateKey, public: raw.toString('base64') };
};
const k1 = keyPair(1);
const k2 = keyPair(2);
const k3 = keyPair(3);
const keyId = (k) => createHash('sha256').update(Buffer.from(k.public, 'base64')).digest('hex').slice(0, 16);

const policy = {
  schema: 'recgate/v1', revision: 'signed-r1',
  roles: { qa: { grants: [{ permission: 'recording:recording:view' }] } },
  users: { quinn: { roles: [{ role: 'qa' }] } },
};
const dir = mkdtempSync(join(tmpdir(), 'recgate-sig-'));
const file = join(dir, 'p.json');
writeFileSync(file, JSON.stringify(policy));
const recgate = join(root, 'target', 'release', 'recgate');
const hash = execFileSync(recgate, ['hash', file]).toString().trim();

const message = (h, serial) => Buffer.from(`recgate-signature/v1\nsha256:${h}\nserial:${serial}\n`);
const envelope = (k, h, serial, { signedSerial = serial } = {}) => ({
  format: 'recgate-signature/v1', keyId: keyId(k), contentHash: h, serial,
  signature: sign(null, message(h, signedSerial), k.privateKey).toString('base64'),
});
const flip = (b64) => { const b = Buffer.from(b64, 'base64'); b[5] ^= 1; return b.toString('base64'); };
// s + L: the same signature with a non-canonical scalar (RFC 8032 §5.1.7 says refuse).
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const nonCanonical = (b64) => {
  const b = Buffer.from(b64, 'base64');
  let s = 0n;
  for (let i = 63; i >= 32; i -= 1) s = (s << 8n) | BigInt(b[i]);
  s += L;
  for (let i = 32; i < 64; i += 1) { b[i] = Number(s & 0xffn); s >>= 8n; }
  return b.toString('base64');
};

const good = envelope(k1, hash, 10);
const reformatted = JSON.stringify({ users: policy.users, roles: policy.roles, revision: policy.revision, schema: policy.schema }, null, 2);
const cases = [
  { name: 'signed by the first trusted key', envelope: good, expect: { valid: true, keyId: keyId(k1), serial: 10 } },
  { name: 'signed by the second trusted key (rotation: both trusted at once)', envelope: envelope(k2, hash, 11), expect: { valid: true, keyId: keyId(k2), serial: 11 } },
  { name: 'the same policy formatted otherwise: the content hash is the canonical one', policyText: reformatted, envelope: good, expect: { valid: true, keyId: keyId(k1), serial: 10 } },
  { name: 'signed by a key nobody trusts', envelope: envelope(k3, hash, 10), expect: { valid: false, reason: 'unknown_key' } },
  { name: 'a flipped bit in the signature', envelope: { ...good, signature: flip(good.signature) }, expect: { valid: false, reason: 'bad_signature' } },
  { name: 'the serial raised after signing', envelope: envelope(k1, hash, 12, { signedSerial: 10 }), expect: { valid: false, reason: 'bad_signature' } },
  { name: "the second key's signature under the first key's id", envelope: { ...envelope(k2, hash, 10), keyId: keyId(k1) }, expect: { valid: false, reason: 'bad_signature' } },
  { name: 'a non-canonical signature (s + L)', envelope: { ...good, signature: nonCanonical(good.signature) }, expect: { valid: false, reason: 'bad_signature' } },
  { name: "a valid signature over another policy's hash", envelope: envelope(k1, 'ab'.repeat(32), 10), expect: { valid: false, reason: 'hash_mismatch' } },
  { name: 'a policy edited after signing', policyText: JSON.stringify({ ...policy, revision: 'signed-r1-edited' }), envelope: good, expect: { valid: false, reason: 'hash_mismatch' } },
  { name: 'below the minimum serial', minimumSerial: 11, envelope: good, expect: { valid: false, reason: 'stale' } },
  { name: 'at the minimum serial', minimumSerial: 10, envelope: good, expect: { valid: true, keyId: keyId(k1), serial: 10 } },
  { name: 'another format', envelope: { ...good, format: 'recgate-signature/v2' }, expect: { valid: false, reason: 'malformed' } },
  { name: 'a key id in upper case', envelope: { ...good, keyId: good.keyId.toUpperCase() }, expect: { valid: false, reason: 'malformed' } },
  { name: 'a serial given as a string', envelope: { ...good, serial: '10' }, expect: { valid: false, reason: 'malformed' } },
  { name: 'a serial over 2^53 - 1', envelope: { ...good, serial: 2 ** 53 }, expect: { valid: false, reason: 'malformed' } },
  { name: 'a member the format does not have', envelope: { ...good, signedAt: '2026-12-01T00:00:00Z' }, expect: { valid: false, reason: 'malformed' } },
  { name: 'a signature that is not base64', envelope: { ...good, signature: '!'.repeat(88) }, expect: { valid: false, reason: 'malformed' } },
  { name: 'a signature of 63 bytes', envelope: { ...good, signature: Buffer.from(good.signature, 'base64').subarray(0, 63).toString('base64') }, expect: { valid: false, reason: 'malformed' } },
  { name: 'not JSON at all', envelopeText: 'recgate-signature/v1 ' + good.signature, expect: { valid: false, reason: 'malformed' } },
];

const out = {
  description: 'recgate-signature/v1 cases (docs/signing.md). Each case: the policy (policyText, else policy), the envelope (envelopeText, else envelope as JSON), the trusted keys, minimumSerial (default 0); expect.valid, and keyId/serial when valid or reason when not. Written by tests/signatures/generate.mjs.',
  trustedKeys: [k1.public, k2.public],
  untrustedKey: k3.public,
  policy,
  contentHash: hash,
  cases,
};
writeFileSync(join(here, 'vectors.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${cases.length} cases to ${join(here, 'vectors.json')}`);
