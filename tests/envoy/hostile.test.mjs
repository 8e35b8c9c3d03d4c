// Hostile requests at the edge: encoded and dotted paths, method tricks,
// header tricks, token tricks, impersonation abuse and oversized or broken
// list bodies — each with its expected status, and none leaking recording data
// (no media URI in any refused response).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';

import { makeIssuer, unsignedToken, foreignToken, sign } from './lib/jwt.mjs';
import { repoRoot } from './lib/envoy.mjs';
import { startEdge } from './lib/edge.mjs';

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
let edge;
let envoy;

before(async () => {
  edge = await startEdge(idp, { policy, plugin: { listFilter: { maxBodyBytes: 65536 } } });
  ({ envoy } = edge);
});

after(() => edge?.stop());

/** Sends a request byte for byte; resolves {status, body} or {status: 'reset'}. */
function send({ method = 'GET', path, headers = {}, body }) {
  return new Promise((resolve) => {
    const { port } = new URL(envoy.url);
    // A declared length: Node sends a DELETE body without one, which HTTP/1.1 reads as the next request.
    const h = body === undefined ? headers : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers };
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: h }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
      res.on('error', () => resolve({ status: 'reset', body: text }));
      res.on('aborted', () => resolve({ status: 'reset', body: text }));
    });
    req.on('error', () => resolve({ status: 'reset', body: '' }));
    req.end(body);
  });
}

const bearer = (sub, opts = {}) => ({ authorization: `Bearer ${idp.token({ sub, ...opts })}` });
const now = () => Math.floor(Date.now() / 1000);
const customToken = (claims) => {
  // Same key as the issuer Envoy trusts: make a token with odd claim types.
  const t = idp.token({ sub: 'x', claims });
  return { authorization: `Bearer ${t}` };
};

const Q = '/api/v2/routing/queues';
const SCREEN = '/api/v2/conversations/c-1/recordings/rec-us-screen-1';
const REC = '/api/v2/conversations/c-1/recordings/rec-us-call-1';
const DELETE_NOW = JSON.stringify({ deleteDate: '2026-12-24T00:00:00Z' });

