// Maps a generated core request (tests/src/gen.rs) onto the real Genesys
// Cloud API request the filter's default route table decides the same way,
// or null when no route asks that question. Each mapped request gets its own
// conversation, recording and annotation ids, so the filter's attribute
// cache never answers for another.

export const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];

const SCREEN = (r) => r.media === 'screen';
const mediaView = (r) => (SCREEN(r) ? 'recording:screenRecording:view' : 'recording:recording:view');
const LATER = '2030-01-01T00:00:00Z';

/** Viewing a recording as `principal` (actor optional): media, then metadata — what visibility decides. */
export function visibilityRequests(principal, recording, actor) {
  const resource = { ...recording, type: 'recording' };
  const who = actor === undefined ? { principal } : { principal, actor };
  return [
    { ...who, permission: mediaView(recording), resource },
    { ...who, permission: 'recording:metadata:view', resource },
  ];
}

/** The reasons that refuse the principal itself: told as such, never hidden as "not found". */
export const SESSION_REASONS = ['unknown_principal', 'principal_disabled', 'impersonation_denied'];

const recordingPath = (c, id) => `/api/v2/conversations/${c}/recordings/${id}`;

/** Routes for a permission on a recording: [method, path suffix or query, body, kind, ok status]. */
const RECORDING_ROUTES = {
  'recording:recording:view': (r) => (SCREEN(r) ? null : { method: 'GET', kind: 'view' }),
  'recording:screenRecording:view': (r) => (SCREEN(r) ? { method: 'GET', kind: 'view' } : null),
  'recording:recording:download': (r) => (SCREEN(r) ? null : { method: 'GET', query: '?download=true', kind: 'download' }),
  // Screen downloads go through the batch endpoint: one item, refused as a whole when refused.
  'recording:screenRecording:download': (r) => (SCREEN(r) ? { method: 'POST', batch: true, okStatus: 202 } : null),
  'recording:metadata:view': () => ({ method: 'GET', metadata: true, kind: 'metadata' }),
  // The API deletes by a deleteDate: the media's delete permission.
  'recording:recording:delete': (r) => (SCREEN(r) ? null : { method: 'PUT', body: { deleteDate: LATER }, okStatus: 200 }),
  'recording:screenRecording:delete': (r) => (SCREEN(r) ? { method: 'PUT', body: { deleteDate: LATER }, okStatus: 200 } : null),
  'recording:recording:editRetention': () => ({ method: 'PUT', body: { archiveDate: LATER }, okStatus: 200 }),
  'recording:deletionProtection:apply': () => ({ method: 'PUT', protection: 'true', okStatus: 200 }),
  'recording:deletionProtection:revoke': () => ({ method: 'PUT', protection: 'false', okStatus: 200 }),
};

const ANNOTATION_METHODS = {
  'recording:annotation:view': { method: 'GET', okStatus: 200 },
  'recording:annotation:edit': { method: 'PUT', okStatus: 200, body: { name: 'edited' } },
  'recording:annotation:delete': { method: 'DELETE', okStatus: 204 },
};

/** The HTTP form of a generated request, or null. `tag` makes its ids unique. */
export function routeFor(generated, tag) {
  const { principal, actor, permission, resource } = generated;
  const who = { principal, actor };
  const visibility = (rec) => visibilityRequests(principal, rec, actor);
  const conversation = `c-${tag}`;
  if (resource.type === 'recording') {
    const shape = RECORDING_ROUTES[permission]?.(resource);
    if (!shape) return null;
    const { type, ...attrs } = resource;
    const recording = { ...attrs, id: `rec-${tag}`, conversationId: conversation };
    const request = { ...generated, resource: { ...recording, type: 'recording' } };
    let path = shape.metadata ? `/api/v2/conversations/${conversation}/recordingmetadata/${recording.id}` : recordingPath(conversation, recording.id) + (shape.query ?? '');
    let body = shape.body;
    if (shape.protection) {
      path = `/api/v2/recordings/deletionprotection?protect=${shape.protection}`;
      body = { conversationIds: [conversation] };
    }
    if (shape.batch) {
      path = '/api/v2/recording/batchrequests';
      body = { batchDownloadRequestList: [{ conversationId: conversation, recordingId: recording.id }] };
    }
    const [mediaRequest, metaRequest] = visibility(recording);
    return { ...who, ...shape, body, hideable: true, path, request, mediaRequest, metaRequest, recording };
  }
  if (resource.type === 'annotation' && permission === 'recording:annotation:add') {
    // Adding is decided on the annotation the principal would create: public, theirs.
    const recording = { ...resource.recording, id: `rec-${tag}`, conversationId: conversation };
    const created = { type: 'annotation', id: 'new', author: principal, visibility: 'public', recording };
    const request = { ...generated, resource: created };
    const path = `${recordingPath(conversation, recording.id)}/annotations`;
    const [mediaRequest, metaRequest] = visibility(recording);
    return { ...who, method: 'POST', okStatus: 201, body: { name: 'bookmark' }, hideable: true, path, request, mediaRequest, metaRequest, recording };
  }
  if (resource.type === 'annotation') {
    const shape = ANNOTATION_METHODS[permission];
    if (!shape) return null;
    const recording = { ...resource.recording, id: `rec-${tag}`, conversationId: conversation };
    const annotationResource = { ...resource, id: `ann-${tag}`, recording };
    // The attributes service gives complete facts: the SPEC default visibility spelt out.
    const annotation = { id: annotationResource.id, visibility: resource.visibility ?? 'public', recordingId: recording.id };
    if (resource.author !== undefined) annotation.author = resource.author;
    const request = { ...generated, resource: annotationResource };
    const path = `${recordingPath(conversation, recording.id)}/annotations/${annotationResource.id}`;
    const [mediaRequest, metaRequest] = visibility(recording);
    return { ...who, ...shape, hideable: true, path, request, mediaRequest, metaRequest, recording, annotation };
  }
  const named = {
    queue: ['routing:queue:view', '/api/v2/routing/queues/'],
    user: ['directory:user:view', '/api/v2/users/'],
  }[resource.type];
  if (!named || named[0] !== permission) return null;
  return {
    ...who, method: 'GET', okStatus: 200, hideable: false, path: named[1] + resource.id,
    request: generated, mediaRequest: generated, metaRequest: generated, recording: null,
  };
}

