// The demo edge (scripts/demo-edge.mjs: real Envoy with the recgate filter
// in front of the demo recordings API), as the page and the API console
// reach it: through the edge's dev helper on 127.0.0.1, which signs a test
// token for the chosen user and sends the request through Envoy exactly as
// given. `?edge=http://127.0.0.1:PORT` on the page's URL names another
// helper (the e2e tests start their own edge).

export const HELPER = new URLSearchParams(location.search).get('edge') ?? 'http://127.0.0.1:10001';

/**
 * Sends `{sub, method, path, headers, body, ageSeconds}` through the edge;
 * resolves to `{status, headers, body}` (the body as text), rejects when the
 * edge is not running.
 */
export async function callEdge(request) {
  const r = await fetch(`${HELPER}/dev/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const out = await r.json();
  if (out.error) throw new Error(out.error);
  return out;
}

/** The edge's refusal reason in a response body, or null (an API body). */
export function edgeReason(body) {
  try {
    return JSON.parse(body).reason ?? null;
  } catch {
    return null;
  }
}

/**
 * The Genesys Cloud API's monitor endpoint for a live recording's
 * conversation (ConversationsApi: calls, or messages for a messaging
 * conversation), on the agent's participant; null when the row names none.
 */
export function monitorPath(rec) {
  const participant = rec.details?.monitor?.participantId;
  if (!rec.conversationId || !participant) return null;
  const kind = rec.media === 'messaging' ? 'messages' : 'calls';
  return `/api/v2/conversations/${kind}/${encodeURIComponent(rec.conversationId)}/participants/${encodeURIComponent(participant)}/monitor`;
}

/** The edge request for `session`: signed as the actor, for the principal when they differ. */
export function asSession(session, request) {
  const headers = { ...(request.headers ?? {}) };
  if (session.actor && session.actor !== session.principal) headers['gen-usersubject'] = session.principal;
  return { ...request, sub: session.actor ?? session.principal, headers };
}
