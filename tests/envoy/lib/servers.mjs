// The other side of Envoy in the tests and the demo: the Genesys Cloud
// recordings API as the official SDK (purecloud-platform-client-v2 262.0.0)
// sees it — its paths, its JSON models (`Recording`, `RecordingMetadata`,
// `Annotation`, `BatchDownloadJobStatusResult`, `RecordingJob`, `Policy`, …;
// tests/envoy/models.test.mjs type-checks these shapes against the SDK's
// index.d.ts with tsc) — recording every request it receives, its live
// monitoring endpoints included; the attributes service the filter asks about
// conversations, recordings, bulk jobs and live interactions (which can be
// made to fail or stall); and a policy server with ETags (which
// can switch revision or serve garbage). All on 127.0.0.1.

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

/** The recordings store: each recording's core attributes (SPEC §2), annotations with their facts, queues. */
export function fixtures() {
  const rec = (id, attrs) => ({ id, createdAt: '2026-11-20T09:00:00Z', divisions: ['home'], region: 'us-east-1', ...attrs });
  const recordings = [
    rec('rec-us-call-1', { conversationId: 'c-1', media: 'audio', direction: 'inbound', owner: 'a-us-1', participants: ['a-us-1'], queue: 'q-us', related: ['rec-us-screen-1'] }),
    rec('rec-us-screen-1', { conversationId: 'c-1', media: 'screen', owner: 'a-us-1', participants: ['a-us-1'], queue: 'q-us' }),
    rec('rec-uk-screen-1', { conversationId: 'c-2', media: 'screen', owner: 'a-uk-1', participants: ['a-uk-1'], queue: 'q-uk' }),
    rec('rec-uk-call-1', { conversationId: 'c-2', media: 'audio', direction: 'outbound', owner: 'a-uk-1', participants: ['a-uk-1'], queue: 'q-uk' }),
    rec('rec-bpo-call-1', { conversationId: 'c-3', media: 'audio', direction: 'inbound', owner: 'b-em-1', participants: ['b-em-1'], queue: 'q-bpo', divisions: ['bpo-emea'], region: 'eu-west-1' }),
    rec('rec-bpo-call-2', { conversationId: 'c-3', media: 'audio', direction: 'inbound', owner: 'b-em-2', participants: ['b-em-2'], queue: 'q-bpo', divisions: ['bpo-emea'], region: 'eu-west-1' }),
    rec('rec-us-held-1', { conversationId: 'c-4', media: 'audio', direction: 'inbound', owner: 'a-us-2', participants: ['a-us-2'], queue: 'q-us', legalHold: true }),
    rec('rec-us-pci-1', { conversationId: 'c-5', media: 'audio', direction: 'inbound', owner: 'a-us-1', participants: ['a-us-1'], queue: 'q-us', sensitive: true }),
    rec('rec-us-chat-1', { conversationId: 'c-6', media: 'chat', direction: 'inbound', owner: 'a-us-1', participants: ['a-us-1'], queue: 'q-us' }),
  ];
  const annotations = [
    { id: 'ann-1', author: 'qa-1', visibility: 'public', recordingId: 'rec-us-call-1', text: 'Greeting skipped' },
    { id: 'ann-2', author: 'sup-us', visibility: 'private', recordingId: 'rec-us-call-1', text: 'Coach on tone' },
  ];
  const queues = ['q-us', 'q-uk', 'q-bpo', 'q-escalation'].map((id) => ({ id, name: id }));
  const jobs = [];
  // Interactions in progress (live monitoring): their participants, and `live` as it is now.
  const conv = (conversationId, attrs, agent) => ({
    conversationId, divisions: ['home'], region: 'us-east-1', live: true, ...attrs,
    participants: [{ id: `p-${conversationId}-customer`, purpose: 'customer' }, { id: `p-${conversationId}-agent`, purpose: 'agent', user: agent }],
  });
  const conversations = [
    conv('c-live-us', { media: 'audio', direction: 'inbound', queue: 'q-us' }, 'a-us-1'),
    conv('c-live-uk', { media: 'audio', direction: 'inbound', queue: 'q-uk' }, 'a-uk-1'),
    conv('c-live-uk-out', { media: 'audio', direction: 'outbound', queue: 'q-uk' }, 'a-uk-1'),
    conv('c-live-msg', { media: 'messaging', direction: 'inbound', queue: 'q-us' }, 'a-us-2'),
    conv('c-live-bpo', { media: 'audio', direction: 'inbound', queue: 'q-bpo', divisions: ['bpo-emea'], region: 'eu-west-1' }, 'b-em-1'),
    conv('c-ended-us', { media: 'audio', direction: 'inbound', queue: 'q-us', live: false }, 'a-us-2'),
  ];
  // Screen-monitoring sessions someone else started.
  const screenSessions = [
    screenSession('sm-seed-uk', { source: 'sradmin-1', target: 'a-uk-1' }),
    screenSession('sm-seed-us', { source: 'sradmin-1', target: 'a-us-2' }),
  ];
  return { recordings, annotations, queues, jobs, conversations, screenSessions };
}

