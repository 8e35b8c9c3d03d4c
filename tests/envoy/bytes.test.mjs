// Bad bytes through real Envoy under every Wasm failure policy. A single
// request — no token needed — carrying bytes that are not UTF-8 (or NUL and
// control bytes) in request header names and values, the path or a body; an
// upstream answering with such response headers and trailers; an attributes
// service and a policy server doing the same: after each one, the next
// legitimate requests of other users still get their right answers, on both
// workers (--concurrency 2). Under FAIL_CLOSED a crashed filter would answer
// 503, under FAIL_RELOAD it would come back and be crashed again, and under
// FAIL_OPEN an anonymous write would reach the API: each is checked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes, startPolicyServer } from './lib/servers.mjs';
import { startEnvoy, stat, repoRoot } from './lib/envoy.mjs';

const policyText = readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8');
const policy = JSON.parse(policyText);
const idp = makeIssuer();

/** Sends raw bytes on a fresh connection; resolves the status code (or 'reset'/'closed'). */
function raw(port, bytes) {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    const done = (v) => { sock.destroy(); resolve(v); };
    sock.setTimeout(5000, () => done('timeout'));
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got.toString('latin1'));
      if (m && got.includes('\r\n\r\n')) done(Number(m[1]));
    });
    sock.on('error', () => done('reset'));
    sock.on('end', () => done(got.length ? 'closed' : 'reset'));
    sock.write(bytes);
  });
}

const req = (lines, body = '') => Buffer.concat([
  Buffer.from(`${lines.join('\r\n')}\r\n${body ? `content-length: ${Buffer.from(body, 'latin1').length}\r\n` : ''}\r\n`, 'latin1'),
  Buffer.from(body, 'latin1'),
]);
const auth = (sub) => `authorization: Bearer ${idp.token({ sub })}`;

/** [name, request bytes (built when sent), acceptable statuses]. */
const attacks = [
  ['a non-UTF-8 value in a header the filter does not read', () => req(['GET /api/v2/routing/queues HTTP/1.1', 'host: x', auth('b-em-1'), 'x-junk: \xff\xfe\xc0']), [200]],
  ['a non-UTF-8 impersonation header', () => req(['GET /api/v2/users/b-em-1 HTTP/1.1', 'host: x', auth('svc-bpo'), 'gen-usersubject: b-\xff\xfe']), [400]],
  ['a NUL in a header value', () => req(['GET /api/v2/routing/queues HTTP/1.1', 'host: x', auth('b-em-1'), 'x-junk: a\x00b']), [400, 'reset', 'closed']],
  ['a control byte in a header value', () => req(['GET /api/v2/routing/queues HTTP/1.1', 'host: x', auth('b-em-1'), 'x-junk: a\x01b']), [200, 400, 'reset', 'closed']],
  ['a non-UTF-8 header name', () => req(['GET /api/v2/routing/queues HTTP/1.1', 'host: x', auth('b-em-1'), 'x-\xff\xfe: v']), [400, 'reset', 'closed']],
  ['a non-UTF-8 path', () => req(['GET /api/v2/routing/queues/\xff\xfe HTTP/1.1', 'host: x', auth('b-em-1')]), [400, 'reset', 'closed']],
  ['a non-UTF-8 token', () => req(['GET /api/v2/routing/queues HTTP/1.1', 'host: x', 'authorization: Bearer \xff\xfe']), [401, 400]],
  ['a non-UTF-8 impersonation header on an anonymous write', () => req(['PUT /api/v2/conversations/c-1/recordings/rec-us-call-1 HTTP/1.1', 'host: x', 'content-type: application/json', 'gen-usersubject: \xff'], '{"deleteDate":"2026-12-24T00:00:00Z"}'), [401]],
  ['a body that is not UTF-8 on a route that reads it', () => req(['PUT /api/v2/conversations/c-1/recordings/rec-us-call-1 HTTP/1.1', 'host: x', auth('sradmin-1'), 'content-type: application/json'], '{"deleteDate":"\xff\xfe"}'), [400]],
  ['upstream response headers that are not UTF-8', () => req(['GET /api/v2/conversations/c-1/recordings?test-mode=odd-headers HTTP/1.1', 'host: x', auth('qa-1')]), [200]],
  ['upstream trailers that are not UTF-8', () => req(['GET /api/v2/conversations/c-1/recordings?test-mode=odd-trailers HTTP/1.1', 'host: x', auth('qa-1'), 'te: trailers']), [200, 'reset', 'closed']],
];

