#!/usr/bin/env node
// The Node side of recgate's peer benchmarks (issue #6): recgate's npm package against CASL
// and Cedar on the same generated organisation (tests/src/org.rs via `recgate-org`). Every
// engine is first checked against recgate's native decisions — requests.jsonl, and a second
// sample aimed at the principals' own grants (lib/targeted-requests.mjs, decided by the
// native CLI) — then timed in interleaved rounds: load, one check() per decision, visible()
// over the 100,000 recordings. Prints a markdown fragment and writes it (with the sizes) to
// target/bench-peers/node.md. Benchmarks print numbers; nothing here asserts a speed.
//
//   node bench/peers-node/run.mjs [--org DIR] [--rounds N] [--load-rounds N]
//        [--engines recgate,casl,...] [--principals user-17,user-1] [--targeted N] [--out FILE]
//
// An engine is a module engines/<name>.mjs:
//
//   export default {
//     name: 'CASL (@casl/ability 6.x)',
//     async load(orgDir) { /* read orgDir files, build and return state; timed as load */ },
//     check(state, request) { /* request: a recgate request object from requests.jsonl; returns boolean allow */ },
//     visible: null, // or (state, principal, recordings, now) => array of the recordings the principal may see
//   };

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { nativeDecisions, targetedRequests } from './lib/targeted-requests.mjs';
import { packageVersion } from './lib/versions.mjs';
import { sizes } from './lib/sizes.mjs';
import { median, timeRounds } from './lib/timing.mjs';
import { agreeOnVectors, recordingVectors } from './lib/conformance.mjs';
import { continueWithLargeStack } from './lib/large-stack.mjs';

await continueWithLargeStack(import.meta.url);

const benchRoot = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchRoot, '..', '..');
const args = process.argv.slice(2);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const orgDir = resolve(option('--org', join(repoRoot, 'target', 'bench-peers', 'org')));
const rounds = Math.max(5, Number(option('--rounds', 7)));
const loadRounds = Math.max(5, Number(option('--load-rounds', 5)));
const principals = option('--principals', 'user-17,user-1').split(',');
const targetedCount = Number(option('--targeted', 5000));
const outFile = resolve(option('--out', join(repoRoot, 'target', 'bench-peers', 'node.md')));
const wanted = option('--engines', null)?.split(',');
const cli = process.env.RECGATE_CLI ?? join(repoRoot, 'target', 'release', 'recgate');
const NOW = '2026-11-22T12:00:00Z';

for (const f of ['policy.json', 'recordings.json', 'requests.jsonl']) {
  if (!existsSync(join(orgDir, f))) {
    console.error(`run.mjs: ${join(orgDir, f)} is missing. Make the org first:\n  cargo build --release -p recgate-tests --bin recgate-org && target/release/recgate-org ${orgDir}`);
    process.exit(2);
  }
}

// ── engines ──
const engines = [];
const engineFiles = readdirSync(join(benchRoot, 'engines')).filter((f) => f.endsWith('.mjs')).sort()
  .filter((f) => !wanted || wanted.includes(basename(f, '.mjs')));
// recgate's check() first, then its other entries: every ratio is against the first row.
const rank = (f) => (f === 'recgate.mjs' ? 0 : f.startsWith('recgate') ? 1 : 2);
engineFiles.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
for (const f of engineFiles) {
  try {
    const mod = (await import(pathToFileURL(join(benchRoot, 'engines', f)).href)).default;
    engines.push({ file: f, ...mod });
  } catch (e) {
    console.error(`run.mjs: engine ${f} not loaded: ${e.message}`);
  }
}
if (!engines.length) {
  console.error('run.mjs: no engine to run');
  process.exit(2);
}

