// The consumer matrix: @recgate/web installed from its packed tarball and used
// as its users use it — built by Vite, webpack 5 and esbuild, in a Vite
// worker, in a React StrictMode app, in the Vite dev server from a folder
// install, and in Node as ESM and CommonJS — each loaded (real Chromium for
// the browser apps, Node for the Node ones) with its console free of errors,
// and each app's decisions checked against the CLI (`recgate eval` on the
// slices `recgate slice` made) for users of examples/acme.json.
//
//   node tests/consumers/run.mjs RECGATE_CLI
//
// The tarball must already be installed in tests/consumers/node_modules
// (scripts/test-consumers.sh packs and installs it). Prints one line per app
// and closes with "N passed, N failed". Every server listens on 127.0.0.1 and
// is closed at the end; every wait is bounded.

import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const cli = resolve(process.argv[2] ?? join(repo, 'target', 'release', 'recgate'));
const out = join(repo, 'target', 'consumers');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'slices'), { recursive: true });
mkdirSync(join(out, 'slices-edited'), { recursive: true });

const results = [];
function record(app, problems, seconds) {
  results.push({ app, problems });
  const head = problems.length === 0 ? 'ok  ' : 'FAIL';
  console.log(`${head} ${app} (${seconds.toFixed(1)}s)${problems.length ? `\n  - ${problems.slice(0, 12).join('\n  - ')}` : ''}`);
}
async function timed(app, fn) {
  const t0 = performance.now();
  let problems;
  try {
    problems = await fn();
  } catch (e) {
    problems = [`threw: ${e?.stack ?? e}`];
  }
  record(app, problems, (performance.now() - t0) / 1000);
}

// ───────────── the questions and the CLI's answers ─────────────

const acmeText = readFileSync(join(repo, 'examples', 'acme.json'), 'utf8');
const acme = JSON.parse(acmeText);
const users = ['qa-1', 'a-us-1', 'b-em-1', 'sup-us', 'comp-1'];
const now = '2026-11-25T12:00:00Z';
// Rows as an API gives them: members recgate reads and members it does not
// (title, durationMs), one near-miss (legalhold) that must hide its row.
const rows = [
  { id: 'rec-1', title: 'Billing call', durationMs: 61000, media: 'audio', direction: 'inbound', owner: 'a-us-1', queue: 'q-us', createdAt: '2026-11-20T09:00:00Z' },
  { id: 'rec-2', title: 'Screen share', media: 'screen', owner: 'a-us-2', queue: 'q-us', createdAt: '2026-11-24T10:00:00Z' },
  { id: 'rec-3', media: 'audio', owner: 'a-uk-1', queue: 'q-uk', region: 'eu-west-2', createdAt: '2026-11-21T08:30:00Z', sensitive: true },
  { id: 'rec-4', media: 'audio', owner: 'b-em-1', queue: 'q-bpo', divisions: ['bpo-emea'], createdAt: '2026-11-22T14:00:00Z', legalHold: true },
  { id: 'rec-5', media: 'audio', owner: 'b-em-2', queue: 'q-bpo', divisions: ['bpo-emea'], createdAt: '2026-11-25T11:55:00Z', live: true },
  { id: 'rec-6', media: 'chat', owner: 'a-us-1', queue: 'q-escalation', createdAt: '2025-01-01T00:00:00Z' },
  { id: 'rec-7', media: 'audio', owner: 'a-us-1', queue: 'q-us', createdAt: '2026-11-23T09:00:00Z', legalhold: true },
];
const permissions = ['recording:recording:view', 'recording:recording:download', 'recording:recording:delete', 'recording:metadata:view', 'recording:screenRecording:view'];
const requests = Object.fromEntries(users.map((u) => [u, rows.flatMap((row) => permissions.map((permission) => ({
  principal: u, permission, resource: { type: 'recording', ...row }, now,
})))]));
const spec = { users, rows, now, requests };
writeFileSync(join(out, 'scenario.json'), JSON.stringify(spec));

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000, ...opts });
}