/** [name, request, expected status (or list of acceptable), media expected in the body] */
const cases = [
  // Encoded and dotted paths.
  ['encoded slash', { path: '/api/v2/routing/queues%2Fq-bpo', headers: bearer('b-em-1') }, 400],
  ['encoded slash, lower case', { path: '/api/v2/routing/queues%2fq-bpo', headers: bearer('b-em-1') }, 400],
  ['encoded dot-dot', { path: '/api/v2/routing/queues/%2e%2e/users', headers: bearer('b-em-1') }, 400],
  ['encoded dot-dot, upper case', { path: '/api/v2/routing/queues/%2E%2E/users', headers: bearer('b-em-1') }, 400],
  ['half-encoded dot-dot', { path: '/api/v2/routing/queues/.%2e/users', headers: bearer('b-em-1') }, 400],
  ['dot-dot segment', { path: '/api/v2/users/../routing/queues', headers: bearer('b-em-1') }, 400],
  ['dot segment', { path: '/api/v2/./routing/queues', headers: bearer('b-em-1') }, 400],
  ['encoded backslash', { path: '/api/v2/users%5ca-us-1', headers: bearer('sradmin-1') }, 400],
  ['encoded NUL', { path: `${SCREEN}%00`, headers: bearer('sradmin-1'), method: 'PUT', body: DELETE_NOW }, 400],
  ['double-encoded slash', { path: '/api/v2/routing/queues%252fq-bpo', headers: bearer('b-em-1') }, 400],
  ['double-encoded dot-dot', { path: '/api/v2/routing/%252e%252e/queues', headers: bearer('b-em-1') }, 400],
  ['truncated escape', { path: '/api/v2/users/a%2', headers: bearer('b-em-1') }, 400],
  ['malformed escape', { path: '/api/v2/users/a%zz', headers: bearer('b-em-1') }, 400],
  ['semicolon path parameter', { path: '/api/v2/routing/queues;x=1/q-escalation', headers: bearer('b-em-1') }, 400],
  ['semicolon after id', { path: '/api/v2/routing/queues/q-escalation;q-bpo', headers: bearer('b-em-1') }, 400],
  ['dot-dot with a path parameter (servlet containers resolve it)', { path: '/healthz/..;/api/v2/conversations/c-2/recordings/rec-uk-call-1' }, 400],
  ['dot with a path parameter', { path: '/healthz/.;x=1/api/v2/routing/queues', headers: bearer('b-em-1') }, 400],
  ['encoded semicolon', { path: '/api/v2/routing/queues/q-bpo%3bx', headers: bearer('b-em-1') }, 400],
  ['encoded overlong dot', { path: '/api/v2/routing/%c0%ae%c0%ae/queues', headers: bearer('b-em-1') }, 400],
  ['a fragment', { path: '/api/v2/routing/queues#x', headers: bearer('b-em-1') }, 400],
  ['download flag given twice', { path: `${REC}?download=false&download=true`, headers: bearer('qa-1') }, 400],
  ['download flag as 1', { path: `${REC}?download=1`, headers: bearer('qa-1') }, 400],
  ['download flag in upper case needs download', { path: `${REC}?DOWNLOAD=TRUE`, headers: bearer('qa-1') }, 403],
  ['case trick on a literal segment', { path: '/API/v2/routing/queues', headers: bearer('b-em-1') }, 403],
  ['case trick mid path', { path: '/api/v2/Routing/Queues/q-escalation', headers: bearer('b-em-1') }, 403],
  ['full-width slash', { path: '/api/v2/routing/queues\uff0fq-escalation'.replace('\uff0f', '%EF%BC%8F'), headers: bearer('b-em-1') }, 400],
  ['unmapped API path', { path: '/api/v2/analytics/conversations/details/query', headers: bearer('sradmin-1') }, 403],
  ['unmapped non-API path', { path: '/admin', headers: bearer('sradmin-1') }, 403],
  ['extra segment', { path: `${SCREEN}/extra`, headers: bearer('sradmin-1'), method: 'PUT', body: DELETE_NOW }, 403],
  ['missing id', { path: '/api/v2/conversations/c-1/recordings/', headers: bearer('sradmin-1'), method: 'PUT', body: DELETE_NOW }, 403],
  ['a pass-through prefix is a whole segment', { path: '/healthzX/api/v2/conversations/c-2/recordings/rec-uk-call-1' }, 403],
  ['DELETE of a recording is not the real API', { path: REC, headers: bearer('sradmin-1'), method: 'DELETE' }, 403],
  // Methods.
  ['unmapped method', { path: '/api/v2/users/a-us-1', headers: bearer('sradmin-1'), method: 'PATCH' }, 403],
  ['method override header', { path: '/api/v2/users/b-em-1', headers: { ...bearer('b-em-1'), 'x-http-method-override': 'DELETE' } }, 400],
  ['X-HTTP-Method header', { path: '/api/v2/users/b-em-1', headers: { ...bearer('b-em-1'), 'x-http-method': 'DELETE' } }, 400],
  ['X-Method-Override header', { path: '/api/v2/users/b-em-1', headers: { ...bearer('b-em-1'), 'x-method-override': 'PUT' } }, 400],
  ['OPTIONS on a recording', { path: REC, headers: bearer('sradmin-1'), method: 'OPTIONS' }, 403],
  ['HEAD on a recording is not GET', { path: REC, headers: bearer('a-us-1'), method: 'HEAD' }, 403],
  // Impersonation header.
  ['empty gen-usersubject', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-bpo'), 'gen-usersubject': '' } }, 400],
  ['blank gen-usersubject', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-bpo'), 'gen-usersubject': '   ' } }, 400],
  ['two principals in one header', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-bpo'), 'gen-usersubject': 'b-em-1,b-em-2' } }, 400],
  ['repeated gen-usersubject', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-bpo'), 'gen-usersubject': ['b-em-1', 'b-em-2'] } }, 400],
  ['oversized gen-usersubject', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-bpo'), 'gen-usersubject': 'b'.repeat(300) } }, 400],
  ['gen-usersubject with a space', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-bpo'), 'gen-usersubject': 'b-em 1' } }, 400],
  ['impersonating an unknown user', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-bpo'), 'gen-usersubject': 'ghost' } }, 403],
  ['impersonating a service account', { path: '/api/v2/users/svc-us', headers: { ...bearer('svc-bpo'), 'gen-usersubject': 'svc-us' } }, 403],
  ['impersonating an internal admin', { path: SCREEN, method: 'PUT', body: DELETE_NOW, headers: { ...bearer('svc-bpo'), 'gen-usersubject': 'sradmin-1' } }, 403],
  ['impersonating across regions', { path: '/api/v2/users/b-em-1', headers: { ...bearer('svc-us'), 'gen-usersubject': 'b-em-1' } }, 403],
  ['an agent impersonating a colleague', { path: '/api/v2/users/a-us-2', headers: { ...bearer('a-us-1'), 'gen-usersubject': 'a-us-2' } }, 403],
  ['a disabled user', { path: '/api/v2/users/gone-1', headers: bearer('gone-1') }, 403],
  ['an unknown subject', { path: Q, headers: bearer('mallory') }, 403],
  // Tokens.
  ['no token', { path: Q }, 401],
  ['empty bearer', { path: Q, headers: { authorization: 'Bearer ' } }, 401],
  ['garbage token', { path: Q, headers: { authorization: 'Bearer abc.def.ghi' } }, 401],
  ['alg none', { path: Q, headers: { authorization: `Bearer ${unsignedToken('sradmin-1')}` } }, 401],
  ['signed by another key', { path: Q, headers: { authorization: `Bearer ${foreignToken('sradmin-1')}` } }, 401],
  ['expired token', { path: Q, headers: { authorization: `Bearer ${idp.token({ sub: 'b-em-1', claims: { iat: now() - 700, exp: now() - 600 } })}` } }, 401],
  // Signed when sent: a token signed at load would age while Envoy starts and earlier cases run.
  ['token just inside the age limit (299 s)', () => ({ path: Q, headers: bearer('b-em-1', { ageSeconds: 299 }) }), 200],
  ['token just past the age limit (302 s)', () => ({ path: Q, headers: bearer('b-em-1', { ageSeconds: 302 }) }), 401],
  ['iat far in the future', { path: Q, headers: bearer('b-em-1', { claims: { iat: now() + 3600 } }) }, 401],
  ['iat missing', { path: Q, headers: bearer('b-em-1', { claims: { iat: undefined } }) }, 401],
  ['iat as a word', { path: Q, headers: customToken({ sub: 'b-em-1', iat: 'now' }) }, 401],
  ['sub as a number', { path: Q, headers: customToken({ sub: 12345, iat: now() }) }, 401],
  ['sub as an object', { path: Q, headers: customToken({ sub: { id: 'sradmin-1' }, iat: now() }) }, 401],
  ['sub as an array', { path: Q, headers: customToken({ sub: ['b-em-1'], iat: now() }) }, 401],
  ['sid as an array holding a revoked session', { path: Q, headers: customToken({ sub: 'b-em-2', sid: ['sess-b-em-2-revoked'], iat: now() }) }, 401],
  ['sid as an object', { path: Q, headers: customToken({ sub: 'b-em-1', sid: { id: 's' }, iat: now() }) }, 401],
  ['sid as a number', { path: Q, headers: customToken({ sub: 'b-em-1', sid: 7, iat: now() }) }, 401],
  ['sid as a boolean', { path: Q, headers: customToken({ sub: 'b-em-1', sid: true, iat: now() }) }, 401],
  ['iat as an array', { path: Q, headers: customToken({ sub: 'b-em-1', iat: [now()] }) }, 401],
  ['sub empty', { path: Q, headers: customToken({ sub: '', iat: now() }) }, 401],
  ['revoked session', { path: Q, headers: bearer('b-em-2', { sid: 'sess-b-em-2-revoked' }) }, 401],
  ['claims in a header, no token', { path: SCREEN, method: 'PUT', body: DELETE_NOW, headers: { 'x-jwt-payload': Buffer.from('{"sub":"sradmin-1"}').toString('base64url') } }, 401],
  ['identity in x-forwarded-user', { path: SCREEN, method: 'PUT', body: DELETE_NOW, headers: { 'x-forwarded-user': 'sradmin-1' } }, 401],
  // Bodies on decided routes.
  ['an annotation claiming another author', { path: `${REC}/annotations`, method: 'POST', body: JSON.stringify({ name: 'x', user: { id: 'sup-us' } }), headers: bearer('qa-1') }, 400],
  ['an annotation claiming private visibility', { path: `${REC}/annotations`, method: 'POST', body: JSON.stringify({ name: 'x', visibility: 'private' }), headers: bearer('qa-1') }, 400],
  ['an annotation nesting others', { path: `${REC}/annotations`, method: 'POST', body: JSON.stringify({ name: 'x', annotations: [{ name: 'y' }] }), headers: bearer('qa-1') }, 400],
  ['an annotation body that is not JSON', { path: `${REC}/annotations`, method: 'POST', body: 'name=x', headers: bearer('qa-1') }, 400],
  ['a recording update with an unmapped field', { path: REC, method: 'PUT', body: JSON.stringify({ name: 'renamed' }), headers: bearer('comp-2') }, 400],
  ['a recording update naming another recording', { path: REC, method: 'PUT', body: JSON.stringify({ id: 'rec-us-held-1', deleteDate: '2026-12-24T00:00:00Z' }), headers: bearer('comp-2') }, 400],
  ['a body on a delete', { path: `${REC}/annotations/ann-1`, method: 'DELETE', body: '{"id":"ann-2"}', headers: bearer('sradmin-1') }, 400],
  ['a body on a read', { path: '/api/v2/routing/queues/q-bpo', method: 'GET', body: '{"id":"q-escalation"}', headers: bearer('b-em-1') }, 400],
  ['role assignment is not a default route', { path: '/api/v2/authorization/userroles', method: 'POST', body: '{"roleId":"compliance-officer","userId":"b-em-1"}', headers: bearer('b-em-1') }, 403],
  ['user creation is not a default route', { path: '/api/v2/users', method: 'POST', body: '{"name":"x"}', headers: bearer('b-em-1') }, 403],
  ['a batch download naming a recording one may not download', { path: '/api/v2/recording/batchrequests', method: 'POST', body: JSON.stringify({ batchDownloadRequestList: [{ conversationId: 'c-1', recordingId: 'rec-us-call-1' }] }), headers: bearer('qa-1') }, 403],
  ['a bulk delete job by a scoped principal', { path: '/api/v2/recording/jobs', method: 'POST', body: JSON.stringify({ action: 'DELETE', actionDate: '2026-12-24T00:00:00Z' }), headers: bearer('comp-2') }, 403],
  ['a legal-hold flag a server would read as true', { path: '/api/v2/recordings/deletionprotection?protect=1', method: 'PUT', body: JSON.stringify({ conversationIds: ['c-4'] }), headers: bearer('comp-1') }, 400],
  ['a legal-hold flag given twice', { path: '/api/v2/recordings/deletionprotection?protect=false&protect=true', method: 'PUT', body: JSON.stringify({ conversationIds: ['c-4'] }), headers: bearer('comp-1') }, 400],
  ['a bulk job with an unmapped action', { path: '/api/v2/recording/jobs', method: 'POST', body: JSON.stringify({ action: 'ARCHIVE' }), headers: bearer('comp-2') }, 400],
  // Resources and lists.
  ['a hidden recording is not confirmed', { path: '/api/v2/conversations/c-2/recordings/rec-uk-screen-1', headers: bearer('a-us-1') }, 404],
  ['nor through its annotations', { path: '/api/v2/conversations/c-2/recordings/rec-uk-screen-1/annotations', headers: bearer('a-us-1') }, 404],
  ['nor through its metadata', { path: '/api/v2/conversations/c-2/recordingmetadata/rec-uk-screen-1', headers: bearer('a-us-1') }, 404],
  ['nor through an update', { path: '/api/v2/conversations/c-2/recordings/rec-uk-screen-1', method: 'PUT', body: DELETE_NOW, headers: bearer('a-us-1') }, 404],
  ['a recording named under another conversation', { path: '/api/v2/conversations/c-1/recordings/rec-uk-call-1', headers: bearer('sradmin-1') }, 404],
  ['an unknown recording', { path: '/api/v2/conversations/c-9/recordings/rec-nope', headers: bearer('sradmin-1') }, 404],
  ['another region\'s media is hidden', { path: '/api/v2/conversations/c-3/recordings/rec-bpo-call-1', headers: bearer('sradmin-1') }, 404],
  ['oversized list body, streamed', { path: '/api/v2/conversations/c-huge/recordings', headers: bearer('sradmin-1') }, ['reset', 502, 404]],
  ['oversized list body, declared', { path: '/api/v2/conversations/c-sized/recordings', headers: bearer('sradmin-1') }, [502, 404]],
  ['malformed list body', { path: '/api/v2/conversations/c-bad/recordings', headers: bearer('sradmin-1') }, ['reset', 502, 404]],
  ['a list answered 206', { path: '/api/v2/conversations/c-1/recordings?test-mode=partial', headers: bearer('sradmin-1') }, ['reset', 502]],
  ['a list error carrying entities', { path: '/api/v2/conversations/c-1/recordings?test-mode=error-with-data', headers: bearer('sradmin-1') }, ['reset', 502]],
  ['a list in an encoding the filter cannot read', { path: '/api/v2/conversations/c-1/recordings?test-mode=gzip', headers: bearer('sradmin-1') }, 502],
];

test(`at least 60 hostile requests are in the suite (${cases.length})`, () => {
  assert.ok(cases.length >= 60);
});

for (const [name, req, expected] of cases) {
  test(`hostile: ${name}`, async () => {
    const r = await send(typeof req === 'function' ? req() : req);
    const ok = Array.isArray(expected) ? expected.includes(r.status) : r.status === expected;
    assert.ok(ok, `${name}: got ${r.status}, expected ${expected}: ${String(r.body).slice(0, 200)}`);
    if (r.status !== 200) assert.ok(!String(r.body).includes('media.acme.test'), `${name}: recording media leaked`);
  });
}
