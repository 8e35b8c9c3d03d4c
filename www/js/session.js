// Requests for a session: a user acting for themselves, or an integration
// (the actor) acting on behalf of a user (the principal).
//
// Nothing here decides anything. Every answer comes from the recgate package,
// which runs the Rust core. This module only builds the SPEC §2 requests and
// combines the package's calls for sessions that involve impersonation.
// Both the "server" (server.js, whole organisation) and the "browser"
// (app.js, principal slice) use it.

/** The recording attributes of SPEC §2. A store keeps more than these; the core reads only these. */
export const RECORDING_FIELDS = [
  'id', 'conversationId', 'media', 'direction', 'owner', 'participants', 'queue',
  'divisions', 'region', 'line', 'createdAt', 'retentionDays', 'legalHold',
  'sensitive', 'live', 'related',
];

/** A stored recording's SPEC §2 attributes only (a request rejects unknown fields). */
export function recordingAttrs(rec) {
  const out = {};
  for (const k of RECORDING_FIELDS) {
    if (rec[k] !== undefined && rec[k] !== null) out[k] = rec[k];
  }
  return out;
}

/**
 * The resource a permission is asked on. Annotation permissions are asked on
 * a bookmark of the recording: `annotation` when one is given, otherwise a
 * new public bookmark by the principal (what adding or listing bookmarks needs).
 */
export function resourceFor(permission, rec, principal, annotation) {
  if (permission.startsWith('recording:annotation:')) {
    const a = annotation ?? { id: 'new', author: principal, visibility: 'public' };
    return { type: 'annotation', id: a.id, author: a.author, visibility: a.visibility, recording: recordingAttrs(rec) };
  }
  return { type: 'recording', ...recordingAttrs(rec) };
}

/** The SPEC §2 request for `permission` on a stored recording in this session. */
export function requestFor(session, permission, rec, now, annotation) {
  const req = { principal: session.principal, permission, resource: resourceFor(permission, rec, session.principal, annotation), now };
  if (session.actor && session.actor !== session.principal) req.actor = session.actor;
  return req;
}

/** Reasons decided before any resource is looked at (SPEC §3 steps 2–3). */
const SESSION_REASONS = new Set(['unknown_principal', 'principal_disabled', 'impersonation_denied']);

/**
 * When an actor acts on behalf of a principal, SPEC §3 steps 2–3 check the
 * actor and the impersonation before anything else, and from then on the
 * principal's roles decide. This returns the core's decision when those steps
 * refuse the session (one probe request on a recording), otherwise null: the
 * principal's own answers then hold for the actor too.
 */
export function sessionBlock(gate, session, now) {
  if (!session.actor || session.actor === session.principal) return null;
  const d = gate.check({
    principal: session.principal,
    actor: session.actor,
    permission: 'recording:metadata:view',
    resource: { type: 'recording', id: 'session-probe' },
    now,
  });
  return SESSION_REASONS.has(d.reason) ? d : null;
}

/** 'media' | 'metadata' | 'hidden' for each recording, in input order. */
export function visibilityFor(gate, session, recordings, now) {
  if (sessionBlock(gate, session, now)) return recordings.map(() => 'hidden');
  return gate.visibility(session.principal, recordings, now);
}

/** The recordings this session may see (media or metadata), in input order. */
export function visibleFor(gate, session, recordings, now) {
  if (sessionBlock(gate, session, now)) return [];
  return gate.visible(session.principal, recordings, now);
}

/** Every player control's state for this session on one recording. */
export function controlsFor(gate, session, rec, now) {
  const controls = gate.controls(session.principal, rec, now);
  const block = sessionBlock(gate, session, now);
  if (!block) return controls;
  const out = {};
  for (const [name, c] of Object.entries(controls)) {
    out[name] = { allowed: false, reason: block.reason, permission: c.permission, obligations: [] };
  }
  return out;
}

/** A stable key for a session (used in URLs and the user switcher). */
export function sessionKey(session) {
  return session.actor && session.actor !== session.principal ? `${session.actor}>${session.principal}` : session.principal;
}

/** Reads a session key back. */
export function parseSessionKey(key) {
  const i = key.indexOf('>');
  return i < 0 ? { principal: key, actor: null } : { actor: key.slice(0, i), principal: key.slice(i + 1) };
}
