// The edge differential's other route families (issue #18: "every decided
// route, lists included"), beside lib/generated.mjs's recordings,
// annotations, queues and users: the organisation-level routes (retention
// policies, recording settings, recording jobs — `Decide` on a schedule and
// the core's bulk check), live monitoring (conversation monitors, screen
// monitoring per participant and per user, the users' details), the lists
// filtered entity by entity, and the figures over every session.
//
// Each case says which core questions decide it — `evals` for `recgate
// eval`, `bulks` for `recgate bulk` (core `Policy::bulk`) — and `expect`
// turns their answers into the status the edge must give, exactly as the
// filter's documented semantics say (docs/envoy-filter.md; wasm-proxy/src/
// operations.rs and operations/monitoring.rs ask the same core questions).

import { screenSession } from './servers.mjs';
import { SESSION_REASONS, visibilityRequests } from './generated.mjs';

const LATER = '2030-01-01T00:00:00Z';
const session = (d) => SESSION_REASONS.includes(d.reason);

/** A small deterministic hash of a tag: picks variants reproducibly. */
export function tagHash(tag) {
  let h = 2166136261;
  for (const ch of String(tag)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

// ---- Organisation-level routes ----

const RETENTION = '/api/v2/recording/mediaretentionpolicies';
const XRETENTION = '/api/v2/recording/crossplatform/mediaretentionpolicies';
const JOBS = '/api/v2/recording/jobs';

/**
 * The routes each organisation permission decides: [method, path, schedule
 * id the filter decides on, ok status, body, what the job route also needs].
 */
const ORG_ROUTES = {
  'recording:retentionPolicy:view': (t) => [
    ['GET', RETENTION, 'mediaretentionpolicies', 200],
    ['GET', `${RETENTION}/pol-${t}`, `pol-${t}`, 200],
    ['GET', XRETENTION, 'crossplatform', 200],
    ['GET', `${XRETENTION}/pol-${t}`, `pol-${t}`, 200],
  ],
  'recording:retentionPolicy:edit': (t) => {
    const body = { name: 'Keep a year', order: 1, enabled: true };
    return [
      ['POST', RETENTION, 'mediaretentionpolicies', 200, body],
      ['DELETE', RETENTION, 'mediaretentionpolicies', 204],
      ['PUT', `${RETENTION}/pol-${t}`, `pol-${t}`, 200, body],
      ['PATCH', `${RETENTION}/pol-${t}`, `pol-${t}`, 200, body],
      ['DELETE', `${RETENTION}/pol-${t}`, `pol-${t}`, 204],
      ['POST', XRETENTION, 'crossplatform', 200, body],
      ['DELETE', XRETENTION, 'crossplatform', 204],
      ['PUT', `${XRETENTION}/pol-${t}`, `pol-${t}`, 200, body],
      ['PATCH', `${XRETENTION}/pol-${t}`, `pol-${t}`, 200, body],
      ['DELETE', `${XRETENTION}/pol-${t}`, `pol-${t}`, 204],
    ];
  },
  'recording:settings:view': () => [['GET', '/api/v2/recording/settings', 'settings', 200]],
  'recording:settings:edit': () => [['PUT', '/api/v2/recording/settings', 'settings', 200, { maxSimultaneousStreams: 5 }]],
  // Jobs are decided on the organisation's jobs (a schedule "recording-jobs").
  'recording:job:view': (t) => [
    ['GET', JOBS, 'recording-jobs', 200],
    ['GET', `${JOBS}/job-${t}`, 'recording-jobs', 200, undefined, 'stored'],
    ['GET', `${JOBS}/job-${t}/failedrecordings`, 'recording-jobs', 200],
  ],
  'recording:job:delete': (t) => [['DELETE', `${JOBS}/job-${t}`, 'recording-jobs', 204, undefined, 'stored']],
  // Running a stored job: its own query must be one the principal is unrestricted for.
  'recording:job:edit': (t) => [['PUT', `${JOBS}/job-${t}`, 'recording-jobs', 202, { state: 'FULFILLED' }, 'stored-bulk']],
  'recording:job:add': () => [['POST', JOBS, 'recording-jobs', 202, 'query', 'bulk']],
};

/** The permissions the organisation routes decide (the corpus's `--only` for them). */
export const ORG_PERMISSIONS = Object.keys(ORG_ROUTES);

/** A `RecordingJobsQuery` drawn from the tag: an action and what it includes. */
function jobQuery(tag) {
  const h = tagHash(`${tag}/job`);
  const q = { action: h % 2 ? 'DELETE' : 'EXPORT', actionDate: LATER, conversationQuery: { interval: '2026-11-01T00:00:00Z/2026-11-22T00:00:00Z' } };
  const flag = (x) => [undefined, true, false][x % 3];
  const screens = flag(h >> 3);
  const sensitive = flag(h >> 7);
  if (screens !== undefined) q.includeScreenRecordings = screens;
  if (sensitive !== undefined) q.includeRecordingsWithSensitiveData = sensitive;
  return q;
}

/** The bulk question a job query asks (as the filter reads it: wasm-proxy/src/bodies.rs `job_query`). */
function jobBulk(who, q, now) {
  return {
    ...who, action: q.action === 'DELETE' ? 'delete' : 'export', calls: true,
    screens: q.includeScreenRecordings ?? true, sensitive: q.includeRecordingsWithSensitiveData ?? false, now,
  };
}

const who = ({ principal, actor }) => (actor === undefined ? { principal } : { principal, actor });

/** The HTTP form of a generated organisation request (`variant` picks among its routes), or null. */
export function routeForOrg(generated, tag, variant) {
  const routes = ORG_ROUTES[generated.permission]?.(tag);
  if (!routes || generated.resource.type !== 'schedule') return null;
  const [method, path, id, okStatus, bodyShape, needs] = routes[variant % routes.length];
  const request = { ...generated, resource: { type: 'schedule', id } };
  const query = needs === 'bulk' || needs === 'stored-bulk' ? jobQuery(tag) : null;
  const body = bodyShape === 'query' ? query : bodyShape;
  const c = {
    ...who(generated), method, path, body, okStatus, family: 'org', request,
    evals: [request], bulks: query ? [jobBulk(who(generated), query, generated.now)] : [],
  };
  if (needs?.startsWith('stored')) {
    const job = { id: `job-${tag}`, state: 'PENDING', dateCreated: '2026-11-22T12:00:00Z', totalConversations: 0, totalRecordings: 0, selfUri: `${JOBS}/job-${tag}` };
    c.job = { id: job.id, kind: 'job', query: query ?? jobQuery(tag), job };
  }
  c.expect = ([main], bulks) => {
    if (!main.allow) return { status: 403, reason: main.reason };
    const [b] = bulks;
    if (b && !b.allow) return { status: 403, reason: b.reason };
    return { status: okStatus };
  };
  return c;
}

// ---- Live monitoring ----

/**
 * The live interaction the attributes service tells for a generated
 * recording, as the test's service builds its answer (`liveFactsOf`): the
 * participant monitored is the recording's owner (an agent) when it has one,
 * the others are participants with users. `served` is that answer as the
 * core reads it (the recording format, `id` the conversation's).
 */
function interaction(rec, conversation, participant, live) {
  const { id, owner, participants = [], conversationId, type, ...attrs } = rec;
  const people = [owner === undefined ? { id: participant, purpose: 'customer' } : { id: participant, purpose: 'agent', user: owner }];
  for (const [i, u] of participants.filter((u) => u !== owner).entries()) people.push({ id: `${participant}-${i}`, purpose: 'customer', user: u });
  const entry = { conversationId: conversation, ...attrs, live, participants: people };
  const served = { ...attrs, id: conversation, conversationId: conversation, live, participants: people.filter((p) => p.user).map((p) => p.user) };
  if (owner !== undefined) served.owner = owner;
  return { entry, served };
}

/** An agent's desktop as the core's `Policy::agent_desktop` describes it from the policy (null: not a user of it). */
export function agentDesktop(policy, user) {
  const u = policy.users?.[user];
  if (!u) return null;
  return { type: 'recording', id: user, media: 'screen', owner: user, participants: [user], divisions: [u.division ?? 'home'], region: u.region ?? policy.settings?.homeRegion ?? 'us-east-1', live: true };
}

/** The question `Subject::monitor_agent` asks about `user`, as a core request. */
export function agentRequest(policy, by, user, now) {
  // A user the policy does not know has no desktop: any resource shows whether the principal is refused as such.
  const resource = agentDesktop(policy, user) ?? { type: 'recording', id: user, media: 'screen', live: true };
  return { ...by, permission: 'conversation:call:monitor', resource, now };
}

/** What monitoring an agent's screen gets: 403 with the reason when refused (a user is never hidden). */
function agentAnswer(policy, user, d) {
  if (!agentDesktop(policy, user)) return session(d) ? d.reason : 'unknown_resource';
  return d.allow ? null : d.reason;
}

/** The monitoring routes of a generated `conversation:call:monitor` request (by `variant`), or null. */
export function routeForMonitor(policy, generated, tag, variant) {
  if (generated.permission !== 'conversation:call:monitor' || generated.resource.type !== 'recording') return null;
  const rec = generated.resource;
  const by = who(generated);
  const now = generated.now;
  const c0 = `c-${tag}`;
  const p0 = `p-${tag}`;
  const sm = `sm-${tag}`;
  // One interaction in five has just ended: conversation_ended for whoever could monitor it.
  const live = tagHash(`${tag}/live`) % 5 !== 0;
  const direct = rec.media === 'audio' ? 'calls' : rec.media === 'messaging' ? 'messages' : null;
  // Half of the calls and messages go to their own endpoint; the rest, round the screen and agent routes.
  let v = direct && variant % 2 === 0 ? 0 : 1 + (Math.floor(variant / 2) % 7);
  const agentUser = tagHash(`${tag}/ghost`) % 10 === 0 ? 'ghost' : rec.owner ?? generated.principal;
  // Watching a participant's screen needs a participant with a user (the API answers 404 otherwise).
  if (v >= 1 && v <= 3 && rec.owner === undefined) v += 3;
  if (v === 0 || (v >= 1 && v <= 3)) {
    const { entry, served } = interaction(rec, c0, p0, live);
    const screen = v !== 0;
    const main = { ...by, permission: 'conversation:call:monitor', resource: { type: 'recording', ...served, media: screen ? 'screen' : served.media, live: true }, now };
    const [mediaRequest, metaRequest] = visibilityRequests(generated.principal, { ...served }, generated.actor).map((r) => ({ ...r, now }));
    const base = `/api/v2/conversations/${c0}/participants/${p0}/screenmonitors/sessions`;
    const [method, path, okStatus] = [
      ['POST', `/api/v2/conversations/${direct}/${c0}/participants/${p0}/monitor`, 202],
      ['POST', base, 201],
      ['GET', `${base}/${sm}`, 200],
      ['DELETE', `${base}/${sm}`, 204],
    ][v];
    const c = { ...by, method, path, okStatus, family: 'monitor', request: main, evals: [main, mediaRequest, metaRequest], bulks: [], conversation: entry };
    if (v >= 2) c.session = screenSession(sm, { source: 'u0', target: rec.owner, conversation: c0, participant: p0 });
    c.expect = ([m, media, meta]) => {
      if (m.allow) return served.live ? { status: okStatus } : { status: 403, reason: 'conversation_ended' };
      const hidden = !media.allow && !meta.allow && !session(m);
      return hidden ? { status: 404, reason: 'not_found' } : { status: 403, reason: m.reason };
    };
    return c;
  }
  if (v <= 6) {
    const base = `/api/v2/users/${agentUser}/screenmonitors/sessions`;
    const [method, path, okStatus] = [['POST', base, 201], ['GET', `${base}/${sm}`, 200], ['DELETE', `${base}/${sm}`, 204]][v - 4];
    const main = agentRequest(policy, by, agentUser, now);
    const c = { ...by, method, path, okStatus, family: 'monitor', request: main, evals: [main], bulks: [] };
    if (v >= 5) c.session = screenSession(sm, { source: 'u0', target: agentUser });
    c.expect = ([d]) => {
      const refused = agentAnswer(policy, agentUser, d);
      return refused ? { status: 403, reason: refused } : { status: okStatus };
    };
    return c;
  }
  // The screen-monitoring details of the users a body names: one refusal refuses all.
  const ids = [...new Set([agentUser, ...(rec.participants ?? [])])].slice(0, 1 + (tagHash(`${tag}/n`) % 3));
  const evals = ids.map((u) => agentRequest(policy, by, u, now));
  const c = { ...by, method: 'POST', path: '/api/v2/screenmonitors/sessions/users/details', body: ids, okStatus: 200, family: 'monitor', request: evals[0], evals, bulks: [] };
  c.expect = (ds) => {
    const refusedAsSuch = ds.find(session);
    if (refusedAsSuch) return { status: 403, reason: refusedAsSuch.reason };
    for (const [i, d] of ds.entries()) {
      const refused = agentAnswer(policy, ids[i], d);
      if (refused) return { status: 403, reason: refused };
    }
    return { status: 200 };
  };
  return c;
}

/**
 * The figures over every recording of a kind, for one principal (actor
 * optional): the screen sessions' count (unrestricted screen-recording
 * view) and the screen-monitoring sessions' count (unrestricted monitoring
 * of every live screen) — both the core's bulk check, nothing else.
 */
export function countCases(by, now) {
  const figure = (path, bulk) => ({
    ...by, method: 'GET', path, okStatus: 200, family: 'count', request: null, evals: [], bulks: [{ ...by, ...bulk, now }],
    expect: (_, [b]) => (b.allow ? { status: 200 } : { status: 403, reason: b.reason }),
  });
  return [
    figure('/api/v2/recordings/screensessions/details', { action: 'view', calls: false, screens: true, sensitive: false }),
    figure('/api/v2/screenmonitors/sessions/details', { action: 'monitor', calls: false, screens: true, sensitive: true }),
  ];
}

// ---- Siblings: a second route asking the same questions as a main-draw case ----

/**
 * Routes that ask the same core questions as a case of lib/generated.mjs,
 * sent beside it: an annotation's view beside the recording's annotation
 * list (404 when the recording is hidden, else the annotation shown exactly
 * when it may be viewed), a recording's metadata view beside the deletion
 * protection query on its conversation (403 naming it when refused).
 */
export function siblingsOf(c) {
  const out = [];
  if (c.annotation && c.method === 'GET') {
    out.push({
      method: 'GET', path: c.path.replace(/\/[^/]+$/, ''), principal: c.principal, actor: c.actor,
      expect: (m, media, meta) => {
        const hidden = !media.allow && !meta.allow && !session(m);
        if (hidden) return { status: 404, reason: 'not_found' };
        if (!media.allow && !meta.allow) return { status: 403, reason: m.reason };
        return { status: 200, ids: m.allow ? [c.annotation.id] : [] };
      },
    });
  }
  if (c.kind === 'metadata') {
    out.push({
      method: 'POST', path: '/api/v2/recordings/deletionprotection', body: { conversationIds: [c.recording.conversationId] }, principal: c.principal, actor: c.actor,
      expect: (m, media, meta) => {
        if (m.allow) return { status: 200 };
        const hidden = !media.allow && !meta.allow && !session(m);
        return { status: 403, reason: hidden ? 'not_found' : m.reason };
      },
    });
  }
  return out;
}

// ---- Lists filtered entity by entity, per user ----

/** The download permission of a recording's media. */
export const downloadPerm = (r) => (r.media === 'screen' ? 'recording:screenRecording:download' : 'recording:recording:download');

/**
 * What each list keeps of one recording, from its media view, metadata view
 * and download decisions (core `Subject::keep_recording`, `keep_metadata`,
 * and the batch results' `open(…, download).allowed()`).
 */
export function keeps(media, meta, download) {
  return {
    recordings: media.allow ? 'media' : meta.allow ? 'metadata' : null,
    downloads: media.allow && download.allow ? 'media' : media.allow || meta.allow ? 'metadata' : null,
    metadata: meta.allow,
    batch: (media.allow || meta.allow) && download.allow,
  };
}

/** The screen-monitoring sessions of one list, each kept for its starter and for who may monitor its target. */
export function listSessions(g, rnd) {
  const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
  return Array.from({ length: 10 }, (_, i) => screenSession(`sml-${g}-${i}`, { source: users[rnd(6)], target: rnd(8) === 0 ? 'ghost' : users[rnd(6)] }));
}

// ---- Route names for counting ----

/** A route's name for counting: the template it matches (`:id` for parameters), and the query as given. */
export function routeTemplateKey(templates, method, path) {
  const [bare, query] = path.split('?');
  const segs = bare.split('/');
  let best = null;
  for (const t of templates) {
    const [tm, tp] = t.split(' ');
    const [tbare, tquery] = tp.split('?');
    if (tm !== method || (tquery !== undefined && tquery !== query)) continue;
    const tsegs = tbare.split('/');
    if (tsegs.length !== segs.length || !tsegs.every((s, i) => s === ':id' || s === segs[i])) continue;
    const literal = tsegs.filter((s) => s !== ':id').length + (tquery === undefined ? 0 : 1);
    if (!best || literal > best.literal) best = { literal, key: tquery === undefined && query ? `${tm} ${tbare}?${query}` : t };
  }
  return best?.key ?? null;
}