/** A `ScreenMonitoringSession` as the API returns it (agent-level without a conversation). */
export function screenSession(id, { source, target, conversation, participant }) {
  const ref = (u) => ({ id: u, selfUri: `/api/v2/users/${u}` });
  const out = { screenMonitoringId: id, sourceUser: ref(source), targetUser: ref(target), monitoringType: conversation ? 'Conversation' : 'Agent', dateCreated: '2026-11-22T12:00:00Z' };
  if (conversation) Object.assign(out, { conversation: { id: conversation, selfUri: `/api/v2/conversations/${conversation}` }, participantId: participant });
  out.selfUri = conversation
    ? `/api/v2/conversations/${conversation}/participants/${participant}/screenmonitors/sessions/${id}`
    : `/api/v2/users/${target}/screenmonitors/sessions/${id}`;
  return out;
}

/**
 * What the attributes service says about a live interaction as participant
 * `participantId` is in it: the interaction's attributes as the recording it
 * is making (SPEC §2; `owner` the agent whose side is monitored), `live` as it is now.
 */
export function liveFactsOf(c, participantId) {
  const { participants, ...attrs } = c;
  const agent = participants.find((p) => p.id === participantId && p.user) ?? participants.find((p) => p.purpose === 'agent' && p.user);
  return { ...attrs, participantId, owner: agent?.user, participants: participants.filter((p) => p.user).map((p) => p.user) };
}

/** The core's view of a recording: its attributes (SPEC §2), without API-only fields. */
export function attributesOf(r) {
  const { name, mediaUris, ...attrs } = r;
  return attrs;
}

/** What the attributes service says about a recording: its attributes and its annotations' facts. */
export function factsOf(r, data) {
  const annotations = data.annotations.filter((a) => a.recordingId === r.id)
    .map((a) => (a.author === undefined ? { id: a.id, visibility: a.visibility } : { id: a.id, author: a.author, visibility: a.visibility }));
  return { ...attributesOf(r), annotations };
}

/** An `Annotation` as the API returns it. */
export function apiAnnotation(a) {
  const out = { id: a.id, name: a.text ?? a.id, type: 'Bookmark', location: 1000, durationMs: 0, description: a.text ?? '', selfUri: `/api/v2/recording/annotations/${a.id}` };
  if (a.author !== undefined) out.user = { id: a.author, version: 1, selfUri: `/api/v2/users/${a.author}` };
  return out;
}

const GENESYS_MEDIA = { audio: 'audio', screen: 'screen', chat: 'chat', email: 'email', messaging: 'message' };

/** A `Recording` as the API returns it: no owner, queue, divisions or region; media behind `mediaUris`. */
export function apiRecording(r, data, { redact = false, download = false } = {}) {
  const suffix = `${download ? '.mp3?download=1' : '.webm'}${redact ? `${download ? '&' : '?'}redacted=1` : ''}`;
  const out = {
    id: r.id,
    name: r.name ?? `Recording ${r.id}`,
    conversationId: r.conversationId,
    startTime: r.createdAt ?? '2026-11-20T09:00:00Z',
    endTime: r.createdAt ?? '2026-11-20T09:00:00Z',
    media: GENESYS_MEDIA[r.media] ?? 'audio',
    fileState: 'AVAILABLE',
    mediaUris: { S: { mediaUri: `https://media.acme.test/${r.id}${suffix}` } },
    annotations: data.annotations.filter((a) => a.recordingId === r.id).map(apiAnnotation),
    selfUri: `/api/v2/conversations/${r.conversationId}/recordings/${r.id}`,
  };
  if (r.media === 'chat') {
    out.messagingTranscript = [{ from: 'customer', messageText: 'my card is 4111 1111 1111 1111', timestamp: out.startTime }];
  }
  return out;
}

