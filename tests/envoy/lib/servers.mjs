// The other side of Envoy in the tests and the demo: a Genesys-style
// recordings API (recording every request it receives, headers included), the
// attributes service the filter asks about recordings and annotations (which
// can be made to fail or stall), and a policy server with ETags (which can
// switch revision or serve garbage). All on 127.0.0.1.

import { createServer } from 'node:http';
import { createHash } from 'node:crypto';

import { matches } from './plan.mjs';

function listen(handler) {
  const server = createServer(handler);
  server.keepAliveTimeout = 5000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const send = (res, status, body, headers = {}) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  // x-served-by tells a test whether an answer came from behind Envoy or from the filter.
  res.writeHead(status, { 'content-type': 'application/json', 'x-served-by': 'test-upstream', ...headers });
  res.end(text);
};

const page = (entities) => ({ entities, pageSize: 25, pageNumber: 1, total: entities.length, pageCount: 1 });

/** The recordings store: recordings (core attributes + API fields), annotations, queues, users. */
export function fixtures() {
  const rec = (id, attrs) => ({
    id, conversationId: attrs.conversationId, name: `Recording ${id}`, mediaUris: [`https://media.acme.test/${id}`],
    createdAt: '2026-11-20T09:00:00Z', divisions: ['home'], region: 'us-east-1', ...attrs,
  });
  const recordings = [
    rec('rec-us-call-1', { conversationId: 'c-1', media: 'audio', direction: 'inbound', owner: 'a-us-1', participants: ['a-us-1'], queue: 'q-us', related: ['rec-us-screen-1'] }),
    rec('rec-us-screen-1', { conversationId: 'c-1', media: 'screen', owner: 'a-us-1', participants: ['a-us-1'], queue: 'q-us' }),
    rec('rec-uk-screen-1', { conversationId: 'c-2', media: 'screen', owner: 'a-uk-1', participants: ['a-uk-1'], queue: 'q-uk' }),
    rec('rec-uk-call-1', { conversationId: 'c-2', media: 'audio', direction: 'outbound', owner: 'a-uk-1', participants: ['a-uk-1'], queue: 'q-uk' }),
    rec('rec-bpo-call-1', { conversationId: 'c-3', media: 'audio', direction: 'inbound', owner: 'b-em-1', participants: ['b-em-1'], queue: 'q-bpo', divisions: ['bpo-emea'], region: 'eu-west-1' }),
    rec('rec-bpo-call-2', { conversationId: 'c-3', media: 'audio', direction: 'inbound', owner: 'b-em-2', participants: ['b-em-2'], queue: 'q-bpo', divisions: ['bpo-emea'], region: 'eu-west-1' }),
    rec('rec-us-held-1', { conversationId: 'c-4', media: 'audio', direction: 'inbound', owner: 'a-us-2', participants: ['a-us-2'], queue: 'q-us', legalHold: true }),
  ];
  const annotations = [
    { id: 'ann-1', author: 'qa-1', visibility: 'public', recordingId: 'rec-us-call-1', text: 'Greeting skipped' },
    { id: 'ann-2', author: 'sup-us', visibility: 'private', recordingId: 'rec-us-call-1', text: 'Coach on tone' },
  ];
  const queues = ['q-us', 'q-uk', 'q-bpo', 'q-escalation'].map((id) => ({ id, name: id }));
  return { recordings, annotations, queues };
}

/** The core's view of a recording: its attributes, without API-only fields. */
export function attributesOf(r) {
  const { name, mediaUris, ...attrs } = r;
  return attrs;
}

/**
 * The recordings API. With `gate` (the npm package's Gate on the whole policy),
 * recording lists are answered from a query plan for the principal the edge
 * decided for (`x-recgate-principal`), as a back end with a database would:
 * the edge's own list filtering is then a second line of defence.
 */
