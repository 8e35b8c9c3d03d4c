// End-to-end test of the "Who can see this recording?" panel and the access
// review link, in headless Chromium against the demo's Node server
// (scripts/serve-www.mjs, whose analysis API runs the recgate CLI).
//
// The expectations are computed here, independently of who-can: every user
// of examples/acme.json, alone and impersonated by every other, is decided
// by `recgate eval` over the whole policy for the recording's media view
// permission and for metadata view. The panel must list exactly those — also
// users the signed-in user's slice does not contain, which proves the answer
// is the server's. Editing the policy in the workbench changes the answer and
// the access review.
//
// Needs what www/test/e2e.test.mjs needs (scripts/test-www.sh prepares it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { request as httpRequest } from 'node:http';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(root, 'target', 'release', 'recgate');
const POLICY_FILE = join(root, 'examples', 'acme.json');
const POLICY = JSON.parse(readFileSync(POLICY_FILE, 'utf8'));
const DATA = JSON.parse(readFileSync(join(root, 'www', 'data', 'recordings.json'), 'utf8'));
const NOW = DATA.now;
const OUT = join(root, 'test-output', 'www');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const WAIT_MS = 15000;
const TEST_MS = 120000;
const USERS = Object.keys(POLICY.users);
const FIELDS = ['id', 'conversationId', 'media', 'direction', 'owner', 'participants', 'queue', 'divisions',
  'region', 'line', 'createdAt', 'retentionDays', 'legalHold', 'sensitive', 'live', 'related'];
const attrs = (rec) => Object.fromEntries(FIELDS.filter((k) => rec[k] !== undefined).map((k) => [k, rec[k]]));
const mediaView = (rec) => (rec.media === 'screen' ? 'recording:screenRecording:view' : 'recording:recording:view');

/** Every principal, and every (actor, principal) pair, `recgate eval` allows `permission` on `rec`. */
function reference(permission, rec, policyFile = POLICY_FILE) {
  const asks = [];
  for (const p of USERS) {
    asks.push({ p });
    for (const a of USERS) if (a !== p) asks.push({ p, a });
  }
  const lines = asks.map(({ p, a }) => JSON.stringify({ principal: p, ...(a ? { actor: a } : {}), permission, resource: { type: 'recording', ...attrs(rec) }, now: NOW }));
  const r = spawnSync(CLI, ['eval', '--policy', policyFile], {
    input: lines.join('\n') + '\n', encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const principals = asks.filter((x, i) => !x.a && out[i].allow).map((x) => x.p);
  const actors = asks.filter((x, i) => x.a && out[i].allow).map((x) => `${x.a}>${x.p}`);
  return { principals, actors };
}

let server;
let baseUrl;
let browser;
let page;
const problems = [];

function startServer() {
  return new Promise((resolvePromise, reject) => {
    server = spawn(process.execPath, [join(root, 'scripts', 'serve-www.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => reject(new Error('serve-www did not start in 10 s')), 10000);
    server.on('exit', (code) => reject(new Error(`serve-www exited early (${code})`)));
    createInterface({ input: server.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (!m) return reject(new Error(`unexpected serve-www output: ${line}`));
      resolvePromise(m[1]);
    });
  });
}

function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
  }
}
process.on('exit', stopServer);

/** What the panel shows once it has the server's answer for `recId`. */
async function panelFor(recId) {
  await page.waitForSelector(`#whocan[data-state="ready"][data-recording="${recId}"]`);
  return page.evaluate(() => {
    const list = (kind) => [...document.querySelectorAll(`#whocan ul[data-kind="${kind}"] li`)];
    return {
      principals: list('media').filter((li) => li.dataset.principal && !li.dataset.actor).map((li) => li.dataset.principal),
      actors: list('media').filter((li) => li.dataset.actor).map((li) => `${li.dataset.actor}>${li.dataset.principal}`),
      metadataOnly: list('metadata').filter((li) => li.dataset.principal && !li.dataset.actor).map((li) => li.dataset.principal),
      text: document.querySelector('#whocan').textContent,
    };
  });
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  baseUrl = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(baseUrl) && !/^(blob|data):/.test(r.url())) problems.push(`request outside localhost: ${r.url()}`); });
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    stopServer();
  }
});

test('the panel lists exactly whom the whole policy allows, for every recording a user can open', { timeout: TEST_MS }, async () => {
  let checked = 0;
  let beyondSlice = 0;
  for (const rec of DATA.recordings) {
    const play = reference(mediaView(rec), rec);
    const meta = reference('recording:metadata:view', rec);
    const viewer = play.principals[0] ?? meta.principals[0];
    if (!viewer) continue; // nobody can open it in the page
    await page.goto(`${baseUrl}?user=${viewer}&rec=${rec.id}`);
    await page.waitForSelector('body[data-ready="true"]');
    const shown = await panelFor(rec.id);
    assert.deepEqual(shown.principals, play.principals, `${rec.id}: who may play`);
    assert.deepEqual([...shown.actors].sort(), [...play.actors].sort(), `${rec.id}: who may play by impersonation`);
    assert.deepEqual(shown.metadataOnly, meta.principals.filter((p) => !play.principals.includes(p)), `${rec.id}: metadata only`);
    const slice = JSON.parse(await page.textContent('#slice-json'));
    beyondSlice += shown.principals.filter((p) => !(p in (slice.users ?? {}))).length;
    checked += 1;
  }
  assert.ok(checked >= 10, `recordings checked: ${checked}`);
  assert.ok(beyondSlice > 0, 'the panel names principals the signed-in user\'s slice does not hold');
  await page.goto(`${baseUrl}?user=b-em-1&rec=rec-bpo-call-1`);
  await page.waitForSelector('body[data-ready="true"]');
  const bpo = await panelFor('rec-bpo-call-1');
  assert.ok(bpo.actors.includes('svc-bpo>b-em-1'), 'the BPO integration acting for Dana');
  await page.screenshot({ path: join(OUT, 'whocan.png'), fullPage: true });
  assert.deepEqual(problems.splice(0), []);
});

