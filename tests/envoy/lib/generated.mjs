// Maps a generated core request (tests/src/gen.rs) onto the HTTP request the
// filter's default route table decides the same way, or null when no route
// asks that question. Each mapped request gets its own recording and
// annotation ids, so the filter's attribute cache never answers for another.

export const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];

const CONVERSATION = '/api/v2/conversations/c-gen/recordings';
const SCREEN = (r) => r.media === 'screen';
const mediaView = (r) => (SCREEN(r) ? 'recording:screenRecording:view' : 'recording:recording:view');

/** Viewing a recording as `principal` (actor optional): media, then metadata — what visibility decides. */
export function visibilityRequests(principal, recording, actor) {
  const resource = { ...recording, type: 'recording' };
  const who = actor === undefined ? { principal } : { principal, actor };
  return [
    { ...who, permission: mediaView(recording), resource },
    { ...who, permission: 'recording:metadata:view', resource },
  ];
}

const RECORDING_ROUTES = {
  'recording:recording:view': (r) => (SCREEN(r) ? null : { method: 'GET', kind: 'view' }),
  'recording:screenRecording:view': (r) => (SCREEN(r) ? { method: 'GET', kind: 'view' } : null),
  'recording:recording:delete': (r) => (SCREEN(r) ? null : { method: 'DELETE', okStatus: 204 }),
  // The screen-recording delete endpoint decides screenRecording:delete whatever the media.
  'recording:screenRecording:delete': () => ({ method: 'DELETE', okStatus: 204, screenEndpoint: true }),
  'recording:recording:editRetention': () => ({ method: 'PUT', okStatus: 200 }),
};

const ANNOTATION_METHODS = {
  'recording:annotation:view': { method: 'GET', okStatus: 200 },
  'recording:annotation:edit': { method: 'PUT', okStatus: 200 },
  'recording:annotation:delete': { method: 'DELETE', okStatus: 204 },
};

/** The HTTP form of a generated request, or null. `tag` makes its ids unique. */
export function routeFor(generated, tag) {
  const { principal, actor, permission, resource } = generated;
  const who = { principal, actor };
  const visibility = (rec) => visibilityRequests(principal, rec, actor);
  if (resource.type === 'recording') {
    const shape = RECORDING_ROUTES[permission]?.(resource);
    if (!shape) return null;
    const { type, ...attrs } = resource;
    const recording = { ...attrs, id: `rec-${tag}` };
    const request = { ...generated, resource: { ...recording, type: 'recording' } };
    const path = shape.screenEndpoint ? `/api/v2/screenrecordings/${recording.id}` : `${CONVERSATION}/${recording.id}`;
    const [mediaRequest, metaRequest] = visibility(recording);
    return { ...who, ...shape, hideable: true, path, request, mediaRequest, metaRequest, recording };
  }
  if (resource.type === 'annotation') {
    const shape = ANNOTATION_METHODS[permission];
    if (!shape) return null;
    const recording = { ...resource.recording, id: `rec-${tag}` };
    const annotationResource = { ...resource, id: `ann-${tag}`, recording };
    const annotation = { id: annotationResource.id, visibility: resource.visibility, recordingId: recording.id };
    if (resource.author !== undefined) annotation.author = resource.author;
    const request = { ...generated, resource: annotationResource };
    const path = `${CONVERSATION}/${recording.id}/annotations/${annotationResource.id}`;
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

// ---- Driving the generator for a route list, and per-route floors (issue #18) ----

/** The core permissions today's routes decide (recordings, annotations, queues, users). */
export const ROUTED_PERMISSIONS = [
  ...Object.keys(RECORDING_ROUTES), ...Object.keys(ANNOTATION_METHODS), 'routing:queue:view', 'directory:user:view',
];

/**
 * Generated requests for `permissions` only (`recgate-corpus --only`: aimed at
 * each policy's own principals and resources, a share perturbed or
 * impersonating, none malformed), grouped by policy: `[{ policy, requests }]`. Any route list
 * can drive it: pass the permissions its routes decide.
 */
export function generatedCorpus(execFileSync, corpusBin, { policies, perPolicy, seed, permissions = ROUTED_PERMISSIONS }) {
  // Well-formed only: the edge builds its own core request from the HTTP one;
  // malformed HTTP is the hostile suite's.
  const args = [String(policies), String(perPolicy), String(seed), '--only', permissions.join(','), '--well-formed'];
  const lines = execFileSync(corpusBin, args, { maxBuffer: 1 << 30 })
    .toString().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const groups = [];
  for (const item of lines) {
    if (item.policy) groups.push({ policy: item.policy, requests: [] });
    else groups.at(-1)?.requests.push(item.request);
  }
  return groups;
}

/** A route's name for counting: the method and the path with its ids as `:id`. */
export function routeKey(method, path) {
  const template = path.split('/').map((s) => (/^(rec|ann|c-gen|q|u|ghost)([-0-9]|$)/.test(s) ? ':id' : s)).join('/');
  return `${method} ${template}`;
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