// ── data ──
const policyText = readFileSync(join(orgDir, 'policy.json'), 'utf8');
const policy = JSON.parse(policyText);
const recordings = JSON.parse(readFileSync(join(orgDir, 'recordings.json'), 'utf8'));
const sample = readFileSync(join(orgDir, 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const sampleRequests = sample.map((l) => l.request);
let targeted = null;
if (targetedCount > 0 && existsSync(cli)) {
  const scratch = mkdtempSync(join(tmpdir(), 'recgate-peers-'));
  try {
    const requests = targetedRequests(policy, targetedCount);
    const decisions = nativeDecisions(cli, join(orgDir, 'policy.json'), requests, scratch);
    targeted = { requests, allow: decisions.map((d) => d.allow) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else if (targetedCount > 0) {
  console.error(`run.mjs: ${cli} missing (cargo build --release -p recgate-cli): the targeted sample is skipped`);
}
const count = (xs) => xs.filter(Boolean).length;
console.log(`org ${orgDir}: ${Object.keys(policy.users).length} users, ${Object.keys(policy.roles).length} roles, ${recordings.length} recordings`);
console.log(`requests.jsonl: ${sample.length} requests, ${count(sample.map((l) => l.allow))} allowed by recgate`);
if (targeted) console.log(`targeted sample: ${targeted.requests.length} requests, ${count(targeted.allow)} allowed by recgate's CLI`);

// ── load (interleaved rounds; the last state of each engine is kept for what follows) ──
for (const e of engines) e.loadMs = [];
for (let r = 0; r < loadRounds; r++) {
  for (const e of rotate(engines, r)) {
    e.state = null; // let the previous round's state go before the next is built
    const t = performance.now();
    e.state = await e.load(orgDir);
    e.loadMs.push(performance.now() - t);
  }
}

// ── agreement: before any timing, every engine against recgate's decisions ──
function agreement(e, requests, expected) {
  const started = performance.now();
  let agree = 0;
  let threw = 0;
  const wrong = [];
  for (let i = 0; i < requests.length; i++) {
    let allow;
    try {
      allow = e.check(e.state, requests[i]);
    } catch (err) {
      allow = `error: ${err.message}`;
      threw++;
    }
    if (allow === expected[i]) agree++;
    else if (wrong.length < 3) wrong.push({ request: requests[i], expected: expected[i], got: allow });
  }
  return { agree, total: requests.length, threw, wrong, usPerDecision: ((performance.now() - started) * 1000) / requests.length };
}
const vectors = recordingVectors(repoRoot);
const reference = engines.find((e) => e.file === 'recgate.mjs' && e.visible);
const referenceIds = new Map();
for (const p of principals) {
  if (reference) referenceIds.set(p, reference.visible(reference.state, p, recordings, NOW).map((r) => r.id));
}
for (const e of engines) {
  e.agreeSample = agreement(e, sampleRequests, sample.map((l) => l.allow));
  if (targeted) e.agreeTargeted = agreement(e, targeted.requests, targeted.allow);
  e.agreeVectors = await agreeOnVectors(e, vectors);
  e.visibleCount = {};
  e.agreeVisible = {};
  if (e.visible) {
    for (const p of principals) {
      const ids = e.visible(e.state, p, recordings, NOW).map((r) => r.id);
      e.visibleCount[p] = ids.length;
      const want = referenceIds.get(p);
      e.agreeVisible[p] = want ? want.length === ids.length && want.every((id, i) => id === ids[i]) : null;
    }
  }
  const line = [`agree ${e.agreeSample.agree}/${e.agreeSample.total} (requests.jsonl)`];
  if (e.agreeTargeted) line.push(`${e.agreeTargeted.agree}/${e.agreeTargeted.total} (targeted)`);
  line.push(`${e.agreeVectors.agree}/${e.agreeVectors.total} (conformance vectors)`);
  if (e.visible) line.push(`visible() ${principals.map((p) => `${p}: ${e.visibleCount[p]}${e.agreeVisible[p] === false ? ' DIFFERS' : ''}`).join(', ')}`);
  console.log(`${e.name}: ${line.join(', ')}`);
  for (const w of [...e.agreeSample.wrong, ...(e.agreeTargeted?.wrong ?? [])]) console.log(`  disagrees: ${JSON.stringify(w)}`);
  for (const w of e.agreeVectors.wrong) console.log(`  disagrees: ${w}`);
}

// ── timing: interleaved rounds, engine order rotated each round ──
const checkSets = [{ key: 'sample', requests: sampleRequests, agreeKey: 'agreeSample' }];
if (targeted) checkSets.push({ key: 'targeted', requests: targeted.requests, agreeKey: 'agreeTargeted' });
// An engine that throws on some request of a sample is not timed on it (its time would be of another set).
const timable = (e, s) => e[s.agreeKey].threw === 0;
// An engine that took over SLOW_US per decision in the agreement pass is timed on the first
// SLOW_COUNT requests of each sample (still distinct requests), or a run would take an hour.
const SLOW_US = 200;
const SLOW_COUNT = 1000;
const timedRequests = (e, s) => (e[s.agreeKey].usPerDecision > SLOW_US ? s.requests.slice(0, SLOW_COUNT) : s.requests);
let sink = 0;
const checkLoop = (e, requests) => () => {
  let allowed = 0;
  for (let i = 0; i < requests.length; i++) if (e.check(e.state, requests[i])) allowed++;
  sink += allowed;
};
for (const e of engines) {
  e.checkUs = Object.fromEntries(checkSets.map((s) => [s.key, []]));
  e.visibleMs = Object.fromEntries(principals.map((p) => [p, []]));
}
// Warm-up (JIT, caches, recgate-can's prepared set): two passes of everything, untimed.
for (let w = 0; w < 2; w++) {
  for (const e of engines) {
    // A slow engine's one pass is warm-up enough, and a second would cost minutes.
    const slow = checkSets.some((x) => timedRequests(e, x) !== x.requests);
    if (w === 0 || !slow) for (const s of checkSets) if (timable(e, s)) checkLoop(e, timedRequests(e, s))();
    if (e.visible) for (const p of principals) sink += e.visible(e.state, p, recordings, NOW).length;
  }
}
for (let r = 0; r < rounds; r++) {
  for (const e of rotate(engines, r)) {
    for (const s of checkSets.filter((x) => timable(e, x))) {
      const requests = timedRequests(e, s);
      e.checkUs[s.key].push((timeRounds(1, checkLoop(e, requests))[0] * 1000) / requests.length);
    }
  }
  for (const e of rotate(engines, r)) {
    if (!e.visible) continue;
    for (const p of principals) {
      e.visibleMs[p].push(timeRounds(1, () => { sink += e.visible(e.state, p, recordings, NOW).length; })[0]);
    }
  }
}

// ── report ──
const stat = (xs) => ({ median: median(xs), min: Math.min(...xs) });
const f = (x, d) => x.toFixed(d);
const base = engines[0];
const ratio = (x, y) => (y ? `${f(x / y, x / y >= 10 ? 0 : 1)}×` : '');
const head = ['engine', `load (ms)`, ...checkSets.map((s) => `check, ${s.key === 'sample' ? 'requests.jsonl' : 'targeted'} (µs/decision)`),
  ...principals.map((p) => `visible(${p}) over ${recordings.length.toLocaleString('en-US')} (ms)`)];
const rows = engines.map((e) => {
  const load = stat(e.loadMs);
  const cells = [e.name, `${f(load.median, 0)} (min ${f(load.min, 0)})`];
  for (const s of checkSets) {
    if (!timable(e, s)) { cells.push(`— (throws on ${e[s.agreeKey].threw})`); continue; }
    const c = stat(e.checkUs[s.key]);
    const part = timedRequests(e, s).length < s.requests.length ? ` (first ${SLOW_COUNT.toLocaleString('en-US')})` : '';
    cells.push(`${f(c.median, 3)} (min ${f(c.min, 3)})${part} — ${ratio(c.median, median(base.checkUs[s.key]))}`);
  }
  for (const p of principals) {
    if (!e.visible) { cells.push('—'); continue; }
    const v = stat(e.visibleMs[p]);
    const b = base.visible ? median(base.visibleMs[p]) : 0;
    cells.push(`${f(v.median, 1)} (min ${f(v.min, 1)}) — ${ratio(v.median, b)}`);
  }
  return cells;
});
const table = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const agreeHead = ['engine', 'requests.jsonl', ...(targeted ? ['targeted sample'] : []), 'conformance vectors (recording cases)', ...principals.map((p) => `visible(${p}) rows`)];
const agreeRows = engines.map((e) => [e.name, `${e.agreeSample.agree}/${e.agreeSample.total}`,
  ...(targeted ? [`${e.agreeTargeted.agree}/${e.agreeTargeted.total}`] : []),
  `${e.agreeVectors.agree}/${e.agreeVectors.total}`,
  ...principals.map((p) => (e.visible ? `${e.visibleCount[p].toLocaleString('en-US')}${e.agreeVisible[p] === false ? ' (differs from recgate)' : e.agreeVisible[p] ? ' (same rows)' : ''}` : '—'))]);
const agreeTable = [`| ${agreeHead.join(' | ')} |`, `|${agreeHead.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...agreeRows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const goals = [];
const recgateCheck = engines.find((e) => e.file === 'recgate.mjs');
const recgateCan = engines.find((e) => e.file === 'recgate-can.mjs');
for (const e of [recgateCheck, recgateCan].filter(Boolean)) {
  const c = stat(e.checkUs.sample);
  goals.push(`- ${e.name}: ${f(c.median, 3)} µs per decision (requests.jsonl; min ${f(c.min, 3)}) against ≤ 1 µs including the JS↔wasm crossing — **${c.median <= 1 ? 'met' : 'missed'}**.`);
  for (const p of principals) {
    const v = stat(e.visibleMs[p]);
    goals.push(`- ${e.name}: visible(${p}) over ${recordings.length.toLocaleString('en-US')} recordings ${f(v.median, 1)} ms (min ${f(v.min, 1)}) against ≤ 15 ms — **${v.median <= 15 ? 'met' : 'missed'}**.`);
  }
}
goals.push('- Met or missed is judged on the median; on this shared machine the min shows what an idle one would do.');

const size = sizes(repoRoot, benchRoot);
let commit = 'unknown';
try {
  commit = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch { /* not a git checkout */ }
const recgateVersion = JSON.parse(readFileSync(join(repoRoot, 'wasm-web', 'package.json'), 'utf8')).version;
const peers = engines.filter((e) => !e.file.startsWith('recgate')).map((e) => e.name.split(' (')[0]).join(' and ') || 'itself';
const markdown = `## Node: recgate's npm package vs ${peers} (issue #6)

Reproduce: \`bash bench/peers-node/collect.sh\` (or \`node bench/peers-node/run.mjs\` on an existing org).
Node ${process.version}; @recgate/web ${recgateVersion} (this repository at ${commit}, \`wasm-web/build.sh\`);
@casl/ability ${packageVersion('@casl/ability')}; @cedar-policy/cedar-wasm ${packageVersion('@cedar-policy/cedar-wasm')}.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end
(shared with other work: compare the ratios, measured in the same run, not the absolute times).

Data: \`recgate-org\` (tests/src/org.rs): ${Object.keys(policy.users).length.toLocaleString('en-US')} users, ${Object.keys(policy.roles).length} roles,
${recordings.length.toLocaleString('en-US')} recordings; \`requests.jsonl\` ${sample.length.toLocaleString('en-US')} requests by random users
(${count(sample.map((l) => l.allow))} allowed)${targeted ? `; a targeted sample of ${targeted.requests.length.toLocaleString('en-US')} requests aimed at the principals' own grants (${count(targeted.allow)} allowed, decided by the native CLI)` : ''}.
Every engine loads the whole organisation. check() times one call per distinct request over the whole sample, JS↔wasm
crossing and the engine's per-request work (CASL: building the subject) included; visible() gets the parsed array of
recordings and returns the visible ones. ${rounds} interleaved rounds (engine order rotated) after 2 warm-up passes;
load: ${loadRounds} interleaved rounds. Cells: median (min) — ratio to the first row's median.

### Agreement with recgate's decisions (before any timing)

${agreeTable}

Disagreements on the conformance vectors (expected: recgate's decision and reason):
${engines.flatMap((e) => e.agreeVectors.wrong.map((w) => `- ${e.name}: ${w}`)).join('\n') || '- none'}

### Time

${table}

### Goals

${goals.join('\n')}

### Size

${size.markdown}
`;
console.log(`\n${markdown}`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, markdown);
writeFileSync(join(dirname(outFile), 'sizes.md'), `## Sizes (gzip -9)\n\n${size.markdown}\n`);
console.log(`run.mjs: wrote ${outFile} and ${join(dirname(outFile), 'sizes.md')} (${sink > 0 ? 'ok' : 'no allow seen'})`);

/** `xs` rotated left by `r`: each round starts with another engine. */
function rotate(xs, r) {
  const k = r % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}
