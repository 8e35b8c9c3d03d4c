#!/usr/bin/env node
// Benchmark of the npm package in headless Chromium (not part of the tests).
//
//   node wasm-web/bench/run.mjs [--no-build] [--rounds N] [--rows N] [--requests N]
//        [--load-rounds N] [--markdown FILE]
//
// Builds the package (wasm-web/build.sh) unless --no-build, serves wasm-web/
// on 127.0.0.1 (an ephemeral port, this process only), opens bench/bench.html
// in /usr/bin/chromium through playwright-core, and prints the figures:
// gzipped sizes, visible() over 100,000 recordings, check() and can() per call.
// With --markdown FILE it also writes them as a markdown fragment (the peer
// benchmarks' target/bench-peers/browser.md, bench/peers-node/collect.sh).
// Needs playwright-core (root node_modules, installed by scripts/setup.sh).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { browserFiles } from './shipped.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = resolve(here, '..');
const repoRoot = resolve(pkgRoot, '..');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const params = {
  rows: value('--rows', 100_000),
  requests: value('--requests', 20_000),
  rounds: value('--rounds', 15),
  loadRounds: value('--load-rounds', 5),
  warmup: 3,
  // user-17 is the principal of the native core benchmark; user-1 sees ~90% of the rows.
  principals: [17, 1],
};

if (!flag('--no-build')) {
  const r = spawnSync('bash', [join(pkgRoot, 'build.sh')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function loadPlaywright() {
  const tries = [join(repoRoot, 'package.json'), join(pkgRoot, 'package.json'), import.meta.url];
  if (process.env.PLAYWRIGHT_CORE_DIR) tries.unshift(join(process.env.PLAYWRIGHT_CORE_DIR, 'package.json'));
  for (const from of tries) {
    try {
      return createRequire(from)('playwright-core');
    } catch {
      // next
    }
  }
  console.error('bench: playwright-core not found (run scripts/setup.sh, or set PLAYWRIGHT_CORE_DIR)');
  process.exit(1);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

const server = createServer(async (req, res) => {
  try {
    const path = normalize(join(pkgRoot, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(pkgRoot + sep) || !(await stat(path)).isFile()) throw new Error('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(await readFile(path));
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const port = server.address().port;

const gz = (p) => gzipSync(readFileSync(join(pkgRoot, p)), { level: 9 }).length;
const raw = (p) => readFileSync(join(pkgRoot, p)).length;
const shipped = browserFiles(pkgRoot);
const sizes = Object.fromEntries(shipped.map((p) => [p, { bytes: raw(p), gzip: gz(p) }]));
const totalGzip = shipped.reduce((a, p) => a + sizes[p].gzip, 0);
// The budget's part (the .wasm and its glue), and the React entry on its own
// (only React apps load it, on top of the rest).
const wasmAndGlueGzip = sizes['pkg-web/recgate_web_bg.wasm'].gzip + sizes['pkg-web/recgate_web.js'].gzip;
const react = { bytes: raw('js/react.js'), gzip: gz('js/react.js') };

const { chromium } = loadPlaywright();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let result;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${port}/bench/bench.html`);
  await page.waitForFunction(() => window.__benchReady === true, null, { timeout: 60_000 });
  result = await page.evaluate((p) => window.__bench(p), params);
  result.browserVersion = browser.version();
} finally {
  await browser.close();
  server.close();
}

const f = (x, d = 2) => x.toFixed(d);
console.log(`recgate npm package — headless Chromium ${result.browserVersion}`);
console.log('\nsize (gzip -9):');
for (const p of shipped) console.log(`  ${p.padEnd(30)} ${String(sizes[p].bytes).padStart(8)} B raw  ${String(sizes[p].gzip).padStart(7)} B gzip`);
console.log(`  ${'total shipped'.padEnd(30)} ${''.padStart(8)}        ${String(totalGzip).padStart(7)} B gzip (${f(totalGzip / 1024, 1)} KiB)`);
console.log(`  ${'.wasm + glue (the budget)'.padEnd(30)} ${''.padStart(8)}        ${String(wasmAndGlueGzip).padStart(7)} B gzip (budget 150,000 B)`);
console.log(`  ${'js/react.js (React entry)'.padEnd(30)} ${String(react.bytes).padStart(8)} B raw  ${String(react.gzip).padStart(7)} B gzip`);
console.log(`\ninit (compile + instantiate): ${f(result.initMs, 1)} ms; load whole org (${f(result.fullOrgBytes / 1e6, 1)} MB JSON): ${f(result.loadFullOrgMs, 1)} ms`);
for (const v of result.visible) {
  console.log(`visible(${v.principal}) over ${v.rows} recordings: median ${f(v.medianMs)} ms, min ${f(v.minMs)} ms (JS encoding alone ${f(v.encodeMedianMs)} ms; first call on unseen rows ${f(v.firstCallMs)} ms) — ${v.visible} visible (whole policy: ${v.visibleWithFullPolicy}); slice ${f(v.sliceBytes / 1e3, 0)} kB loads in ${f(v.loadSliceMs, 1)} ms`);
  console.log(`  prepared once (${f(v.prepareMs)} ms), then visible(${v.principal}, set): median ${f(v.preparedMedianMs)} ms, min ${f(v.preparedMinMs)} ms — ${v.preparedVisible} visible`);
  console.log(`  every row with its own createdAt: median ${f(v.distinctTimesMedianMs)} ms — ${v.distinctTimesVisible} visible`);
}
console.log(`check(): median ${f(result.check.medianUsPerCheck, 3)} µs per call (min ${f(result.check.minUsPerCheck, 3)}) over ${result.check.requests} distinct requests, ${result.check.allowed} allowed`);
console.log(`check() on ${result.checkSlice.principal}'s slice: median ${f(result.checkSlice.medianUsPerCheck, 3)} µs per call (min ${f(result.checkSlice.minUsPerCheck, 3)}) over the same ${result.checkSlice.requests} resources, ${result.checkSlice.allowed} allowed`);
console.log(`can():   median ${f(result.can.medianUsPerCall, 3)} µs per call (min ${f(result.can.minUsPerCall, 3)})`);
console.log(`\n${JSON.stringify({ sizes, totalGzip, wasmAndGlueGzip, react, ...result })}`);
const markdownOut = args.includes('--markdown') ? args[args.indexOf('--markdown') + 1] : undefined;
if (markdownOut) {
  const { writeMarkdown } = await import('./markdown.mjs');
  writeMarkdown(resolve(markdownOut), { result, sizes, shipped, totalGzip, params });
  console.log(`bench: wrote ${resolve(markdownOut)}`);
}
const mismatch = result.visible.filter((v) => v.visible !== v.visibleWithFullPolicy || v.visible !== v.preparedVisible);
if (mismatch.length) {
  console.error('bench: the slice and the whole policy disagree on visibility');
  process.exit(1);
}
