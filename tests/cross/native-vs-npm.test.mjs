// Differential test: ≥ 10,000 generated requests over 100 random valid
// policies (every scope kind, divisions, when, denies, prerequisites, regions,
// BPO flags, service accounts, impersonation, retention, legal hold, sensitive
// data, annotations), decided natively (recgate-corpus, the Rust core) and by
// the npm package in Node. Decisions must be identical, decisionId aside.
// A disagreement is shrunk and written as a ready-to-commit vector file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Gate, repoRoot } from '../../wasm-web/testing/helpers.js';
import { shrink } from './shrink.mjs';

const POLICIES = Number(process.env.CROSS_POLICIES ?? 100);
const PER_POLICY = Number(process.env.CROSS_REQUESTS ?? 100);
const SEED = Number(process.env.CROSS_SEED ?? 2026);

const corpus = join(repoRoot, 'target', 'release', 'recgate-corpus');
const cli = join(repoRoot, 'target', 'release', 'recgate');

function comparable(d) {
  const { decisionId, ...rest } = d;
  return rest;
}

/** Decides one request natively with the CLI (used while shrinking). */
function nativeDecide(policy, request) {
  const dir = join(repoRoot, 'test-output', 'cross');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'shrink-policy.json');
  writeFileSync(file, JSON.stringify(policy));
  const out = execFileSync(cli, ['eval', '--policy', file], { input: JSON.stringify(request) + '\n' });
  return comparable(JSON.parse(out.toString()));
}

function wasmDecide(policy, request) {
  return comparable(Gate.fromPolicy(policy).check(request));
}

test(`native and npm decide ${POLICIES * PER_POLICY} generated requests identically`, () => {
  const lines = execFileSync(corpus, [String(POLICIES), String(PER_POLICY), String(SEED)], { maxBuffer: 1 << 30 })
    .toString()
    .split('\n')
    .filter(Boolean);
  let policy = null;
  let gate = null;
  let decided = 0;
  const reasons = new Map();
  const failures = [];
  for (const line of lines) {
    const item = JSON.parse(line);
    if (item.policy) {
      policy = item.policy;
      gate = Gate.fromPolicy(policy);
      continue;
    }
    const got = comparable(gate.check(item.request));
    decided += 1;
    reasons.set(got.reason, (reasons.get(got.reason) ?? 0) + 1);
    try {
      assert.deepEqual(got, item.decision);
    } catch {
      failures.push({ policy, request: item.request, native: item.decision, wasm: got });
    }
  }
  assert.ok(decided >= POLICIES * PER_POLICY, `only ${decided} requests decided`);
  // The corpus must exercise most outcomes, or agreement proves little.
  assert.ok(reasons.size >= 12, `only ${reasons.size} distinct reasons: ${[...reasons.keys()]}`);
  console.log(`decided ${decided} requests, ${reasons.size} distinct reasons:`, Object.fromEntries(reasons));
  if (failures.length > 0) {
    const dir = join(repoRoot, 'test-output', 'cross');
    mkdirSync(dir, { recursive: true });
    failures.slice(0, 5).forEach((f, i) => {
      const small = shrink(f.policy, f.request, (p, r) => {
        try {
          return JSON.stringify(nativeDecide(p, r)) !== JSON.stringify(wasmDecide(p, r));
        } catch {
          return false;
        }
      });
      const native = nativeDecide(small.policy, small.request);
      const vector = {
        policy: small.policy,
        cases: [{ name: `native and npm disagree (shrunk from generated case ${i})`, request: small.request,
          expect: { allow: native.allow, reason: native.reason, obligations: native.obligations } }],
      };
      const file = join(dir, `disagreement-${i}.json`);
      writeFileSync(file, JSON.stringify(vector, null, 1));
      console.log(`written ${file}`);
    });
  }
  assert.equal(failures.length, 0, `${failures.length} disagreements; first: ${JSON.stringify(failures[0]?.request)}`);
});