async function legit(url) {
  const get = (path, sub, init = {}) => fetch(url + path, { ...init, headers: { ...(sub ? { authorization: `Bearer ${idp.token({ sub })}` } : {}), ...(init.headers ?? {}) } });
  const filtered = await get('/api/v2/routing/queues', 'b-em-1');
  const ids = filtered.status === 200 ? (await filtered.json()).entities.map((q) => q.id) : `status ${filtered.status}`;
  assert.deepEqual(ids, ['q-bpo'], 'a BPO agent still sees only their queue');
  const denied = await get('/api/v2/routing/queues/q-escalation', 'b-em-1');
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).reason, 'out_of_division');
  const anonymous = await get('/api/v2/conversations/c-1/recordings/rec-us-call-1', undefined, {
    method: 'PUT', body: '{"deleteDate":"2026-12-24T00:00:00Z"}', headers: { 'content-type': 'application/json' },
  });
  assert.equal(anonymous.status, 401, 'an anonymous write is refused');
}

for (const failurePolicy of ['FAIL_CLOSED', 'FAIL_RELOAD', 'FAIL_OPEN']) {
  test(`bad bytes never take the filter down (${failurePolicy}, --concurrency 2)`, { timeout: 180_000 }, async () => {
    const up = await startUpstream();
    const attrs = await startAttributes();
    const ps = await startPolicyServer(policyText);
    ps.state.badEtag = true; // every poll answers with an ETag that is not UTF-8
    const envoy = await startEnvoy({
      jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, policyPort: ps.port, failurePolicy,
      plugin: { policy, policyServer: { cluster: 'recgate_policy', pollSeconds: 1, timeoutMs: 500 }, attributes: { cluster: 'recgate_attributes', cacheTtlSeconds: 0 } },
    }, { concurrency: 2 });
    const { port } = new URL(envoy.url);
    try {
      const outcomes = [];
      for (const [name, bytes, ok] of attacks) {
        for (let round = 0; round < 3; round += 1) {
          const status = await raw(port, bytes());
          outcomes.push(`${name}: ${status}`);
          assert.ok(ok.includes(status), `${name}: got ${status}, expected one of ${ok}`);
          await legit(envoy.url);
        }
      }
      // The attributes service answering with bytes that are not UTF-8 (body and a header).
      attrs.state.mode = 'garbage';
      for (let i = 0; i < 4; i += 1) {
        const r = await fetch(`${envoy.url}/api/v2/conversations/c-2/recordings/rec-uk-call-1`, { headers: { authorization: `Bearer ${idp.token({ sub: 'sradmin-1' })}` } });
        assert.equal(r.status, 503);
        assert.equal((await r.json()).reason, 'resource_unavailable');
      }
      attrs.state.mode = 'up';
      await new Promise((r) => setTimeout(r, 1500)); // at least one more poll with the bad ETag per worker
      for (let i = 0; i < 4; i += 1) await legit(envoy.url);
      assert.ok(ps.state.requests >= 2, 'the policy server was polled');
      assert.ok(await stat(envoy.admin, 'recgate_policy_reloads') >= 2, 'an answer with a bad ETag still installs the policy');
      const undecided = up.seen.filter((s) => s.method !== 'GET' && !s.headers['x-recgate-decision']);
      assert.deepEqual(undecided, [], 'no write reached the API undecided');
      assert.doesNotMatch(envoy.log(), /panicked|wasm.*(crash|fail(ed)? to)/i, 'the VM never failed');
    } finally {
      await envoy.stop();
      up.server.close();
      attrs.server.close();
      ps.server.close();
    }
  });
}