/**
 * The status the edge must give, from the native decisions: `main` for the
 * request itself, `media`/`meta` for viewing its recording (visibility).
 */
export function expected(route, main, media, meta) {
  const hidden = !media.allow && !meta.allow && !SESSION_REASONS.includes(main.reason);
  if (route.kind === 'view') {
    if (main.allow) return { status: 200, media: true };
    if (meta.allow) return { status: 200, media: false };
    return hidden ? { status: 404, reason: 'not_found' } : { status: 403, reason: main.reason };
  }
  if (route.kind === 'download') {
    if (media.allow || meta.allow) return main.allow && media.allow ? { status: 200, media: true } : { status: 403, reason: main.reason };
    return hidden ? { status: 404, reason: 'not_found' } : { status: 403, reason: main.reason };
  }
  if (main.allow) return { status: route.okStatus ?? 200 };
  // A request naming several recordings refuses as a whole, naming each refused one.
  if (route.protection || route.batch) return { status: 403, reason: hidden ? 'not_found' : main.reason };
  if (route.hideable && hidden) return { status: 404, reason: 'not_found' };
  return { status: 403, reason: main.reason };
}

// ---- Driving the generator for a route list, and per-route floors (issue #18) ----

/** The core permissions the routes above decide (recordings, annotations, queues, users). */
export const ROUTED_PERMISSIONS = [
  ...Object.keys(RECORDING_ROUTES), ...Object.keys(ANNOTATION_METHODS), 'recording:annotation:add',
  'routing:queue:view', 'directory:user:view',
];

/**
 * Generated requests for `permissions` only (`recgate-corpus --only`: aimed at
 * each policy's own principals and resources, a share perturbed or
 * impersonating, none malformed), grouped by policy: `[{ policy, requests }]`.
 * Any route list can drive it: pass the permissions its routes decide.
 */
export function generatedCorpus(execFileSync, corpusBin, { policies, perPolicy, seed, permissions = ROUTED_PERMISSIONS, admins = false }) {
  // Well-formed only: the edge builds its own core request from the HTTP one;
  // malformed HTTP is the hostile suite's. `admins`: each policy also has
  // administrators (the organisation-level and bulk routes need them).
  const args = [String(policies), String(perPolicy), String(seed), '--only', permissions.join(','), '--well-formed'];
  if (admins) args.push('--admins');
  const lines = execFileSync(corpusBin, args, { maxBuffer: 1 << 30 })
    .toString().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const groups = [];
  for (const item of lines) {
    if (item.policy) groups.push({ policy: item.policy, requests: [] });
    else groups.at(-1)?.requests.push(item.request);
  }
  return groups;
}

/** The collections whose next path segment is an id (the fallback naming, for a path no decided route matches). */
const COLLECTIONS = new Set(['conversations', 'recordings', 'annotations', 'recordingmetadata', 'queues', 'users']);
/** Segments after a collection that are words of the API, not ids (`PUT /api/v2/recordings/deletionprotection`). */
const LITERALS = new Set(['deletionprotection']);

/** A route's name for counting: the method, the path with its ids as `:id`, and the query (a flag is a route of its own). */
export function routeKey(method, path) {
  const [bare, query] = path.split('?');
  const segments = bare.split('/');
  const template = segments.map((s, i) => (i > 0 && COLLECTIONS.has(segments[i - 1]) && !LITERALS.has(s) ? ':id' : s)).join('/');
  return `${method} ${template}${query ? `?${query}` : ''}`;
}

/**
 * Per-route floors: every decided route must answer both ways (allowed and
 * refused) at least `min` times each, lists included (a list must both show
 * and hide recordings), or agreement on it proves little.
 */
export class RouteFloors {
  constructor(min = 10) {
    this.min = min;
    this.routes = new Map();
  }

  /** One answer on a route: allowed (2xx, media or metadata) or refused (403/404). */
  add(key, allowed) {
    const r = this.routes.get(key) ?? { allowed: 0, refused: 0 };
    if (allowed) r.allowed += 1; else r.refused += 1;
    this.routes.set(key, r);
  }

  /** A list response: how many of the recordings it shows and hides. */
  addList(key, shown, hidden) {
    const r = this.routes.get(key) ?? { allowed: 0, refused: 0 };
    r.allowed += shown;
    r.refused += hidden;
    this.routes.set(key, r);
  }

  /** The shortfalls, in words; `expected` lists routes that must appear at all. */
  shortfalls(expected = []) {
    const out = [];
    for (const key of expected) if (!this.routes.has(key)) out.push(`${key}: never decided`);
    for (const [key, r] of this.routes) {
      if (r.allowed < this.min) out.push(`${key}: ${r.allowed} allowed < ${this.min}`);
      if (r.refused < this.min) out.push(`${key}: ${r.refused} refused < ${this.min}`);
    }
    return out;
  }

  toJSON() {
    return Object.fromEntries([...this.routes].sort());
  }
}
