// Greedy shrinking of a failing (policy, request) pair: repeatedly drop parts
// of the policy and of the request while the failure persists, so a
// disagreement between targets reads as a small, committable vector.

const clone = (x) => JSON.parse(JSON.stringify(x));

/** Every simplification of a policy or request, one step each. */
function* candidates(policy, request) {
  for (const [rid, role] of Object.entries(policy.roles ?? {})) {
    for (const kind of ['grants', 'denies', 'inherits']) {
      for (let i = 0; i < (role[kind] ?? []).length; i += 1) {
        const p = clone(policy);
        p.roles[rid][kind].splice(i, 1);
        yield { policy: p, request };
      }
    }
  }
  for (const [uid, user] of Object.entries(policy.users ?? {})) {
    for (let i = 0; i < (user.roles ?? []).length; i += 1) {
      const p = clone(policy);
      p.users[uid].roles.splice(i, 1);
      yield { policy: p, request };
    }
  }
  for (const [gid, group] of Object.entries(policy.groups ?? {})) {
    for (let i = 0; i < (group.members ?? []).length; i += 1) {
      const p = clone(policy);
      p.groups[gid].members.splice(i, 1);
      yield { policy: p, request };
    }
  }
  if (policy.prerequisites) {
    const p = clone(policy);
    delete p.prerequisites;
    yield { policy: p, request };
  }
  const res = request.resource ?? {};
  for (const key of Object.keys(res)) {
    if (key === 'type' || key === 'id' || key === 'recording') continue;
    const r = clone(request);
    delete r.resource[key];
    yield { policy, request: r };
  }
}

/**
 * The greedy search: yields candidates and is told (through `next`) whether
 * each still fails; returns the smallest failing pair found within `budget`.
 */
function* search(policy, request, budget) {
  let current = { policy, request };
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    for (const c of candidates(current.policy, current.request)) {
      budget -= 1;
      if (budget <= 0) break;
      if (yield c) {
        current = c;
        progress = true;
        break;
      }
    }
  }
  return current;
}

/**
 * Shrinks while `fails(policy, request)` stays true. Candidates that make the
 * policy invalid simply do not fail the same way and are skipped.
 */
export function shrink(policy, request, fails, budget = 2000) {
  const it = search(policy, request, budget);
  let step = it.next();
  while (!step.done) step = it.next(fails(step.value.policy, step.value.request));
  return step.value;
}

/** `shrink` for a `fails` that answers asynchronously (e.g. asks a real Envoy). */
export async function shrinkAsync(policy, request, fails, budget = 2000) {
  const it = search(policy, request, budget);
  let step = it.next();
  while (!step.done) step = it.next(await fails(step.value.policy, step.value.request));
  return step.value;
}
