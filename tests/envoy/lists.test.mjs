// Responses the filter rewrites, through real Envoy: every response on a
// filtered route is filtered or refused whatever its status, framing,
// encoding or trailers; obligations hold per entity; metadata only is an
// allow-list; nested data is filtered wherever it appears; filtered bodies
// are private to their principal. Also: destructive decisions read fresh
// attributes, and the decision log replays with `recgate diff`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { execFileSync } from 'node:child_process';

import { makeIssuer } from './lib/jwt.mjs';
import { repoRoot } from './lib/envoy.mjs';
import { startEdge } from './lib/edge.mjs';

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
let edge;
let up;
let envoy;

before(async () => {
  edge = await startEdge(idp, { policy, attributes: { cacheTtlSeconds: 60 } });
  ({ up, envoy } = edge);
});

after(() => edge?.stop());

/** A request sent with node:http (so TE and other hop headers go as given); resolves status, headers, body, trailers. */
function get(path, sub, headers = {}, method = 'GET', body) {
  return new Promise((resolve) => {
    const { port } = new URL(envoy.url);
    const h = { ...headers };
    if (sub) h.authorization = `Bearer ${idp.token({ sub })}`;
    if (body !== undefined) Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: h }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json, trailers: res.trailers });
      });
      res.on('aborted', () => resolve({ status: 'reset', text }));
      res.on('error', () => resolve({ status: 'reset', text }));
    });
    req.on('error', () => resolve({ status: 'reset', text: '' }));
    req.end(body);
  });
}

const upstreamSaw = (path) => [...up.seen].reverse().find((r) => r.path === path);

test('a list that ends with trailers is filtered all the same, and its trailers are not passed on', async () => {
  const agent = await get('/api/v2/conversations/c-1/recordings?test-mode=trailers', 'a-us-1', { te: 'trailers' });
  assert.equal(agent.status, 200);
  assert.deepEqual(agent.json, [], 'an agent without recording rights sees nothing');
  assert.ok(!agent.text.includes('media.acme.test'));
  assert.equal(agent.trailers['x-checksum'], undefined);
  const audit = await get('/api/v2/conversations/c-1/recordings?test-mode=trailers', 'audit-1', { te: 'trailers' });
  assert.deepEqual(audit.json.map((r) => r.id), ['rec-us-call-1', 'rec-us-screen-1']);
  for (const r of audit.json) assert.equal(r.mediaUris, undefined, 'metadata only, trailers or not');
});