/** The CLI's slices of `policyFile` into `dir`, and its decisions of every user's requests with them. */
function cliAnswers(policyFile, dir) {
  const decisions = {};
  for (const u of users) {
    const slice = sh(cli, ['slice', '--policy', policyFile, '--principal', u]);
    writeFileSync(join(dir, `${u}.json`), slice);
    const reqs = join(dir, `${u}.requests.jsonl`);
    writeFileSync(reqs, requests[u].map((r) => JSON.stringify(r)).join('\n') + '\n');
    // (The CLI names each unreadable request on stderr: the near-miss row's, expected.)
    decisions[u] = sh(cli, ['eval', '--policy', join(dir, `${u}.json`), '--requests', reqs], { stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').map((l) => {
      const { decisionId, ...rest } = JSON.parse(l);
      return rest;
    });
  }
  return decisions;
}
const expected = cliAnswers(join(repo, 'examples', 'acme.json'), join(out, 'slices'));
// The edit the React app receives through gate.update: a new revision, and
// every role's first grant gone.
const edited = structuredClone(acme);
edited.revision = `${acme.revision}-edited`;
for (const role of Object.values(edited.roles)) if (Array.isArray(role.grants) && role.grants.length > 1) role.grants.shift();
writeFileSync(join(out, 'acme-edited.json'), JSON.stringify(edited));
const expectedEdited = cliAnswers(join(out, 'acme-edited.json'), join(out, 'slices-edited'));
const sourceHash = sh(cli, ['hash', join(repo, 'examples', 'acme.json')]).trim();

/** Whether each row is visible to `u`, from the CLI's decisions: its media view or its metadata view allowed. */
function expectedVisible(decisions, u) {
  return rows.filter((row, i) => {
    const at = (p) => decisions[u][i * permissions.length + permissions.indexOf(p)];
    const media = row.media === 'screen' ? 'recording:screenRecording:view' : 'recording:recording:view';
    return at(media).allow || at('recording:metadata:view').allow;
  }).map((r) => r.id);
}

// ───────────── checking one app's answers ─────────────

let reference = null; // the Node ESM app's controls and words: every app must give the same
function check(answer) {
  if (answer === undefined || answer === null) return ['no answer'];
  if (answer.failure) return [`failed: ${answer.failure}`];
  const r = answer.result;
  const problems = [...r.errors];
  for (const u of users) {
    expected[u].forEach((want, i) => {
      const got = r.decisions[u][i];
      const label = `${u} ${requests[u][i].permission} ${requests[u][i].resource.id}`;
      if (!isDeepStrictEqual(got, want)) problems.push(`${label}: check() ${JSON.stringify(got)} but recgate eval ${JSON.stringify(want)}`);
      if (r.can[u][i] !== want.allow) problems.push(`${label}: can() ${r.can[u][i]} but recgate eval allow ${want.allow}`);
      if (r.why[u][i].allowed !== want.allow || r.why[u][i].reason !== want.reason) problems.push(`${label}: why() ${JSON.stringify(r.why[u][i])}`);
    });
    const vis = expectedVisible(expected, u);
    if (!isDeepStrictEqual(r.visible[u], vis)) problems.push(`${u}: visible() ${JSON.stringify(r.visible[u])} but recgate eval shows ${JSON.stringify(vis)}`);
    if (r.visible[u].includes('rec-7')) problems.push(`${u}: a row with a near-miss member (legalhold) was shown`);
    const live = r.controls[u]['rec-1']?.monitorLive;
    if (live?.status !== 'notApplicable') problems.push(`${u}: monitorLive on a finished call is ${JSON.stringify(live)}, not notApplicable`);
    // qa-1 holds no grant of recording:recording:delete (examples/acme.json): on a recording
    // under legal hold the words say so, not "legal hold".
    const del = r.controls[u]['rec-4']?.delete;
    if (u === 'qa-1' && (del?.granted !== false || !/not in your roles/.test(del?.words ?? ''))) problems.push(`${u}: delete on a held recording, holding no delete grant, reads ${JSON.stringify(del)}`);
    if (r.hashes[u].sourceHash !== sourceHash) problems.push(`${u}: the slice's sourceHash ${r.hashes[u].sourceHash} is not the organisation's ${sourceHash}`);
  }
  if (!Array.isArray(r.policyError) || !r.policyError.includes('/revision')) problems.push(`PolicyError paths ${JSON.stringify(r.policyError)}`);
  if (reference === null) reference = { controls: r.controls, why: r.why };
  else {
    if (!isDeepStrictEqual(r.controls, reference.controls)) problems.push('controls() differ from the Node ESM build');
    if (!isDeepStrictEqual(r.why, reference.why)) problems.push("why()'s words differ from the Node ESM build");
  }
  return problems;
}