/** A `RecordingMetadata`: the recording without its media. */
export function apiMetadata(r, data) {
  const { mediaUris, messagingTranscript, ...meta } = apiRecording(r, data);
  return { ...meta, region: r.region ?? 'us-east-1' };
}

const readBody = (req) => new Promise((resolve) => {
  let text = '';
  req.on('data', (d) => { text += d; });
  req.on('end', () => resolve(text));
});

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
  const server = await listen(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const body = await readBody(req);
    seen.push({ method: req.method, path: url.pathname, query: url.search, headers: req.headers, body });
    const p = url.pathname.split('/').filter(Boolean);
    const is = (...parts) => parts.length === p.length && parts.every((x, i) => x === '*' || x === p[i]);
    const redactIds = (req.headers['x-recgate-redact-recordings'] ?? '').split(',').filter(Boolean);
    if (is('api', 'v2', 'routing', 'queues')) return send(res, 200, { entities: data.queues, pageSize: 25, pageNumber: 1, total: data.queues.length, pageCount: 1 });
    if (is('api', 'v2', 'routing', 'queues', '*')) return send(res, 200, data.queues.find((q) => q.id === p[4]) ?? { id: p[4] });
    if (is('api', 'v2', 'users', '*')) return send(res, 200, { id: p[3], name: p[3], version: 1 });
    const conv = p[3];
    if (is('api', 'v2', 'conversations', 'c-huge', 'recordings')) {
      // A list far over any sane cap, streamed without a declared length.
      const one = JSON.stringify(apiRecording(data.recordings[0], data));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      for (let i = 0; i < 4000; i += 1) res.write((i ? ',' : '') + one);
      return res.end(']');
    }
    if (is('api', 'v2', 'conversations', 'c-bad', 'recordings')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('[{"id":"rec-us-call-1","mediaUris":{"S":{"mediaUri":"https://media.acme.test/x"}}}');
    }
    if (is('api', 'v2', 'conversations', 'c-sized', 'recordings')) {
      const text = JSON.stringify(Array.from({ length: 400 }, () => apiRecording(data.recordings[0], data)));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      return res.end(text);
    }
    if (is('api', 'v2', 'conversations', '*', 'recordings')) {
      const list = visibleTo(req.headers['x-recgate-principal'], data.recordings.filter((r) => r.conversationId === conv))
        .map((r) => apiRecording(r, data, { redact: redactIds.includes(r.id) }));
      const mode = url.searchParams.get('test-mode');
      if (mode === 'trailers') {
        // HTTP/1.1 chunked with trailers: the list arrives, then the trailers.
        res.writeHead(200, { 'content-type': 'application/json', trailer: 'x-checksum', 'x-served-by': 'test-upstream' });
        res.write(JSON.stringify(list));
        res.addTrailers({ 'x-checksum': 'abc' });
        return res.end();
      }
      if (mode === 'odd-headers') {
        // Latin-1 strings go out as those bytes: response headers that are not UTF-8.
        return send(res, 200, list, { 'x-odd': '\u00ff\u00fe' });
      }
      if (mode === 'odd-trailers') {
        res.writeHead(200, { 'content-type': 'application/json', trailer: 'x-odd', 'x-served-by': 'test-upstream' });
        res.write(JSON.stringify(list));
        res.addTrailers({ 'x-odd': '\u00ff\u00fe' });
        return res.end();
      }
      if (mode === 'extra') {
        // An entity the attributes service knows nothing about: dropped, never judged with defaults.
        return send(res, 200, [...list, { ...apiRecording(data.recordings[0], data), id: 'rec-unknown', conversationId: conv }]);
      }
      if (mode === 'partial') return send(res, 206, list, { 'content-range': 'bytes 0-99/1000' });
      if (mode === 'error-with-data') return send(res, 500, { message: 'oops', entities: list });
      if (mode === 'error') return send(res, 503, { message: 'try later', code: 'service.unavailable', status: 503 });
      if (mode === 'gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-served-by': 'test-upstream' });
        return res.end(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
      }
      return send(res, 200, list, { etag: '"upstream-etag"', 'cache-control': 'public, max-age=600' });
    }
    if (is('api', 'v2', 'conversations', '*', 'recordingmetadata')) {
      return send(res, 200, data.recordings.filter((r) => r.conversationId === conv).map((r) => apiMetadata(r, data)));
    }
    if (is('api', 'v2', 'conversations', '*', 'recordingmetadata', '*')) {
      const r = byId(p[5]);
      return r ? send(res, 200, apiMetadata(r, data)) : send(res, 404, { message: 'not found', status: 404 });
    }
    if (is('api', 'v2', 'conversations', '*', 'recordings', '*')) {
      const r = byId(p[5]);
      if (!r) return send(res, 404, { message: 'not found', status: 404 });
      if (req.method === 'PUT') {
        const change = body ? JSON.parse(body) : {};
        return send(res, 200, { ...apiRecording(r, data), ...change });
      }
      return send(res, 200, apiRecording(r, data, { redact: req.headers['x-recgate-redact'] === '1', download: url.searchParams.get('download') === 'true' }));
    }
    if (is('api', 'v2', 'conversations', '*', 'recordings', '*', 'annotations')) {
      if (req.method === 'POST') return send(res, 201, { ...JSON.parse(body || '{}'), id: 'ann-new' });
      return send(res, 200, data.annotations.filter((a) => a.recordingId === p[5]).map(apiAnnotation));
    }
    if (is('api', 'v2', 'conversations', '*', 'recordings', '*', 'annotations', '*')) {
      if (req.method === 'DELETE') return send(res, 204);
      if (req.method === 'PUT') return send(res, 200, { ...JSON.parse(body || '{}'), id: p[7] });
      const a = data.annotations.find((x) => x.id === p[7]);
      return a ? send(res, 200, apiAnnotation(a)) : send(res, 404, { message: 'not found', status: 404 });
    }
    if (is('api', 'v2', 'recordings', 'deletionprotection')) {
      const ids = body ? JSON.parse(body).conversationIds ?? [] : [];
      if (req.method === 'PUT') return send(res, 200, { failedUpdates: [] });
      return send(res, 200, ids.filter((c) => data.recordings.some((r) => r.conversationId === c && r.legalHold)).map((id) => ({ id, selfUri: `/api/v2/conversations/${id}` })));
    }
    if (is('api', 'v2', 'recording', 'batchrequests')) {
      const items = JSON.parse(body).batchDownloadRequestList;
      const id = `batch-${data.jobs.length + 1}`;
      data.jobs.push({ id, kind: 'batch', items });
      return send(res, 202, { id, selfUri: `/api/v2/recording/batchrequests/${id}` });
    }
    if (is('api', 'v2', 'recording', 'batchrequests', '*')) {
      // Results name every recording of the store, so the edge's per-item filtering shows.
      const results = data.recordings.map((r) => ({ conversationId: r.conversationId, recordingId: r.id, resultUrl: `https://media.acme.test/${r.id}.zip?download=1`, contentType: 'audio/mpeg' }));
      return send(res, 200, { id: p[4], jobId: p[4], expectedResultCount: results.length, resultCount: results.length, errorCount: 0, status: 'COMPLETED', results, selfUri: `/api/v2/recording/batchrequests/${p[4]}` });
    }
    if (is('api', 'v2', 'recording', 'jobs')) {
      if (req.method === 'POST') {
        const q = JSON.parse(body);
        const id = `job-${data.jobs.length + 1}`;
        const job = { id, state: 'PENDING', recordingJobsQuery: q, dateCreated: '2026-11-22T12:00:00Z', totalConversations: 0, totalRecordings: 0, selfUri: `/api/v2/recording/jobs/${id}` };
        data.jobs.push({ id, kind: 'job', query: q, job });
        return send(res, 202, job);
      }
      const list = data.jobs.filter((j) => j.kind === 'job').map((j) => j.job);
      return send(res, 200, { entities: list, pageSize: 25, pageNumber: 1, total: list.length, pageCount: 1 });
    }
    if (is('api', 'v2', 'recording', 'jobs', '*', 'failedrecordings')) return send(res, 200, { entities: [], pageSize: 25, pageNumber: 1, total: 0, pageCount: 0 });
    if (is('api', 'v2', 'recording', 'jobs', '*')) {
      const j = data.jobs.find((x) => x.id === p[4]);
      if (!j) return send(res, 404, { message: 'no such job', status: 404 });
      if (req.method === 'DELETE') return send(res, 204);
      if (req.method === 'PUT') return send(res, 202, { ...j.job, state: JSON.parse(body).state });
      return send(res, 200, j.job);
    }
    if (p[0] === 'api' && p[2] === 'recording' && (p[3] === 'mediaretentionpolicies' || p[3] === 'crossplatform')) {
      const policy = { id: p.at(-1) === 'mediaretentionpolicies' ? 'pol-1' : p.at(-1), name: 'Keep a year', enabled: true, order: 1, selfUri: req.url };
      if (req.method === 'DELETE') return send(res, 204);
      if (p.at(-1) === 'mediaretentionpolicies' && req.method === 'GET') return send(res, 200, { entities: [policy], pageSize: 25, pageNumber: 1, total: 1, pageCount: 1 });
      return send(res, 200, policy);
    }
    if (is('api', 'v2', 'recording', 'settings')) return send(res, 200, { maxSimultaneousStreams: 10, maxConfigurableScreenRecordingStreams: 100 });
    if (is('api', 'v2', 'recordings', 'screensessions', 'details')) return send(res, 200, { count: 3 });
    // Live monitoring (ConversationsApi's participant monitors, ScreenMonitoringApi).
    const live = (id) => data.conversations.find((c) => c.conversationId === id);
    const participantOf = (c, id) => live(c)?.participants.find((x) => x.id === id);
    if ((is('api', 'v2', 'conversations', 'calls', '*', 'participants', '*', 'monitor') || is('api', 'v2', 'conversations', 'messages', '*', 'participants', '*', 'monitor')) && req.method === 'POST') {
      return participantOf(p[4], p[6]) ? send(res, 202) : send(res, 404, { message: 'conversation not found', code: 'not.found', status: 404 });
    }
    const sessions = data.screenSessions;
    const principal = req.headers['x-recgate-principal'] ?? 'anonymous';
    // Ids are never reused, whatever was stopped since.
    const nextId = () => {
      data.sessionsStarted = (data.sessionsStarted ?? sessions.length) + 1;
      return `sm-${data.sessionsStarted}`;
    };
    if (is('api', 'v2', 'conversations', '*', 'participants', '*', 'screenmonitors', 'sessions') && req.method === 'POST') {
      const who = participantOf(p[3], p[5]);
      if (!who?.user) return send(res, 404, { message: 'participant not found', code: 'not.found', status: 404 });
      const id = nextId();
      sessions.push(screenSession(id, { source: principal, target: who.user, conversation: p[3], participant: p[5] }));
      return send(res, 201, { screenMonitoringId: id });
    }
    if (is('api', 'v2', 'users', '*', 'screenmonitors', 'sessions') && req.method === 'POST') {
      const id = nextId();
      sessions.push(screenSession(id, { source: principal, target: p[3] }));
      return send(res, 201, { screenMonitoringId: id });
    }
    const sessionAt = is('api', 'v2', 'conversations', '*', 'participants', '*', 'screenmonitors', 'sessions', '*') ? p[8]
      : is('api', 'v2', 'users', '*', 'screenmonitors', 'sessions', '*') ? p[6] : null;
    if (sessionAt !== null) {
      const at = sessions.findIndex((x) => x.screenMonitoringId === sessionAt);
      if (at < 0) return send(res, 404, { message: 'session not found', code: 'not.found', status: 404 });
      if (req.method === 'DELETE') {
        sessions.splice(at, 1);
        return send(res, 204);
      }
      return send(res, 200, sessions[at]);
    }
    if (is('api', 'v2', 'screenmonitors', 'users', '*', 'sessions')) {
      return send(res, 200, { entities: sessions.filter((x) => x.targetUser.id === p[4] || x.sourceUser.id === p[4]) });
    }
    if (is('api', 'v2', 'screenmonitors', 'sessions', 'users', 'details')) {
      const ids = JSON.parse(body || '[]');
      return send(res, 200, { entities: ids.map((id) => ({ count: sessions.filter((x) => x.targetUser.id === id).length, targetUser: { id, selfUri: `/api/v2/users/${id}` } })) });
    }
    if (is('api', 'v2', 'screenmonitors', 'sessions', 'details')) return send(res, 200, { count: sessions.length });
    if (is('api', 'v2', 'screenmonitors', 'settings')) return send(res, 200, { enableAgentNotifications: true, maxSimultaneousScreenMonitoringSessions: 5 });
    if (is('healthz')) return send(res, 200, { ok: true });
    if (is('api', 'v2', 'conversations', '*', 'recordings', '*') || p[0] === 'api') return send(res, 404, { message: 'no such endpoint', status: 404 });
    // A servlet-style catch-all: anything under /healthz answers too.
    return send(res, 404, { message: 'no such endpoint', status: 404 });
  });
  return { server, port: server.address().port, seen, data };
}

