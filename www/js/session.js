// Sessions and the requests they make: a user acting for themselves, or an
// integration (the actor) acting on behalf of a user (the principal).
//
// Nothing here decides anything. The recgate package takes a session as it
// is — `{ principal, actor }` — on every decision (check, can, controls,
// visible, visibility, refusal) and runs the Rust core; this module only
// writes the SPEC §2 requests the page and its server ask. Both the "server"
// (server.js, whole organisation) and the "browser" (app.js, principal
// slice) use it.

/** The SPEC §2 request for `permission` on `resource` in this session. */
export function requestFor(session, permission, resource, now) {
  const req = { principal: session.principal, permission, resource, now };
  if (session.actor && session.actor !== session.principal) req.actor = session.actor;
  return req;
}

/**
 * A stored recording as a request's resource. The store's rows carry more
 * than recgate reads (titles, media details): the core ignores those.
 */
export function recordingResource(rec) {
  return { type: 'recording', ...rec };
}

/** A bookmark on a stored recording as a request's resource. */
export function bookmarkResource(rec, bookmark) {
  return { type: 'annotation', ...bookmark, recording: rec };
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
