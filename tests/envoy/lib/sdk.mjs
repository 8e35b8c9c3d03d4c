// The official SDK (purecloud-platform-client-v2) as the tests' client: an
// SDK call's outcome whether it resolved or rejected, and the edge's refusal
// as the tests check it.

import assert from 'node:assert/strict';

/** An SDK call's outcome: {status, body} whether it resolved or rejected. */
export async function outcome(promise) {
  try {
    const r = await promise;
    return { status: r.status, body: r.body };
  } catch (e) {
    return { status: e.status, body: e.body ?? e.message };
  }
}

/** A refusal by the edge: this status, this reason word, a decision id. */
export function refusedBy(r, status, reason) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.reason, reason, JSON.stringify(r.body));
  assert.match(r.body.decisionId, /^[0-9a-f]{32}$/);
}
