#!/usr/bin/env node
// check() and can() of two or more builds of the npm package, paired round by
// round in one process (not part of the tests). On a noisy shared machine a
// before/after difference of a few percent only shows as a per-round ratio:
// every round times each build in turn over the same requests (every other
// round in the reverse order), and the
// ratios to the first build are summarised with how many rounds were faster.
//
//   target/release/recgate-org /tmp/org 10000 500 100000 20000
//   node wasm-web/bench/check-pair.mjs --org /tmp/org [--rounds 40] BEFORE_DIR AFTER_DIR ...
//
// Each DIR is a built copy of wasm-web/ (js/ and pkg-web/). Every build's
// decisions are checked against those recgate-org wrote before anything is timed.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { takeOption } from './args.mjs';

const args = process.argv.slice(2);
const orgDir = takeOption(args, '--org', '/tmp/recgate-org');
const rounds = Number(takeOption(args, '--rounds', 40));
const dirs = args.map((d) => resolve(d));
if (dirs.length < 2) throw new Error('usage: check-pair.mjs --org DIR [--rounds N] BEFORE_DIR AFTER_DIR ...');

const policy = readFileSync(join(orgDir, 'policy.json'), 'utf8');
const samples = readFileSync(join(orgDir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const requests = samples.map((s) => s.request);

const gates = [];
for (const dir of dirs) {
  const mod = await import(pathToFileURL(join(dir, 'js', 'index.js')).href);
  mod.initSync(readFileSync(join(dir, 'pkg-web', 'recgate_web_bg.wasm')));
  const gate = mod.Gate.fromPolicy(policy);
  const wrong = samples.filter((s) => {
    const d = gate.check(s.request);
    return d.allow !== s.allow || d.reason !== s.reason;
  }).length;
  if (wrong) throw new Error(`${dir}: ${wrong} check() decisions differ from recgate-org's`);
  gates.push(gate);
}

const times = dirs.map(() => ({ check: [], can: [] }));
for (let r = 0; r < rounds; r++) {
  // Every other round in the reverse order: no build always comes first.
  const order = gates.map((_, i) => (r % 2 === 0 ? i : gates.length - 1 - i));
  order.forEach((i) => {
    const gate = gates[i];
    let n = 0;
    let t = performance.now();
    for (const q of requests) n += gate.check(q).allow ? 1 : 0;
    times[i].check.push(((performance.now() - t) * 1000) / requests.length);
    t = performance.now();
    for (const q of requests) n += gate.can(q.principal, q.permission, q.resource, q.now) ? 1 : 0;
    times[i].can.push(((performance.now() - t) * 1000) / requests.length);
    if (n < 0) throw new Error('unreachable');
  });
}

const at = (xs, f) => [...xs].sort((a, b) => a - b)[Math.floor(f * (xs.length - 1))];
console.log(`check() and can() over ${requests.length} requests, ${rounds} rounds, µs per call (min / p25 / median)`);
dirs.forEach((dir, i) => {
  const row = (xs) => [0, 0.25, 0.5].map((f) => at(xs, f).toFixed(3)).join(' / ');
  console.log(`${dir}\n  check() ${row(times[i].check)}   can() ${row(times[i].can)}`);
});
for (let i = 1; i < dirs.length; i++) {
  for (const m of ['check', 'can']) {
    const ratios = times[i][m].map((x, k) => x / times[0][m][k]);
    console.log(`${dirs[i]} / ${dirs[0]}: ${m}() median ×${at(ratios, 0.5).toFixed(3)}, faster in ${ratios.filter((x) => x < 1).length} of ${rounds} rounds`);
  }
}
