// Test identity provider: an RSA key pair, its JWKS for Envoy's jwt_authn,
// and RS256 tokens with chosen claims and ages. Also makes the forgeries the
// tests expect Envoy to refuse (unsigned, signed by another key).

import { generateKeyPairSync, createSign } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export const ISSUER = 'https://idp.acme.test';

export function makeIssuer(kid = 'test-key') {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return {
    jwks: JSON.stringify({ keys: [jwk] }),
    /** A signed token; `ageSeconds` sets iat in the past, claims override anything. */
    token({ sub, sid = `sess-${sub}`, ageSeconds = 0, claims = {} } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: ISSUER, sub, sid, iat: now - ageSeconds, exp: now - ageSeconds + 3600, scope: 'recordings', ...claims };
      return sign({ alg: 'RS256', typ: 'JWT', kid }, payload, privateKey);
    },
  };
}

export function sign(header, payload, privateKey) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  if (header.alg === 'none') return `${input}.`;
  const s = createSign('RSA-SHA256');
  s.update(input);
  return `${input}.${b64url(s.sign(privateKey))}`;
}

/** A token no one can verify: alg none. */
export function unsignedToken(sub) {
  const now = Math.floor(Date.now() / 1000);
  return sign({ alg: 'none', typ: 'JWT' }, { iss: ISSUER, sub, iat: now, exp: now + 3600 }, null);
}

/** A well-formed token signed by a key Envoy does not know. */
export function foreignToken(sub) {
  const other = makeIssuer('test-key');
  return other.token({ sub });
}
