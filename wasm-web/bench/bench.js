// The browser benchmark of the npm package: runs in the page bench.html,
// driven by run.mjs. Every figure is a median over rounds after warm-up.

import { init, Gate } from '../js/index.js';
import { org, recordings, requests, userId, REFERENCE } from './org.js';
import { encodeRows } from '../js/row-words.js';

const NOW = '2026-11-22T12:00:00Z';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeRounds(rounds, f) {
  const xs = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    f();
    xs.push(performance.now() - t);
  }
  return { median: median(xs), min: Math.min(...xs) };
}

async function run(params) {
  const log = [];
  const out = { params, userAgent: navigator.userAgent };
  let t = performance.now();
  await init();
  out.initMs = performance.now() - t;

  const size = REFERENCE;
  const doc = org(size, 42);
  const text = JSON.stringify(doc);
  t = performance.now();
  const full = Gate.fromPolicy(text);
  out.loadFullOrgMs = performance.now() - t;
  out.fullOrgBytes = text.length;
  // Loading again, each gate freed before the next: the first load also pays for compiling.
  const fullLoads = timeRounds(params.loadRounds, () => Gate.fromPolicy(text).free());
  out.loadFullOrgMedianMs = fullLoads.median;
  out.loadFullOrgMinMs = fullLoads.min;

  const recs = recordings(size, params.rows, 3);
  out.visible = [];
  for (const p of params.principals) {
    const principal = userId(p);
    const sliceText = JSON.stringify(full.slice(principal));
    t = performance.now();
    const gate = Gate.fromPolicy(sliceText);
    const loadMs = performance.now() - t;
    const sliceLoads = timeRounds(params.loadRounds, () => Gate.fromPolicy(sliceText).free());
    for (let i = 0; i < params.warmup; i++) gate.visible(principal, recs, NOW);
    let count = 0;
    const r = timeRounds(params.rounds, () => { count = gate.visible(principal, recs, NOW).length; });
    // The same rows decided by the whole organisation's policy must agree.
    const fullCount = full.visible(principal, recs, NOW).length;
    out.visible.push({
      principal, sliceBytes: sliceText.length, loadSliceMs: loadMs,
      loadSliceMedianMs: sliceLoads.median, loadSliceMinMs: sliceLoads.min,
      rows: recs.length, visible: count, visibleWithFullPolicy: fullCount,
      medianMs: r.median, minMs: r.min,
    });
    // Columns of the right size, reused by every round: encodeRows' own first ones.
    const scratchCols = encodeRows(recs).cols;
    const enc = timeRounds(params.rounds, () => { scratchCols.fill(0); encodeRows(recs, scratchCols); });
    const v = out.visible[out.visible.length - 1];
    v.encodeMedianMs = enc.median;
    // Cold: the first visible() over rows this page has never hashed (a fresh copy).
    const fresh = JSON.parse(JSON.stringify(recs));
    t = performance.now();
    gate.visible(principal, fresh, NOW);
    v.firstCallMs = performance.now() - t;
    // Prepared once, decided again (another principal, another now, a reloaded slice).
    t = performance.now();
    const set = gate.prepare(recs);
    v.prepareMs = performance.now() - t;
    for (let i = 0; i < params.warmup; i++) gate.visible(principal, set, NOW);
    let preparedCount = 0;
    const pr = timeRounds(params.rounds, () => { preparedCount = gate.visible(principal, set, NOW).length; });
    v.preparedMedianMs = pr.median;
    v.preparedMinMs = pr.min;
    v.preparedVisible = preparedCount;
    set.free();
    // Real lists rarely share timestamps: every row its own createdAt.
    const distinct = recs.map((r, i) => ({ ...r, createdAt: new Date(Date.parse(r.createdAt) + (i % 86_400) * 1000).toISOString() }));
    for (let i = 0; i < params.warmup; i++) gate.visible(principal, distinct, NOW);
    let distinctCount = 0;
    const dr = timeRounds(params.rounds, () => { distinctCount = gate.visible(principal, distinct, NOW).length; });
    v.distinctTimesMedianMs = dr.median;
    v.distinctTimesVisible = distinctCount;
    gate.free();
  }

  // check(): a server-style loop over distinct requests by many principals (whole org).
  const reqs = requests(size, params.requests, 11);
  out.check = timeChecks(full, reqs, params);
  // check() as a page asks it: one signed-in principal (user-1, who sees most
  // rows) deciding the same 20,000 resources against their own slice.
  const me = userId(1);
  const slice = Gate.fromPolicy(JSON.stringify(full.slice(me)));
  const mine = reqs.map((q) => ({ ...q, principal: me }));
  // Agreement first: the slice decides as the whole organisation does.
  for (const q of mine) {
    const a = slice.check(q);
    const b = full.check(q);
    if (a.allow !== b.allow || a.reason !== b.reason) throw new Error(`slice and whole policy disagree on ${JSON.stringify(q)}`);
  }
  out.checkSlice = { principal: me, ...timeChecks(slice, mine, params) };
  slice.free();
  // can(): the boolean shorthand (no decision object, no id).
  const k = timeRounds(params.rounds, () => {
    for (const q of reqs) full.can(q.principal, q.permission, q.resource, q.now);
  });
  out.can = { medianUsPerCall: (k.median * 1000) / reqs.length, minUsPerCall: (k.min * 1000) / reqs.length };
  out.log = log;
  return out;
}

/** check() over `reqs` on `gate`: warm-up, then timed rounds; µs per call. */
function timeChecks(gate, reqs, params) {
  for (let i = 0; i < params.warmup; i++) for (const q of reqs) gate.check(q);
  let allowed = 0;
  const c = timeRounds(params.rounds, () => {
    allowed = 0;
    for (const q of reqs) allowed += gate.check(q).allow ? 1 : 0;
  });
  return {
    requests: reqs.length, allowed,
    medianUsPerCheck: (c.median * 1000) / reqs.length,
    minUsPerCheck: (c.min * 1000) / reqs.length,
  };
}

window.__bench = run;
window.__benchReady = true;