// ───────────── Node ─────────────

function nodeApp(file) {
  const stdout = sh(process.execPath, [join(here, 'node', file), join(out, 'scenario.json'), join(out, 'slices')], { cwd: here });
  return check(JSON.parse(stdout));
}
await timed('node ESM (import, await init())', () => nodeApp('esm.mjs'));
await timed('node CommonJS (require)', () => nodeApp('cjs.cjs'));

// ───────────── builds ─────────────

const require = createRequire(join(here, 'package.json'));
const vite = await import(require.resolve('vite'));
const esbuild = require('esbuild');
const webpack = require('webpack');
const quiet = { logLevel: 'warn' };

async function viteBuild(app, extra = {}) {
  const dist = join(out, 'dist', app);
  await vite.build({ root: join(here, app), base: './', configFile: false, build: { outDir: dist, emptyOutDir: true }, ...quiet, ...extra });
  return dist;
}
async function webpackBuild() {
  const dist = join(out, 'dist', 'webpack');
  const stats = await new Promise((ok, fail) => webpack({
    mode: 'production', context: here, entry: './webpack/main.js',
    output: { path: dist, filename: 'main.js', publicPath: 'auto' },
    resolve: { modules: [join(here, 'node_modules')] },
  }, (e, s) => (e ? fail(e) : ok(s))));
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(info.errors.map((x) => x.message).join('\n'));
  cpSync(join(here, 'webpack', 'index.html'), join(dist, 'index.html'));
  return { dist, warnings: info.warnings.map((w) => w.message) };
}
async function esbuildBuild() {
  const dist = join(out, 'dist', 'esbuild');
  // The README's recipe.
  await esbuild.build({
    entryPoints: [join(here, 'esbuild', 'main.js')], bundle: true, format: 'esm', outdir: dist,
    loader: { '.wasm': 'file' }, logLevel: 'warning', absWorkingDir: here,
  });
  cpSync(join(here, 'esbuild', 'index.html'), join(dist, 'index.html'));
  return dist;
}

// ───────────── serving and Chromium ─────────────

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
function serve(dist) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file;
    if (path === '/scenario.json') file = join(out, 'scenario.json');
    else if (path.startsWith('/slices/')) file = join(out, 'slices', path.slice(8));
    else if (path.startsWith('/slices-edited/')) file = join(out, 'slices-edited', path.slice(15));
    else file = join(dist, path === '/' ? 'index.html' : path);
    if (!resolve(file).startsWith(resolve(out))) { res.writeHead(403).end(); return; }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

const { chromium } = createRequire(join(repo, 'package.json'))('playwright-core');
// (Playwright starts Chromium on a fresh profile of its own each launch.)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});

/** Opens `url`; returns the page and the console errors, page errors and failed requests it collects. */
async function open(url, before = async () => {}) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(`worker console.error: ${m.text()}`); }));
  await before(page);
  await page.goto(url, { timeout: 30_000 });
  return { page, errors };
}