/** The attributes service: facts per conversation, per recording, per bulk job, per live participant. */
export async function startAttributes(data = fixtures()) {
  const state = { mode: 'up', calls: 0, paths: [] };
  const server = await listen((req, res) => {
    state.calls += 1;
    state.paths.push(req.url);
    if (state.mode === 'down') return send(res, 500, { message: 'down' });
    if (state.mode === 'slow') return setTimeout(() => send(res, 200, {}), 5000);
    if (state.mode === 'garbage') {
      // Latin-1 strings go out as those bytes: a header and a body that are not UTF-8.
      res.writeHead(200, { 'content-type': 'application/json', 'x-odd': '\u00ff\u00fe' });
      return res.end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    }
    const p = new URL(req.url, 'http://x').pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (p[0] !== 'attributes') return send(res, 404);
    if (p[1] === 'conversations' && p.length === 3) {
      const recs = data.recordings.filter((r) => r.conversationId === p[2]);
      return recs.length ? send(res, 200, { conversationId: p[2], recordings: recs.map((r) => factsOf(r, data)) }) : send(res, 404);
    }
    if (p[1] === 'conversations' && p[3] === 'participants' && p.length === 5) {
      const c = (data.conversations ?? []).find((x) => x.conversationId === p[2]);
      return c && c.participants.some((x) => x.id === p[4]) ? send(res, 200, liveFactsOf(c, p[4])) : send(res, 404);
    }
    if (p[1] === 'conversations' && p[3] === 'recordings' && p.length === 5) {
      const r = data.recordings.find((x) => x.id === p[4] && x.conversationId === p[2]);
      return r ? send(res, 200, factsOf(r, data)) : send(res, 404);
    }
    if (p[1] === 'recordingjobs' && p.length === 3) {
      const j = data.jobs.find((x) => x.id === p[2] && x.kind === 'job');
      return j ? send(res, 200, j.query) : send(res, 404);
    }
    return send(res, 404);
  });
  return { server, port: server.address().port, state };
}

export async function startPolicyServer(policyText) {
  const state = { text: policyText, garbage: false, badEtag: false, requests: 0 };
  const etag = () => `"${createHash('sha256').update(state.text).digest('hex').slice(0, 16)}"`;
  const server = await listen((req, res) => {
    state.requests += 1;
    if (state.garbage) {
      res.writeHead(200, { 'content-type': 'application/json', etag: '"garbage"' });
      return res.end('{"schema": "recgate/v1", this is not json');
    }
    // A latin-1 string goes out as those bytes: an ETag that is not UTF-8.
    const tag = state.badEtag ? '"\u00ff\u00fe"' : etag();
    if (!state.badEtag && req.headers['if-none-match'] === tag) {
      res.writeHead(304, { etag: tag });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json', etag: tag });
    res.end(state.text);
  });
  return { server, port: server.address().port, state };
}
