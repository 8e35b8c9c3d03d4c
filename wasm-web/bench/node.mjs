#!/usr/bin/env node
// Node benchmark of the npm package's hot paths (not part of the tests):
// visible() over the reference org's 100,000 recordings (as written, prepared,
// and with every row its own createdAt) and check()/can() over its sample
// requests, as written by `recgate-org` (check() also as a page asks it: one
// signed-in user on their slice, over all 20,000 resources and over 2,000 of
// them asked again and again).
//
//   cargo build --release -p recgate-tests --bin recgate-org
//   target/release/recgate-org /tmp/org 10000 500 100000 20000
//   node wasm-web/bench/node.mjs --org /tmp/org [--rounds 15] [PKG_DIR ...]
//
// Each PKG_DIR is a built copy of wasm-web/ (js/ and pkg-web/); the default is
// this package. With several, every round measures each of them in turn, so
// that a before/after comparison shares the machine's load (the figures are
// ratios measured in one run). Each figure is also taken in CPU time
// (process.cpuUsage: this process's user + system time), which the other
// load of a shared machine inflates far less than wall time; both are
// printed. Decisions are checked before anything is
// timed: every check() must agree with the decision recgate-org wrote, and
// the slice and the whole policy must agree on visibility.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { takeOption } from './args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const orgDir = takeOption(args, '--org', '/tmp/recgate-org');
const rounds = Number(takeOption(args, '--rounds', 15));
const warmup = 3;
const pkgs = (args.length ? args : [resolve(here, '..')]).map((p) => resolve(p));
const NOW = '2026-11-22T12:00:00Z';
const PRINCIPALS = ['user-17', 'user-1'];

