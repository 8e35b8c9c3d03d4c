// The browser benchmark's figures as a markdown fragment (run.mjs --markdown FILE): what the
// peer benchmarks of issue #6 collect as target/bench-peers/browser.md.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const f = (x, d = 1) => x.toFixed(d);
const n = (x) => x.toLocaleString('en-US');

/** Writes the fragment to `file` (its directory is created). */
export function writeMarkdown(file, { result, sizes, shipped, totalGzip, params }) {
  const rows = [
    ['`init()` (fetch, compile, instantiate), once', f(result.initMs), ''],
    [`\`Gate.fromPolicy(whole org)\` (${f(result.fullOrgBytes / 1e6)} MB JSON)`, f(result.loadFullOrgMedianMs), f(result.loadFullOrgMinMs)],
  ];
  for (const v of result.visible) {
    rows.push([`\`Gate.fromPolicy(slice of ${v.principal})\` (${f(v.sliceBytes / 1e3, 0)} kB JSON)`, f(v.loadSliceMedianMs), f(v.loadSliceMinMs)]);
  }
  for (const v of result.visible) {
    rows.push([`**\`visible(${v.principal}, ${n(v.rows)} recordings)\`** on its slice (${n(v.visible)} visible)`, `**${f(v.medianMs)}**`, f(v.minMs)]);
    rows.push([`\`visible(${v.principal}, prepared set)\` (\`gate.prepare\` once: ${f(v.prepareMs)} ms)`, f(v.preparedMedianMs), f(v.preparedMinMs)]);
  }
  rows.push([`\`check()\`, µs per call (${n(result.check.requests)} distinct requests, whole org)`, f(result.check.medianUsPerCheck, 3), f(result.check.minUsPerCheck, 3)]);
  rows.push([`\`check()\`, µs per call, as a page asks it: ${result.checkSlice.principal} on their slice, the same ${n(result.checkSlice.requests)} resources`, f(result.checkSlice.medianUsPerCheck, 3), f(result.checkSlice.minUsPerCheck, 3)]);
  rows.push(['`can()`, µs per call (same requests as the whole-org check)', f(result.can.medianUsPerCall, 3), f(result.can.minUsPerCall, 3)]);
  const text = `## Browser: recgate's npm package in headless Chromium ${result.browserVersion}

Reproduce: \`node wasm-web/bench/run.mjs --markdown target/bench-peers/browser.md\` (part of
\`bash bench/peers-node/collect.sh\`). Org and recordings of tests/src/org.rs (ported in
wasm-web/bench/org.js); the page loads each principal's slice. Times in ms unless marked: median
and min of ${params.rounds} rounds after ${params.warmup} warm-up rounds (\`fromPolicy\`: ${params.loadRounds}
rounds, each gate freed; the machine is shared, compare within the run).

| measure | median | min |
|---|---:|---:|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

Shipped (gzip -9): ${shipped.map((p) => `\`${p}\` ${n(sizes[p].gzip)} B`).join(', ')}; total ${n(totalGzip)} B (${f(totalGzip / 1024)} KiB).
`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