test('a policy edited in the workbench changes the answer and the access review', { timeout: TEST_MS }, async () => {
  const rec = DATA.recordings.find((r) => r.id === 'rec-us-call-1');
  await page.goto(`${baseUrl}?user=qa-1&rec=${rec.id}`);
  await page.waitForSelector('body[data-ready="true"]');
  const before = await panelFor(rec.id);
  assert.ok(before.principals.includes('sup-us'));
  const edited = structuredClone(POLICY);
  edited.revision = 'acme-edited-in-the-workbench';
  edited.roles['internal-supervisor'].denies = [{ permission: 'recording:recording:view' }];
  const text = JSON.stringify(edited, null, 2);
  const editedFile = join(OUT, 'whocan-edited.json');
  writeFileSync(editedFile, text);
  await page.fill('#policy-text', text);
  await page.waitForFunction(() => document.querySelector('#policy-status').textContent.includes('acme-edited-in-the-workbench'));
  await page.waitForFunction(() => document.querySelector('#whocan')?.textContent.includes('acme-edited-in-the-workbench'));
  const after = await panelFor(rec.id);
  const want = reference('recording:recording:view', rec, editedFile);
  assert.deepEqual(after.principals, want.principals);
  assert.ok(!after.principals.includes('sup-us'), 'the deny took sup-us off the list');

  const href = await page.getAttribute('#access-review', 'href');
  const review = await page.request.get(new URL(href, baseUrl).href);
  assert.equal(review.status(), 200);
  assert.match(review.headers()['content-type'], /^text\/html/);
  const html = await review.text();
  assert.match(html, /acme-edited-in-the-workbench/);
  assert.match(html, /destructive-spread/);
  assert.doesNotMatch(html, /<script|<link|src=/i, 'one self-contained page');
  const reviewPage = await page.context().newPage();
  await reviewPage.goto(new URL(href, baseUrl).href);
  assert.equal(await reviewPage.textContent('h1'), 'Access review: recordings');
  await reviewPage.screenshot({ path: join(OUT, 'access-review.png'), fullPage: false });
  await reviewPage.close();
  assert.deepEqual(problems.splice(0), []);
});

test('the server refuses what it cannot answer, and an invalid policy is not adopted', { timeout: TEST_MS }, async () => {
  const bad = await page.request.post(new URL('/api/who-can', baseUrl).href, { data: { permission: 'recording:*:view', resource: { type: 'recording', id: 'r' }, now: NOW } });
  assert.equal(bad.status(), 400);
  assert.match((await bad.json()).error, /not a catalog permission/);
  const invalid = await page.request.put(new URL('/api/policy', baseUrl).href, {
    data: '{"schema":"recgate/v1","revision":"x","roles":{"r":{"grants":[{"permission":"recording:recording:veiw"}]}}}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(invalid.status(), 422);
  const body = await invalid.json();
  assert.equal(body.ok, false);
  assert.ok(body.errors.some((e) => e.path === '/roles/r/grants/0/permission'));
});

// The API has no sign-in: it answers the demo's own page and nothing else.
test('the analysis API refuses another site: a foreign Host (DNS rebinding) and a body not sent as JSON', { timeout: TEST_MS }, async () => {
  const { port } = new URL(baseUrl);
  const ask = (path, method, headers, body) => new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => done({ status: res.statusCode, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
  const policy = readFileSync(POLICY_FILE, 'utf8');
  const question = JSON.stringify({ permission: 'recording:recording:view', resource: { type: 'recording', id: 'r' }, now: NOW });
  for (const host of [`rebound.example:${port}`, `127.0.0.1.rebound.example:${port}`, 'localhost']) {
    const put = await ask('/api/policy', 'PUT', { host, 'content-type': 'application/json' }, policy);
    assert.equal(put.status, 403, `${host}: ${put.text}`);
    const review = await ask('/api/review.html', 'GET', { host });
    assert.equal(review.status, 403, `${host}: ${review.text}`);
  }
  // A cross-site form or fetch may send text/plain without a preflight.
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
    const headers = { host: `127.0.0.1:${port}`, ...(type ? { 'content-type': type } : {}) };
    const put = await ask('/api/policy', 'PUT', headers, policy);
    assert.equal(put.status, 415, `${type}: ${put.text}`);
    const who = await ask('/api/who-can', 'POST', headers, question);
    assert.equal(who.status, 415, `${type}: ${who.text}`);
  }
  // The page's own requests still work, by either loopback name.
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
    const who = await ask('/api/who-can', 'POST', { host, 'content-type': 'application/json; charset=utf-8' }, question);
    assert.equal(who.status, 200, `${host}: ${who.text}`);
    const answer = JSON.parse(who.text);
    assert.equal(answer.permission, 'recording:recording:view');
    assert.equal(answer.id, 'r');
    assert.ok(Array.isArray(answer.principals), who.text);
  }
});
