// The conformance vectors' recording cases (tests/vectors/*.json, then the contract's
// shared/spec/vectors/*.json) as a second fidelity check for an engine: the generated org uses
// few of the policy model's features (no crossRegion, bpo, prerequisites, inheritance, lines),
// the vectors use all of them. Only requests on recordings without impersonation are asked —
// what a recordings UI gates and what the CASL encoding covers (CASL.md).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/** Every vector with a policy and at least one recording case: { label, policy, cases }. */
export function recordingVectors(repoRoot) {
  const files = [];
  const seen = new Set();
  for (const dir of [join(repoRoot, 'tests', 'vectors'), resolve(repoRoot, '..', 'shared', 'spec', 'vectors')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      if (!seen.has(name)) files.push(join(dir, name));
      seen.add(name);
    }
  }
  const onRecording = (r) => r !== null && typeof r === 'object' && r.resource?.type === 'recording'
    && (r.actor === undefined || r.actor === r.principal);
  return files.flatMap((f) => {
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    return (Array.isArray(doc.vectors) ? doc.vectors : [doc]).map((v, i) => ({
      label: `${basename(f)}#${i}`,
      policy: v.policy,
      cases: (v.cases ?? []).filter((c) => onRecording(c.request)),
    }));
  }).filter((v) => v.policy && v.cases.length);
}

/** How many cases `engine` decides as expected; `wrong` lists the others. */
export async function agreeOnVectors(engine, vectors) {
  const scratch = mkdtempSync(join(tmpdir(), 'recgate-peers-vectors-'));
  let agree = 0;
  let total = 0;
  const wrong = [];
  try {
    for (const v of vectors) {
      const orgDir = mkdtempSync(join(scratch, 'org-'));
      writeFileSync(join(orgDir, 'policy.json'), JSON.stringify(v.policy));
      let state = null;
      let loadError = null;
      try {
        state = await engine.load(orgDir);
      } catch (e) {
        loadError = e.message;
      }
      for (const c of v.cases) {
        total++;
        let allow;
        try {
          allow = loadError === null ? engine.check(state, c.request) : `load failed: ${loadError}`;
        } catch (e) {
          allow = `error: ${e.message}`;
        }
        if (allow === c.expect.allow) agree++;
        else wrong.push(`${v.label} "${c.name}": expected ${c.expect.allow} (${c.expect.reason}), got ${allow}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { agree, total, wrong };
}