test('a Range request cannot make a list skip filtering: the upstream never sees Range, and a 206 is refused', async () => {
  const r = await get('/api/v2/conversations/c-1/recordings', 'a-us-1', { range: 'bytes=0-', 'accept-encoding': 'gzip', 'if-none-match': '"x"' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, []);
  const saw = upstreamSaw('/api/v2/conversations/c-1/recordings').headers;
  for (const h of ['range', 'accept-encoding', 'if-none-match']) assert.equal(saw[h], undefined, h);
  for (const mode of ['partial', 'error-with-data']) {
    const bad = await get(`/api/v2/conversations/c-1/recordings?test-mode=${mode}`, 'a-us-1');
    assert.ok(['reset', 502].includes(bad.status), `${mode}: ${bad.status}`);
    assert.ok(!bad.text.includes('media.acme.test'), `${mode}: nothing leaked`);
  }
  const gz = await get('/api/v2/conversations/c-1/recordings?test-mode=gzip', 'a-us-1');
  assert.equal(gz.status, 502);
  assert.equal(gz.json.reason, 'list_unfilterable');
  const error = await get('/api/v2/conversations/c-1/recordings?test-mode=error', 'a-us-1');
  assert.equal(error.status, 503, 'an API error body passes');
  assert.equal(error.json.code, 'service.unavailable');
});

test('filtered bodies are private: Cache-Control private, no-store; Vary: Authorization; no upstream ETag', async () => {
  const r = await get('/api/v2/conversations/c-1/recordings', 'qa-1');
  assert.equal(r.status, 200);
  assert.equal(r.headers['cache-control'], 'private, no-store');
  assert.match(r.headers.vary, /authorization/i);
  assert.equal(r.headers.etag, undefined);
});

test('the redact obligation holds per entity: alone and inside the conversation\'s list', async () => {
  const one = await get('/api/v2/conversations/c-5/recordings/rec-us-pci-1', 'qa-1');
  assert.equal(one.status, 200);
  assert.match(one.json.mediaUris.S.mediaUri, /redacted=1/);
  assert.equal(upstreamSaw('/api/v2/conversations/c-5/recordings/rec-us-pci-1').headers['x-recgate-redact'], '1');
  const list = await get('/api/v2/conversations/c-5/recordings', 'qa-1');
  assert.equal(list.status, 200);
  assert.equal(upstreamSaw('/api/v2/conversations/c-5/recordings').headers['x-recgate-redact-recordings'], 'rec-us-pci-1');
  assert.match(list.json[0].mediaUris.S.mediaUri, /redacted=1/);
  const lead = await get('/api/v2/conversations/c-5/recordings', 'comp-2');
  assert.equal(upstreamSaw('/api/v2/conversations/c-5/recordings').headers['x-recgate-redact-recordings'], undefined, 'viewSensitiveData: nothing to redact');
  assert.doesNotMatch(lead.json[0].mediaUris.S.mediaUri, /redacted/);
});

test('metadata only is an allow-list of RecordingMetadata fields: a chat transcript never reaches an auditor', async () => {
  const chat = await get('/api/v2/conversations/c-6/recordings/rec-us-chat-1', 'audit-1');
  assert.equal(chat.status, 200);
  for (const f of ['mediaUris', 'messagingTranscript', 'transcript', 'emailTranscript']) assert.equal(chat.json[f], undefined, f);
  assert.equal(chat.json.id, 'rec-us-chat-1');
  assert.equal(chat.json.name, 'Recording rec-us-chat-1');
  const full = await get('/api/v2/conversations/c-6/recordings/rec-us-chat-1', 'comp-2');
  assert.ok(Array.isArray(full.json.messagingTranscript), 'media access keeps the transcript');
  const meta = await get('/api/v2/conversations/c-1/recordingmetadata', 'audit-1');
  assert.equal(meta.status, 200);
  assert.deepEqual(meta.json.map((m) => m.id), ['rec-us-call-1', 'rec-us-screen-1']);
  const qa = await get('/api/v2/conversations/c-1/recordingmetadata', 'qa-1');
  assert.deepEqual(qa.json, [], 'recordingmetadata needs recording:metadata:view');
});

test('annotations nested in a recording are filtered like listed ones; unknown entities are dropped', async () => {
  const qa = await get('/api/v2/conversations/c-1/recordings/rec-us-call-1', 'qa-1');
  assert.deepEqual(qa.json.annotations.map((a) => a.id), ['ann-1'], 'the supervisor\'s private bookmark is removed');
  const sup = await get('/api/v2/conversations/c-1/recordings/rec-us-call-1', 'sup-us');
  assert.deepEqual(sup.json.annotations, [], 'no annotation view: none of them');
  const extra = await get('/api/v2/conversations/c-1/recordings?test-mode=extra', 'comp-2');
  assert.ok(!extra.json.some((r) => r.id === 'rec-unknown'), 'an entity without facts is hidden');
});

test('a destructive decision reads fresh attributes: a legal hold set after a cached view stops the delete', async () => {
  const r = up.data.recordings.find((x) => x.id === 'rec-uk-call-1');
  const view = await get('/api/v2/conversations/c-2/recordings/rec-uk-call-1', 'comp-2');
  assert.equal(view.status, 200, 'cached now');
  r.legalHold = true;
  try {
    const again = await get('/api/v2/conversations/c-2/recordings/rec-uk-call-1', 'comp-2');
    assert.equal(again.status, 200, 'reads may use the cache');
    const del = await get('/api/v2/conversations/c-2/recordings/rec-uk-call-1', 'comp-2', {}, 'PUT', JSON.stringify({ deleteDate: '2026-12-24T00:00:00Z' }));
    assert.equal(del.status, 403);
    assert.equal(del.json.reason, 'legal_hold');
  } finally {
    r.legalHold = false;
  }
});

test('the decision log is replayed by recgate diff', async () => {
  const lines = envoy.log().split('\n').filter((l) => l.includes('recgate decision {')).map((l) => l.slice(l.indexOf('{')));
  assert.ok(lines.length > 10);
  const dir = mkdtempSync(join(tmpdir(), 'recgate-diff-'));
  writeFileSync(join(dir, 'log.jsonl'), `${lines.join('\n')}\n`);
  const old = join(repoRoot, 'examples', 'acme.json');
  const next = JSON.parse(JSON.stringify(policy));
  next.revision = 'acme-next';
  next.roles['qa-screen-viewer'].grants = next.roles['qa-screen-viewer'].grants.filter((g) => g.permission !== 'recording:recording:view');
  writeFileSync(join(dir, 'next.json'), JSON.stringify(next));
  const cli = join(repoRoot, 'target', 'release', 'recgate');
  let out = '';
  let code = 0;
  try {
    out = execFileSync(cli, ['diff', old, join(dir, 'next.json'), '--requests', join(dir, 'log.jsonl'), '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    code = e.status;
    out = e.stdout.toString();
  }
  assert.equal(code, 1, 'some decisions change');
  const changes = out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(changes.some((c) => c.principal === 'qa-1' && c.permission === 'recording:recording:view' && c.old.allow && !c.new.allow), out.slice(0, 500));
});

test('a recording list asked with download=true keeps media only where the download is allowed', async () => {
  const qa = await get('/api/v2/conversations/c-1/recordings?download=true', 'qa-1');
  assert.equal(qa.status, 200);
  assert.deepEqual(qa.json.map((r) => [r.id, r.mediaUris === undefined]), [['rec-us-call-1', true], ['rec-us-screen-1', true]], 'QA may play, not download');
  const comp = await get('/api/v2/conversations/c-1/recordings?download=true', 'comp-2');
  assert.deepEqual(comp.json.map((r) => [r.id, r.mediaUris === undefined]), [['rec-us-call-1', false], ['rec-us-screen-1', true]]);
  const bad = await get('/api/v2/conversations/c-1/recordings?download=yes', 'comp-2');
  assert.equal(bad.status, 400);
});