export async function startUpstream(data = fixtures(), { gate, homeRegion = 'us-east-1', planned } = {}) {
  const seen = [];
  const visibleTo = (principal, list) => {
    if (!gate || !principal) return list;
    const plans = ['recording:recording:view', 'recording:screenRecording:view', 'recording:metadata:view'].map((p) => gate.plan(principal, p));
    if (planned) planned.count += 1;
    return list.filter((r) => plans.some((p) => matches(p.filter, attributesOf(r), homeRegion)));
  };
  const byId = (id) => data.recordings.find((r) => r.id === id);
  const server = await listen((req, res) => {
    const url = new URL(req.url, 'http://x');
    seen.push({ method: req.method, path: url.pathname, headers: req.headers });
    const p = url.pathname.split('/').filter(Boolean);
    const is = (...parts) => parts.length === p.length && parts.every((x, i) => x === '*' || x === p[i]);
    if (is('api', 'v2', 'routing', 'queues')) return send(res, 200, page(data.queues));
    if (is('api', 'v2', 'routing', 'queues', '*')) return send(res, 200, data.queues.find((q) => q.id === p[4]) ?? { id: p[4] });
    if (is('api', 'v2', 'screenrecordings') && req.method === 'GET') {
      return send(res, 200, page(visibleTo(req.headers['x-recgate-principal'], data.recordings.filter((r) => r.media === 'screen'))));
    }
    if (is('api', 'v2', 'screenrecordings', '*')) return send(res, req.method === 'DELETE' ? 204 : 200);
    if (is('api', 'v2', 'users')) return send(res, 201, { id: 'new-user' });
    if (is('api', 'v2', 'users', '*')) return send(res, 200, { id: p[3] });
    if (is('api', 'v2', 'authorization', 'userroles')) return send(res, 201, { id: 'new-role' });
    if (is('api', 'v2', 'conversations', 'c-huge', 'recordings')) {
      // A list far over any sane cap, streamed without a declared length.
      const one = JSON.stringify(data.recordings[0]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"entities":[');
      for (let i = 0; i < 4000; i += 1) res.write((i ? ',' : '') + one);
      return res.end('],"total":4000}');
    }
    if (is('api', 'v2', 'conversations', 'c-bad', 'recordings')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"entities":[{"id":"rec-us-call-1","mediaUris":["https://media.acme.test/x"]}');
    }
    if (is('api', 'v2', 'conversations', 'c-sized', 'recordings')) {
      const body = JSON.stringify({ entities: Array.from({ length: 400 }, () => data.recordings[0]), total: 400 });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    if (is('api', 'v2', 'conversations', '*', 'recordings')) {
      return send(res, 200, page(visibleTo(req.headers['x-recgate-principal'], data.recordings.filter((r) => r.conversationId === p[3]))));
    }
    if (is('api', 'v2', 'conversations', '*', 'recordingmetadata')) return send(res, 200, page(data.recordings.filter((r) => r.conversationId === p[3]).map(attributesOf)));
    if (is('api', 'v2', 'conversations', '*', 'recordings', '*')) {
      if (req.method === 'DELETE') return send(res, 204);
      const r = byId(p[5]);
      return r ? send(res, 200, r) : send(res, 404, { message: 'not found' });
    }
    if (is('api', 'v2', 'conversations', '*', 'recordings', '*', 'annotations')) {
      if (req.method === 'POST') return send(res, 201, { id: 'ann-new' });
      return send(res, 200, page(data.annotations.filter((a) => a.recordingId === p[5])));
    }
    if (is('api', 'v2', 'conversations', '*', 'recordings', '*', 'annotations', '*')) {
      return send(res, req.method === 'DELETE' ? 204 : 200, req.method === 'DELETE' ? undefined : data.annotations.find((a) => a.id === p[7]));
    }
    if (is('healthz')) return send(res, 200, { ok: true });
    return send(res, 404, { message: 'no such endpoint' });
  });
  return { server, port: server.address().port, seen, data };
}

export async function startAttributes(data = fixtures()) {
  const state = { mode: 'up', calls: 0 };
  const server = await listen((req, res) => {
    state.calls += 1;
    if (state.mode === 'down') return send(res, 500, { message: 'down' });
    if (state.mode === 'slow') return setTimeout(() => send(res, 200, {}), 5000);
    const p = new URL(req.url, 'http://x').pathname.split('/').filter(Boolean);
    if (p[0] !== 'attributes') return send(res, 404);
    const id = decodeURIComponent(p[2] ?? '');
    if (p[1] === 'recordings') {
      const r = data.recordings.find((x) => x.id === id);
      return r ? send(res, 200, attributesOf(r)) : send(res, 404);
    }
    if (p[1] === 'annotations') {
      const a = data.annotations.find((x) => x.id === id);
      if (!a) return send(res, 404);
      const r = data.recordings.find((x) => x.id === a.recordingId);
      return send(res, 200, { id: a.id, author: a.author, visibility: a.visibility, recording: attributesOf(r) });
    }
    return send(res, 404);
  });
  return { server, port: server.address().port, state };
}

export async function startPolicyServer(policyText) {
  const state = { text: policyText, garbage: false, requests: 0 };
  const etag = () => `"${createHash('sha256').update(state.text).digest('hex').slice(0, 16)}"`;
  const server = await listen((req, res) => {
    state.requests += 1;
    if (state.garbage) {
      res.writeHead(200, { 'content-type': 'application/json', etag: '"garbage"' });
      return res.end('{"schema": "recgate/v1", this is not json');
    }
    const tag = etag();
    if (req.headers['if-none-match'] === tag) {
      res.writeHead(304, { etag: tag });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json', etag: tag });
    res.end(state.text);
  });
  return { server, port: server.address().port, state };
}
