// What every consumer app asks the package, whatever bundled it: the same
// questions on the sample organisation (examples/acme.json), answered with
// each user's slice as a browser would hold it. The harness
// (tests/consumers/run.mjs) writes the questions, serves the slices the CLI
// made, and checks every answer against `recgate eval`.
//
// `api` is the package's namespace as the app imported it; `spec` is
// scenario.json; `slices` maps each user to their slice's JSON text.

/** The answers of one app: plain JSON, compared by the harness. */
export function run(api, spec, slices) {
  const { Gate, PolicyError } = api;
  const out = { decisions: {}, can: {}, why: {}, visible: {}, controls: {}, hashes: {}, errors: [] };
  for (const user of spec.users) {
    const gate = Gate.fromPolicy(slices[user]);
    out.hashes[user] = { revisionHash: gate.revisionHash, sourceHash: gate.sourceHash ?? null };
    out.decisions[user] = spec.requests[user].map((r) => {
      const { decisionId, ...rest } = gate.check(r);
      if (!/^[0-9a-f]{32}$/.test(decisionId)) out.errors.push(`${user}: decision id ${decisionId}`);
      return rest;
    });
    out.can[user] = spec.requests[user].map((r) => gate.can(r.principal, r.permission, r.resource, r.now));
    out.why[user] = spec.requests[user].map((r) => {
      const w = gate.why(r.principal, r.permission, r.resource, r.now);
      return { allowed: w.allowed, reason: w.reason, words: w.words };
    });
    out.visible[user] = gate.visible(user, spec.rows, spec.now).map((r) => r.id);
    const prepared = gate.prepare(spec.rows);
    const again = gate.visible(user, prepared, spec.now).map((r) => r.id);
    if (JSON.stringify(again) !== JSON.stringify(out.visible[user])) out.errors.push(`${user}: a prepared set decided otherwise`);
    prepared.free();
    out.controls[user] = Object.fromEntries(spec.rows.map((row) => [row.id, gate.controls(user, row, spec.now)]));
    gate.free();
    try {
      gate.check(spec.requests[user][0]);
      out.errors.push(`${user}: a freed gate still answered`);
    } catch (e) {
      if (!/this Gate was freed/.test(String(e?.message))) out.errors.push(`${user}: a freed gate said ${e?.message}`);
    }
  }
  try {
    Gate.fromPolicy('{"schema":"recgate/v1"}');
    out.errors.push('an invalid policy loaded');
  } catch (e) {
    out.policyError = e instanceof PolicyError ? e.errors.map((x) => x.path) : `not a PolicyError: ${e}`;
  }
  return out;
}
