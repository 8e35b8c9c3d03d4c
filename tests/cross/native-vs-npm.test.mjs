// Differential test: ≥ 10,000 generated requests over 100 random valid
// policies (every scope kind, divisions, when, denies, prerequisites, regions,
// BPO flags, service accounts, impersonation, retention, legal hold, sensitive
// data, annotations), decided natively (recgate-corpus, the Rust core) and by
// the npm package in Node. Decisions must be identical, decisionId aside.
// The requests are aimed at each policy's own principals and resources
// (tests/src/traffic.rs) with a controlled share of malformed ones, and the
// test fails when the mix falls short of the floors in ./mix.mjs (share of
// allows and of invalid requests, every core reason code, both obligations,
// impersonation): agreement on garbage would prove little.
// Every request is also decided on its principal's and its actor's slice
// (SPEC §5), natively and by the package, and must agree with the full policy.
// A disagreement is shrunk and written as a ready-to-commit vector file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { Gate, repoRoot } from '../../wasm-web/testing/helpers.js';
import { shrink } from './shrink.mjs';
import { CROSS_FLOORS, Histogram, sliceAgrees } from './mix.mjs';

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

test(`native and npm decide ${POLICIES * PER_POLICY} generated requests identically, on the whole policy and on slices`, () => {
  const lines = execFileSync(corpus, [String(POLICIES), String(PER_POLICY), String(SEED)], { maxBuffer: 1 << 30 })
    .toString()
    .split('\n')
    .filter(Boolean);
  let policy = null;
  let gate = null;
  let sliceGates = new Map();
  const histogram = new Histogram();
  let slicesChecked = 0;
  const failures = [];
  const sliceFailures = [];
  const sliceGate = (user) => {
    if (!sliceGates.has(user)) sliceGates.set(user, Gate.fromPolicy(gate.slice(user)));
    return sliceGates.get(user);
  };
  for (const line of lines) {
    const item = JSON.parse(line);
    if (item.policy) {
      policy = item.policy;
      gate = Gate.fromPolicy(policy);
      sliceGates = new Map();
      continue;
    }
    const got = comparable(gate.check(item.request));
    histogram.add(item.request, got);
    try {
      assert.deepEqual(got, item.decision);
    } catch {
      failures.push({ policy, request: item.request, native: item.decision, wasm: got });
    }
    // Every user the request names (principal, actor) has a slice decision.
    for (const who of [item.request?.principal, item.request?.actor]) {
      if (typeof who === 'string' && Object.hasOwn(policy.users ?? {}, who) && !Object.hasOwn(item.slices ?? {}, who)) {
        sliceFailures.push({ user: who, request: item.request, missing: 'no slice decision' });
      }
    }
    for (const [user, native] of Object.entries(item.slices ?? {})) {
      slicesChecked += 1;
      const wasm = comparable(sliceGate(user).check(item.request));
      if (!sliceAgrees(item.decision, native) || !isDeepStrictEqual(wasm, native)) {
        sliceFailures.push({ user, request: item.request, full: item.decision, nativeSlice: native, wasmSlice: wasm });
      }
    }
  }
  console.log(`decided ${histogram.total} requests (${slicesChecked} also on a slice):`, JSON.stringify(histogram));
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
  assert.equal(sliceFailures.length, 0, `${sliceFailures.length} slice disagreements; first: ${JSON.stringify(sliceFailures[0])}`);
  const short = histogram.shortfalls(CROSS_FLOORS);
  assert.deepEqual(short, [], `the generated mix falls short of issue #18's floors: ${short.join('; ')}`);
});
