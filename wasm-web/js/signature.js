// Signed policies in the browser (docs/signing.md): the server signs each
// principal's slice (`recgate sign`, or Node's Ed25519 over
// `signedMessage()`), and the page checks the detached signature before it
// trusts the slice. The check is WebCrypto's Ed25519, not Rust: a verifier
// compiled into the package would cost more than its size budget allows.
// It answers exactly as the Rust verifier (the CLI, the Envoy filter) on the
// shared vectors (tests/signatures/vectors.json, wasm-web/test/signature.test.js):
// the same envelope rules, the same message bytes, the same refusal words
// in the same order — malformed, unknown_key, bad_signature, hash_mismatch,
// stale. The content hash is the core's (`gate.revisionHash`).

/** The envelope format, also the first line of the signed message. */
export const SIGNATURE_FORMAT = 'recgate-signature/v1';

const MEMBERS = ['format', 'keyId', 'contentHash', 'serial', 'signature'];
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
// 64 bytes in strict base64: 85 characters, one holding 2 bits (the 4 below must be 0), then "==".
const SIGNATURE_B64 = /^[A-Za-z0-9+/]{85}[AQgw]==$/;
const HEX16 = /^[0-9a-f]{16}$/;
const HEX64 = /^[0-9a-f]{64}$/;

const utf8 = new TextEncoder();

/** The bytes a signature covers: three lines of ASCII. */
export function signedMessage(contentHash, serial) {
  return utf8.encode(`${SIGNATURE_FORMAT}\nsha256:${contentHash}\nserial:${serial}\n`);
}

function fromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

/** A public key's 32 bytes from its base64, or from a PEM `PUBLIC KEY` block. */
function publicKeyBytes(text) {
  const t = String(text).trim();
  let bytes;
  try {
    if (t.startsWith('-----BEGIN PUBLIC KEY-----')) {
      const der = fromBase64(t.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, ''));
      if (der.length !== 44 || SPKI_PREFIX.some((b, i) => der[i] !== b)) throw new TypeError('not an Ed25519 public key');
      bytes = der.slice(12);
    } else {
      bytes = fromBase64(t);
    }
  } catch (e) {
    throw new TypeError(`trusted key is not an Ed25519 public key: ${e.message}`);
  }
  if (bytes.length !== 32) throw new TypeError(`trusted key has ${bytes.length} bytes where an Ed25519 key has 32`);
  return bytes;
}

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

const refused = (reason, message) => ({ valid: false, reason, message });

/** Reads an envelope (JSON text or object) as strictly as the Rust verifier; a string on failure. */
function readEnvelope(envelope) {
  let e = envelope;
  if (typeof envelope === 'string') {
    try {
      e = JSON.parse(envelope);
    } catch {
      return 'not a signature envelope';
    }
    // The serial must be written as digits (JSON.parse would also read 1e3 or 10.0).
    if (!/"serial"\s*:\s*(0|[1-9][0-9]*)\s*[,}]/.test(envelope)) return '/serial: not a non-negative integer';
  }
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return 'not a signature envelope';
  const keys = Object.keys(e);
  const extra = keys.find((k) => !MEMBERS.includes(k));
  if (extra !== undefined) return `unknown member "${extra}"`;
  const missing = MEMBERS.find((k) => !keys.includes(k));
  if (missing !== undefined) return `missing member "${missing}"`;
  if (e.format !== SIGNATURE_FORMAT) return `/format: "${e.format}" is not ${SIGNATURE_FORMAT}`;
  if (typeof e.keyId !== 'string' || !HEX16.test(e.keyId)) return '/keyId: not 16 lowercase hex digits';
  if (typeof e.contentHash !== 'string' || !HEX64.test(e.contentHash)) return '/contentHash: not 64 lowercase hex digits';
  if (typeof e.serial !== 'number' || !Number.isSafeInteger(e.serial) || e.serial < 0) return '/serial: not an integer from 0 to 2^53 - 1';
  if (typeof e.signature !== 'string' || !SIGNATURE_B64.test(e.signature)) return '/signature: not 64 bytes of base64';
  return e;
}

/**
 * Checks a policy's detached signature.
 *
 * - `policy`: the loaded policy (a `Gate`, whose `revisionHash` is the
 *   content hash) or its content hash (64 hex digits);
 * - `envelope`: the `recgate-signature/v1` envelope, as JSON text or parsed;
 * - `trustedKeys`: the public keys (base64 of 32 bytes, or PEM) the page
 *   trusts — two at once while keys rotate;
 * - `minimumSerial`: refuse anything older (e.g. the serial of the slice
 *   the page already runs).
 *
 * Resolves `{ valid: true, keyId, serial, contentHash }` or
 * `{ valid: false, reason, message }`; throws `TypeError` for a trusted key
 * that cannot be read (a configuration error, not a verdict).
 */
export async function verifyPolicySignature(policy, envelope, trustedKeys, { minimumSerial = 0, subtle = globalThis.crypto?.subtle } = {}) {
  if (!subtle) throw new TypeError('WebCrypto (crypto.subtle) is not available');
  const contentHash = typeof policy === 'string' ? policy : policy?.revisionHash;
  if (typeof contentHash !== 'string' || !HEX64.test(contentHash)) throw new TypeError('policy must be a Gate or a content hash');
  const keys = await Promise.all((trustedKeys ?? []).map(async (k) => {
    const raw = publicKeyBytes(k);
    return { raw, id: hex(await subtle.digest('SHA-256', raw)).slice(0, 16) };
  }));
  const e = readEnvelope(envelope);
  if (typeof e === 'string') return refused('malformed', `malformed signature envelope: ${e}`);
  const key = keys.find((k) => k.id === e.keyId);
  if (!key) return refused('unknown_key', `signed by key ${e.keyId}, which is not trusted`);
  let ok = false;
  try {
    const imported = await subtle.importKey('raw', key.raw, { name: 'Ed25519' }, false, ['verify']);
    ok = await subtle.verify({ name: 'Ed25519' }, imported, fromBase64(e.signature), signedMessage(e.contentHash, e.serial));
  } catch {
    ok = false;
  }
  if (!ok) return refused('bad_signature', 'the signature does not verify');
  if (e.contentHash !== contentHash) return refused('hash_mismatch', `the signature covers policy ${e.contentHash}, not this policy (${contentHash})`);
  if (e.serial < minimumSerial) return refused('stale', `serial ${e.serial} is below the minimum ${minimumSerial}`);
  return { valid: true, keyId: e.keyId, serial: e.serial, contentHash };
}