const policyText = readFileSync(join(orgDir, 'policy.json'), 'utf8');
const recordings = JSON.parse(readFileSync(join(orgDir, 'recordings.json'), 'utf8'));
const samples = readFileSync(join(orgDir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const requests = samples.map((s) => s.request);
// check() as a page asks it (bench.js does the same in Chromium): the signed-in
// user-1 asking about the same resources, on their own slice.
const PAGE_USER = 'user-1';
const pageRequests = requests.map((q) => ({ ...q, principal: PAGE_USER }));
// A page asks about the rows it shows, again at every render: the first
// 2,000 of those requests asked ten times over, so that they stay in the
// caches, as a page's few hundred rows and their controls do. The 20,000
// distinct requests above measure the same calls with cold objects.
const PAGE_AGAIN_ROUNDS = 10;
const pageAgain = pageRequests.slice(0, 2000);
// Real lists rarely share timestamps: the same rows with every row its own
// createdAt (as bench.js makes them for Chromium), parsed like any list.
const ownTimes = JSON.parse(JSON.stringify(recordings.map((r, i) => ({
  ...r, createdAt: new Date(Date.parse(r.createdAt) + (i % 86_400) * 1000).toISOString(),
}))));

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
}

async function load(dir) {
  const mod = await import(pathToFileURL(join(dir, 'js', 'index.js')).href);
  mod.initSync(readFileSync(join(dir, 'pkg-web', 'recgate_web_bg.wasm')));
  const full = mod.Gate.fromPolicy(policyText);
  const slices = PRINCIPALS.map((p) => mod.Gate.fromPolicy(JSON.stringify(full.slice(p))));
  // Correctness first: every sample decision as recgate-org wrote it.
  let wrong = 0;
  for (const s of samples) {
    const d = full.check(s.request);
    if (d.allow !== s.allow || d.reason !== s.reason) wrong++;
  }
  if (wrong) throw new Error(`${dir}: ${wrong} check() decisions differ from recgate-org's`);
  const pageSlice = slices[PRINCIPALS.indexOf(PAGE_USER)];
  for (const q of pageRequests) {
    const a = pageSlice.check(q);
    const b = full.check(q);
    if (a.allow !== b.allow || a.reason !== b.reason) throw new Error(`${dir}: slice and whole policy disagree on ${JSON.stringify(q)}`);
  }
  const counts = PRINCIPALS.map((p, i) => {
    const a = slices[i].visible(p, recordings, NOW).length;
    const b = full.visible(p, recordings, NOW).length;
    if (a !== b) throw new Error(`${dir}: ${p} sees ${a} rows with the slice, ${b} with the whole policy`);
    return a;
  });
  return { dir, mod, full, slices, pageSlice, counts, sets: PRINCIPALS.map((_, i) => slices[i].prepare(recordings)), t: {}, cpu: {} };
}

const loaded = [];
for (const dir of pkgs) loaded.push(await load(dir));

const measures = [];
PRINCIPALS.forEach((p, i) => {
  measures.push([`visible(${p}, array) ms`, (l) => l.slices[i].visible(p, recordings, NOW).length, 1]);
  measures.push([`visible(${p}, prepared) ms`, (l) => l.slices[i].visible(p, l.sets[i], NOW).length, 1]);
  measures.push([`visible(${p}, own times) ms`, (l) => l.slices[i].visible(p, ownTimes, NOW).length, 1]);
});
measures.push(['check() µs/call', (l) => {
  let n = 0;
  for (const q of requests) n += l.full.check(q).allow ? 1 : 0;
  return n;
}, 1000 / requests.length]);
measures.push([`check() on ${PAGE_USER}'s slice µs/call`, (l) => {
  let n = 0;
  for (const q of pageRequests) n += l.pageSlice.check(q).allow ? 1 : 0;
  return n;
}, 1000 / pageRequests.length]);
measures.push([`check() on ${PAGE_USER}'s slice, ${pageAgain.length} again µs/call`, (l) => {
  let n = 0;
  for (let k = 0; k < PAGE_AGAIN_ROUNDS; k++) for (const q of pageAgain) n += l.pageSlice.check(q).allow ? 1 : 0;
  return n;
}, 1000 / (PAGE_AGAIN_ROUNDS * pageAgain.length)]);
measures.push(['can() µs/call', (l) => {
  let n = 0;
  for (const q of requests) n += l.full.can(q.principal, q.permission, q.resource, q.now) ? 1 : 0;
  return n;
}, 1000 / requests.length]);

for (const l of loaded) for (const [, f] of measures) for (let k = 0; k < warmup; k++) f(l);
for (let r = 0; r < rounds; r++) {
  for (const l of loaded) {
    for (const [name, f, scale] of measures) {
      const c = process.cpuUsage();
      const t = performance.now();
      f(l);
      const wall = performance.now() - t;
      const cpu = process.cpuUsage(c);
      (l.t[name] ??= []).push(wall * scale);
      (l.cpu[name] ??= []).push(((cpu.user + cpu.system) / 1000) * scale);
    }
  }
}

console.log(`recgate npm package in Node ${process.version}: ${recordings.length} recordings, ${requests.length} requests, ${rounds} rounds after ${warmup} warm-up`);
console.log(`${''.padEnd(46)}${'wall median'.padStart(12)}${'wall min'.padStart(10)}${'CPU median'.padStart(12)}${'CPU min'.padStart(10)}`);
for (const l of loaded) {
  console.log(`\n${l.dir} — visible rows: ${PRINCIPALS.map((p, i) => `${p} ${l.counts[i]}`).join(', ')}`);
  for (const [name] of measures) {
    const w = stats(l.t[name]);
    const c = stats(l.cpu[name]);
    console.log(`  ${name.padEnd(44)}${w.median.toFixed(3).padStart(12)}${w.min.toFixed(3).padStart(10)}${c.median.toFixed(3).padStart(12)}${c.min.toFixed(3).padStart(10)}`);
  }
}
console.log(`\n${JSON.stringify(loaded.map((l) => ({
  dir: l.dir,
  counts: l.counts,
  wall: Object.fromEntries(Object.entries(l.t).map(([k, v]) => [k, stats(v)])),
  cpu: Object.fromEntries(Object.entries(l.cpu).map(([k, v]) => [k, stats(v)])),
})))}`);
