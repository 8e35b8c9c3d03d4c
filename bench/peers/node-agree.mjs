#!/usr/bin/env node
// A small check of bench/peers-node/engines/cedar.mjs without the whole Node harness: for each
// ORG_DIR, load the engine, decide every line of ORG_DIR/requests.jsonl and count agreement with
// recgate's `allow`, then time check() over the sample (interleaved rounds, min and median).
//   node bench/peers/node-agree.mjs ORG_DIR... [--rounds N]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import engine from '../peers-node/engines/cedar.mjs';

const args = process.argv.slice(2);
const r = args.indexOf('--rounds');
const rounds = r >= 0 ? Math.max(5, Number(args[r + 1])) : 5;
const dirs = args.filter((a, i) => !a.startsWith('--') && (r < 0 || i !== r + 1));
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

for (const dir of dirs) {
  const t0 = performance.now();
  const state = await engine.load(dir);
  const loadMs = performance.now() - t0;
  const lines = readFileSync(join(dir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  let agree = 0;
  let allows = 0;
  for (const l of lines) {
    allows += l.allow ? 1 : 0;
    let got;
    try { got = engine.check(state, l.request); } catch (e) { got = `error: ${e.message}`; }
    if (got === l.allow) agree++;
    else console.error(`  disagree: recgate ${l.allow} (${l.reason}), cedar ${got}: ${JSON.stringify(l.request)}`);
  }
  console.log(`${dir}: ${engine.name}: agree ${agree}/${lines.length} (${allows} allows); first load ${loadMs.toFixed(0)} ms`);
  const sample = lines.slice(0, 300).map((l) => l.request);
  const per = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    for (const q of sample) engine.check(state, q);
    per.push(((performance.now() - t) * 1000) / sample.length);
  }
  console.log(`  check(): median ${median(per).toFixed(0)} µs, min ${Math.min(...per).toFixed(0)} µs per decision (${sample.length} requests x ${rounds} rounds)`);
}