async function browserApp(dist) {
  const { server, url } = await serve(dist);
  try {
    const { page, errors } = await open(url);
    await page.waitForFunction(() => window.__recgate !== undefined, null, { timeout: 60_000 }).catch(() => {});
    const answer = await page.evaluate(() => window.__recgate);
    await page.close();
    return [...errors, ...check(answer)];
  } finally {
    server.close();
  }
}

await timed('vite build (default entry, await init())', async () => browserApp(await viteBuild('vite')));
await timed('webpack 5 (default entry, no config)', async () => {
  const { dist, warnings } = await webpackBuild();
  // webpack's size hints are about the app, not the package's correctness.
  const real = warnings.filter((w) => !/asset size limit|entrypoint size limit|performance/i.test(w));
  return [...real.map((w) => `webpack warning: ${w}`), ...(await browserApp(dist))];
});
await timed('esbuild (README recipe: --loader:.wasm=file)', async () => browserApp(await esbuildBuild()));
await timed("vite worker (default format 'iife', /bundler, first message answered)", async () => browserApp(await viteBuild('worker')));
await timed("vite worker (format 'es')", async () => browserApp(await viteBuild('worker', { worker: { format: 'es' } })));

// ───────────── React StrictMode ─────────────

/** The React app's DOM, per user: the rows shown, each row's controls and its <Can> download. */
async function readReact(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('section[data-user]')].map((s) => [s.dataset.user, {
    revision: s.dataset.revision,
    rows: [...s.querySelectorAll('li[data-row]')].map((li) => ({
      id: li.dataset.row,
      controls: Object.fromEntries([...li.querySelectorAll('button[data-control]')].map((b) => [b.dataset.control, { status: b.dataset.status, words: b.title }])),
      download: { allowed: li.querySelector('[data-can]').dataset.allowed === 'true', reason: li.querySelector('[data-can]').dataset.reason, words: li.querySelector('[data-can]').title },
    })),
  }])));
}
function checkReact(dom, want, revision, controlsRef) {
  const problems = [];
  for (const u of users) {
    const got = dom[u];
    if (!got) { problems.push(`${u}: no section rendered`); continue; }
    if (got.revision !== revision) problems.push(`${u}: revision ${got.revision}, expected ${revision}`);
    const vis = expectedVisible(want, u);
    const ids = got.rows.map((r) => r.id);
    if (!isDeepStrictEqual(ids, vis)) problems.push(`${u}: useVisible ${JSON.stringify(ids)} but recgate eval shows ${JSON.stringify(vis)}`);
    for (const row of got.rows) {
      const i = rows.findIndex((r) => r.id === row.id);
      const d = want[u][i * permissions.length + permissions.indexOf('recording:recording:download')];
      if (row.download.allowed !== d.allow || row.download.reason !== d.reason) problems.push(`${u} ${row.id}: <Can> download ${JSON.stringify(row.download)} but recgate eval ${d.allow}/${d.reason}`);
      if (controlsRef) {
        const ref = Object.fromEntries(Object.entries(controlsRef[u][row.id]).map(([k, c]) => [k, { status: c.status, words: c.words }]));
        if (!isDeepStrictEqual(row.controls, ref)) problems.push(`${u} ${row.id}: useControls differs from gate.controls in Node`);
      }
    }
  }
  return problems;
}
await timed('react StrictMode (vite, development build; provider, hooks, <Can>, gate.update)', async () => {
  const typecheck = join(here, 'node_modules', '.bin', 'tsc');
  try {
    sh(typecheck, ['-p', join(here, 'react', 'tsconfig.json')]);
  } catch (e) {
    return [`tsc --strict: ${e.stdout ?? e}`];
  }
  const dist = await viteBuild('react', { mode: 'development', define: { 'process.env.NODE_ENV': '"development"' }, build: { outDir: join(out, 'dist', 'react'), emptyOutDir: true, minify: false } });
  const { server, url } = await serve(dist);
  try {
    const { page, errors } = await open(url);
    const problems = [];
    const first = await page.waitForFunction((n) => document.querySelectorAll('section[data-user]').length === n || window.__recgate, users.length, { timeout: 60_000 }).then(() => readReact(page), () => null);
    const failure = await page.evaluate(() => window.__recgate);
    if (failure) return [...errors, `failed: ${JSON.stringify(failure)}`];
    if (!first) return [...errors, 'nothing rendered'];
    problems.push(...checkReact(first, expected, acme.revision, reference?.controls));
    const effects = await page.evaluate(() => window.__recgateEffects);
    if (!(effects >= 2 * users.length)) problems.push(`effects ran ${effects} times: StrictMode's replay did not happen (not a development build?)`);
    // The policy is edited: every provider gets its user's new slice.
    const editedSlices = Object.fromEntries(users.map((u) => [u, readFileSync(join(out, 'slices-edited', `${u}.json`), 'utf8')]));
    await page.evaluate((s) => window.__recgateUpdate(s), editedSlices);
    await page.waitForFunction((rev) => [...document.querySelectorAll('section[data-user]')].every((s) => s.dataset.revision === rev), edited.revision, { timeout: 30_000 }).catch(() => {});
    const second = await readReact(page);
    problems.push(...checkReact(second, expectedEdited, edited.revision, null).map((p) => `after update: ${p}`));
    if (isDeepStrictEqual(first, second)) problems.push('the edit changed nothing on the page');
    await page.close();
    return [...errors, ...problems];
  } finally {
    server.close();
  }
});

// ───────────── Vite dev server, folder install ─────────────

await timed('vite dev server, folder install (npm install ../wasm-web; the README\'s server.fs.allow)', async () => {
  // What `npm install ../wasm-web` makes: a symlink to the folder.
  const app = mkdtempSync(join(tmpdir(), 'recgate-folder-install-'));
  try {
    cpSync(join(here, 'vite'), join(app, 'vite'), { recursive: true });
    cpSync(join(here, 'shared'), join(app, 'shared'), { recursive: true });
    mkdirSync(join(app, 'node_modules', '@recgate'), { recursive: true });
    symlinkSync(join(repo, 'wasm-web'), join(app, 'node_modules', '@recgate', 'web'), 'dir');
    writeFileSync(join(app, 'package.json'), '{"private":true,"type":"module"}');
    const server = await vite.createServer({
      root: join(app, 'vite'), configFile: false, ...quiet,
      // The README's setting for a folder install: the linked folder is outside the app.
      server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [app, join(repo, 'wasm-web')] } },
    });
    await server.listen();
    const base = server.resolvedUrls.local[0];
    try {
      // The dev server serves the app; the test's data comes from the harness.
      const { page, errors } = await open(base, (p) => p.route(/\/(scenario\.json|slices\/.*)$/, (r) => r.fulfill({
        contentType: 'application/json', body: readFileSync(join(out, new URL(r.request().url()).pathname.slice(1))),
      })));
      await page.waitForFunction(() => window.__recgate !== undefined, null, { timeout: 60_000 }).catch(() => {});
      const answer = await page.evaluate(() => window.__recgate);
      await page.close();
      return [...errors.filter((e) => !/\[vite\]/.test(e)), ...check(answer)];
    } finally {
      await server.close();
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});

await browser.close();

// ───────────── types ─────────────

await timed('types: moduleResolution "node" finds every entry (typesVersions)', async () => {
  try {
    sh(join(here, 'node_modules', '.bin', 'tsc'), ['-p', join(here, 'types', 'tsconfig.node10.json')]);
    return [];
  } catch (e) {
    return [`tsc: ${e.stdout ?? e}`];
  }
});

const failed = results.filter((r) => r.problems.length > 0).length;
console.log(`\nconsumers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
