// End-to-end tests of the demo page (www/) in headless Chromium.
//
// The expectations are computed independently of the page: every request is
// built here from SPEC §6 (which permission each player control needs) and
// decided by the reference, the native CLI (`target/release/recgate eval`)
// over the whole organisation policy. The page decides in the browser from
// the signed-in user's slice; both must agree for every user, every visible
// row and every control. The words the page shows are the core's: each one
// is what the package (in Node, over the whole policy) gives for the same
// control, a sample of them is what `recgate explain` says, and a few are
// spelt out here — so removing or changing the core's words changes what the
// page shows, and the page has none of its own.
//
// One browser and one page for the whole file: a test that needs fresh
// demo state (the page's in-memory recordings store) navigates again. No
// fixed sleeps: every wait is for a condition. A disabled control is never
// clicked (Playwright rightly refuses aria-disabled buttons): its state and
// reason text are read instead.
//
// Needs: wasm-web/pkg-web (wasm-web/build.sh), target/release/recgate,
// playwright-core in the root node_modules, Chromium at $CHROMIUM_BIN
// (default /usr/bin/chromium). scripts/test-www.sh prepares and runs this.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { Gate, initSync } from '../../wasm-web/js/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(root, 'target', 'release', 'recgate');
const POLICY_FILE = join(root, 'examples', 'acme.json');
const POLICY_TEXT = readFileSync(POLICY_FILE, 'utf8');
const POLICY = JSON.parse(POLICY_TEXT);
const DATA = JSON.parse(readFileSync(join(root, 'www', 'data', 'recordings.json'), 'utf8'));
const NOW = DATA.now;
const OUT = join(root, 'test-output', 'www');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
// Every wait is for a condition; this only bounds how long a broken page is waited for.
const WAIT_MS = 10000;
const TEST_MS = 60000; // a test's bound: failures end early instead of hanging the run

// The core's words, in Node over the whole policy: what the page (from its
// slice) must show for each control.
initSync(readFileSync(join(root, 'wasm-web', 'pkg-web', 'recgate_web_bg.wasm')));
const WORDS = Gate.fromPolicy(POLICY_TEXT);

// ── the reference: requests built here, decided by the CLI ──────────────

const SPEC_FIELDS = ['id', 'conversationId', 'media', 'direction', 'owner', 'participants', 'queue', 'divisions',
  'region', 'line', 'createdAt', 'retentionDays', 'legalHold', 'sensitive', 'live', 'related'];
const attrs = (rec) => Object.fromEntries(SPEC_FIELDS.filter((k) => rec[k] !== undefined).map((k) => [k, rec[k]]));

/** SPEC §6: the permission each player control needs on a recording. */
function controlPermission(control, rec) {
  const screen = rec.media === 'screen';
  switch (control) {
    case 'play': return screen ? 'recording:screenRecording:view' : 'recording:recording:view';
    case 'download': return screen ? 'recording:screenRecording:download' : 'recording:recording:download';
    case 'delete': return screen ? 'recording:screenRecording:delete' : 'recording:recording:delete';
    case 'blackout': return 'recording:recording:blackout';
    case 'bookmark': return 'recording:annotation:add';
    case 'viewBookmarks': return 'recording:annotation:view';
    case 'transcript': return 'conversation:transcript:view';
    case 'monitorLive': return 'conversation:call:monitor';
    case 'editRetention': return 'recording:recording:editRetention';
    case 'legalHold': return rec.legalHold ? 'recording:deletionProtection:revoke' : 'recording:deletionProtection:apply';
    default: throw new Error(control);
  }
}
const CONTROLS = ['play', 'download', 'delete', 'blackout', 'bookmark', 'viewBookmarks', 'transcript', 'monitorLive', 'editRetention', 'legalHold'];
const SENSITIVE_DATA = 'recording:recording:viewSensitiveData';

function request(session, permission, rec) {
  const resource = permission.startsWith('recording:annotation:')
    // Adding or listing bookmarks: asked on a new public bookmark of the principal's.
    ? { type: 'annotation', id: 'new', author: session.principal, visibility: 'public', recording: attrs(rec) }
    : { type: 'recording', ...attrs(rec) };
  const req = { principal: session.principal, permission, resource, now: NOW };
  if (session.actor) req.actor = session.actor;
  return req;
}

/** Decides requests with `recgate eval` (one JSON line in, one out). */
function cliEval(requests, policyFile = POLICY_FILE) {
  const r = spawnSync(CLI, ['eval', '--policy', policyFile], {
    input: requests.map((q) => JSON.stringify(q)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60000,
  });
  assert.equal(r.status, 0, `recgate eval failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, requests.length);
  return lines;
}

function cliLint(policyFile) {
  const r = spawnSync(CLI, ['lint', policyFile, '--format', 'json'], { encoding: 'utf8', timeout: 60000 });
  assert.ok(r.status === 0 || r.status === 1, `recgate lint failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout);
  return (Array.isArray(parsed) ? parsed : parsed.findings).map((f) => f.id).sort();
}

/** Every way to sign in: each user, then the dataset's integrations acting for a user. */
const SESSIONS = [
  ...Object.keys(POLICY.users).map((id) => ({ key: id, principal: id, actor: null })),
  ...DATA.sessions.filter((s) => POLICY.users[s.actor] && POLICY.users[s.principal])
    .map((s) => ({ key: `${s.actor}>${s.principal}`, principal: s.principal, actor: s.actor })),
];

/**
 * What the reference decides for every session: the visible rows (media or
 * metadata only), every control, and whether the session may hear sensitive
 * data unredacted.
 */
function expectations() {
  const reqs = [];
  const slots = [];
  const ask = (slot, req) => { slots.push(slot); reqs.push(req); };
  for (const s of SESSIONS) {
    for (const rec of DATA.recordings) {
      ask({ s, rec, kind: 'media' }, request(s, controlPermission('play', rec), rec));
      ask({ s, rec, kind: 'metadata' }, request(s, 'recording:metadata:view', rec));
      ask({ s, rec, kind: 'sensitive' }, request(s, SENSITIVE_DATA, rec));
      for (const c of CONTROLS) ask({ s, rec, kind: 'control', control: c }, request(s, controlPermission(c, rec), rec));
    }
  }
  const decisions = cliEval(reqs);
  const out = new Map(SESSIONS.map((s) => [s.key, { session: s, rows: [] }]));
  let row = null;
  slots.forEach((slot, i) => {
    const d = decisions[i];
    const e = out.get(slot.s.key);
    if (slot.kind === 'media') {
      row = { rec: slot.rec, media: d.allow, controls: {} };
    } else if (slot.kind === 'metadata') {
      row.access = row.media ? 'media' : d.allow ? 'metadata' : 'hidden';
      if (row.access !== 'hidden') e.rows.push(row);
    } else if (slot.kind === 'sensitive') {
      row.sensitiveData = d.allow;
    } else {
      const words = WORDS.controls(slot.s.actor ? { principal: slot.s.principal, actor: slot.s.actor } : slot.s.principal, slot.rec, NOW)[slot.control];
      row.controls[slot.control] = { ...d, permission: controlPermission(slot.control, slot.rec), words: words.words, status: words.status };
    }
  });
  return out;
}

/** `recgate explain --format json` of one request: its words. */
function cliWords(req) {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-www-explain-'));
  try {
    const file = join(dir, 'request.json');
    writeFileSync(file, JSON.stringify(req));
    const r = spawnSync(CLI, ['explain', '--policy', POLICY_FILE, '--request', file, '--format', 'json'], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, `recgate explain failed: ${r.stderr}`);
    return JSON.parse(r.stdout).words;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ── the labels the page uses (its own: what each button is called) ──────

const LABELS = {
  play: (r) => (r.media === 'chat' || r.media === 'email' ? 'Open' : 'Play'),
  download: () => 'Download', delete: () => 'Delete', blackout: () => 'Blackout', bookmark: () => 'Add bookmark',
  viewBookmarks: () => 'Bookmarks', transcript: () => 'Transcript', monitorLive: () => 'Monitor live',
  editRetention: () => 'Retention', legalHold: (r) => (r.legalHold ? 'Release hold' : 'Legal hold'),
};
const MEDIA_LABEL = { audio: 'Call', screen: 'Screen', chat: 'Chat', email: 'Email' };

/** The control's state as the CLI's decision implies it: a control whose permission does not apply is not applicable. */
const statusOf = (d) => (d.allow ? 'allowed' : d.reason === 'invalid_request' ? 'notApplicable' : 'denied');

// ── harness: one server, one browser, one page ──────────────────────────

let server;
let baseUrl;
let browser;
let page;
let expected;
const problems = []; // console errors, page errors, requests leaving 127.0.0.1

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
// Also when a failure skips `after` (an uncaught error ends the run), and
// on a signal: Playwright's own SIGTERM handler closes the browser but does
// not end the process.
process.on('exit', stopServer);
for (const [sig, code] of [['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.once(sig, () => {
    stopServer();
    const closing = browser ? browser.close().catch(() => {}) : Promise.resolve();
    Promise.race([closing, new Promise((r) => setTimeout(r, 3000))]).finally(() => process.exit(code));
  });
}

/** Loads the page afresh (a new in-memory demo store) and waits until it is ready. */
async function load(query = '') {
  await page.goto(baseUrl + query);
  await page.waitForSelector('body[data-ready="true"]');
}

/** The problems seen since the last call. */
const takeProblems = () => problems.splice(0);

async function signIn(key) {
  await page.selectOption('#user', key);
  await page.waitForFunction((k) => new URLSearchParams(location.search).get('user') === k, key);
}

/** Clicks a control that must be enabled; a disabled one is a failure here, not a 10 s wait. */
async function clickEnabled(control) {
  assert.equal(await page.getAttribute(`#ctl-${control}`, 'aria-disabled'), 'false', `#ctl-${control} is enabled`);
  await page.click(`#ctl-${control}`);
}

const rowsOf = () => page.$$eval('#rows button.row', (bs) => bs.map((b) => ({ id: b.dataset.id, access: b.dataset.access })));

/** Everything the player shows for the selected recording, read in one round trip. */
const playerState = () => page.evaluate(() => {
  const stage = document.querySelector('#stage');
  const explain = document.querySelector('#explain');
  return {
    current: document.querySelector('#rows button.row[aria-current="true"]')?.dataset.id ?? null,
    controls: [...document.querySelectorAll('button.ctl')].map((b) => {
      const why = b.getAttribute('aria-describedby');
      return {
        control: b.dataset.control,
        status: b.dataset.status,
        reason: b.dataset.reason,
        permission: b.dataset.permission,
        ariaDisabled: b.getAttribute('aria-disabled'),
        disabledAttr: b.hasAttribute('disabled'),
        title: b.title,
        label: b.querySelector('.ctl-label').textContent,
        why: why ? document.getElementById(why)?.textContent ?? null : '',
      };
    }),
    meta: Object.fromEntries([...document.querySelectorAll('#player dl.meta > div')]
      .map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent])),
    mediaElements: [...stage.querySelectorAll('audio, video')].map((m) => ({ tag: m.localName, blob: m.src.startsWith('blob:') })),
    mediaContent: stage.querySelectorAll('[data-testid="media"]').length,
    metadataOnly: stage.querySelectorAll('[data-testid="metadata-only"]').length,
    metadataWhy: stage.querySelector('[data-testid="metadata-why"]')?.textContent ?? null,
    redactedNotice: document.querySelectorAll('[data-testid="redacted"]').length,
    masked: stage.querySelectorAll('.redacted').length,
    stageText: stage.textContent,
    explain: {
      control: explain.dataset.control ?? null,
      reason: explain.dataset.reason ?? null,
      allow: explain.dataset.allow ?? null,
      steps: explain.querySelectorAll('ol.steps li').length,
      words: explain.querySelector('[data-testid="words"]')?.textContent ?? '',
    },
  };
});

before(async () => {
  expected = expectations();
  mkdirSync(OUT, { recursive: true });
  baseUrl = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: false });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(baseUrl) && !/^(blob|data):/.test(r.url())) problems.push(`request outside localhost: ${r.url()}`); });
  await load();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    stopServer();
  }
});

// ── tests ───────────────────────────────────────────────────────────────

describe('every user sees what the core decides', () => {
  test('the user switcher offers every user of examples/acme.json and the integration acting for a BPO agent', { timeout: TEST_MS }, async () => {
    const keys = await page.$$eval('#user option', (os) => os.map((o) => o.value));
    assert.deepEqual([...keys].sort(), SESSIONS.map((s) => s.key).sort());
    assert.ok(keys.includes('svc-bpo>b-em-1'), 'svc-bpo acting for b-em-1');
    assert.deepEqual(takeProblems(), []);
  });

  for (const s of SESSIONS) {
    test(`${s.actor ? `${s.actor} acting for ${s.principal}` : s.principal}: rows, access, every control, media and trace`, { timeout: TEST_MS }, async () => {
      const want = expected.get(s.key);
      await signIn(s.key);
      const rows = await rowsOf();
      assert.deepEqual(rows, want.rows.map((r) => ({ id: r.rec.id, access: r.access })), 'visible rows in input order, media or metadata only');
      if (!rows.length) {
        assert.match(await page.textContent('#rows'), /No recordings for you/);
        // A refused session's empty list gives the refusal in the core's words, not a cause of its own.
        const refusal = WORDS.refusal(s.actor ? { principal: s.principal, actor: s.actor } : s.principal, NOW);
        assert.equal(await page.getAttribute('#rows li.empty', 'data-reason'), refusal?.reason ?? '', `${s.key}: the empty list's reason`);
        if (refusal) assert.ok((await page.textContent('#rows li.empty')).includes(refusal.words), `${s.key}: the refusal's words in the empty list`);
      }

      for (const row of want.rows) {
        const rec = row.rec;
        await page.click(`#rows button.row[data-id="${rec.id}"]`);
        const got = await playerState();
        assert.equal(got.current, rec.id, `${rec.id}: selected (aria-current)`);

        // Every control: state, reason code, permission, label and reason in words.
        assert.deepEqual(got.controls.map((c) => c.control), CONTROLS, `${rec.id}: every control, in order`);
        for (const c of got.controls) {
          const d = row.controls[c.control];
          const where = `${s.key} / ${rec.id} / ${c.control}`;
          assert.equal(c.ariaDisabled, d.allow ? 'false' : 'true', `${where}: enabled state (core: ${d.reason})`);
          assert.equal(c.status, statusOf(d), `${where}: status`);
          assert.equal(c.status, d.status, `${where}: status, as the package says`);
          // A control that does not apply has no reason code; every other one has the CLI's.
          assert.equal(c.reason, c.status === 'notApplicable' ? '' : d.reason, `${where}: reason code`);
          assert.equal(c.permission, d.permission, `${where}: permission`);
          assert.equal(c.disabledAttr, false, `${where}: stays focusable (aria-disabled, not disabled)`);
          assert.equal(c.label, LABELS[c.control](rec), `${where}: label`);
          assert.equal(c.why ?? '', d.words, `${where}: the core's words`);
          assert.equal(c.title, c.why ? `${c.label} — ${c.why}` : c.label, `${where}: title`);
          if (!d.allow) assert.ok(c.why, `${where}: a disabled control carries its reason (aria-describedby)`);
          if (!d.allow) assert.notEqual(c.why, d.reason, `${where}: words, not a reason code`);
        }

        // The metadata, for media and metadata-only rows alike.
        assert.equal(got.meta.Media, MEDIA_LABEL[rec.media], `${rec.id}: media shown`);
        assert.equal(got.meta.Agent, rec.owner, `${rec.id}: agent shown`);
        assert.match(got.meta.Recorded ?? '', /UTC$/, `${rec.id}: recording time shown`);

        // The stage: media, or metadata only with no media at all.
        if (row.access === 'metadata') {
          assert.deepEqual(got.mediaElements, [], `${rec.id}: no <audio>/<video> for a metadata-only row`);
          assert.equal(got.mediaContent, 0, `${rec.id}: no media content for a metadata-only row`);
          assert.equal(got.metadataOnly, 1, `${rec.id}: says it is metadata only`);
          // Why not the media, in the core's words for the play control, as the CLI says them.
          assert.ok(row.controls.play.words, `${rec.id}: the core has words for the refused play`);
          assert.equal(got.metadataWhy, row.controls.play.words, `${rec.id}: metadata only, in the core's words`);
          for (const line of rec.details.script ?? []) assert.ok(!got.stageText.includes(line.text), `${rec.id}: no transcript text`);
        } else {
          const tag = rec.media === 'audio' ? 'audio' : rec.media === 'screen' ? 'video' : null;
          if (tag) assert.deepEqual(got.mediaElements, [{ tag, blob: true }], `${rec.id}: a <${tag}> on generated media`);
          else assert.equal(got.mediaContent, 1, `${rec.id}: the ${rec.media} content`);
          assert.equal(got.metadataOnly, 0);

          // Redacted exactly when a sensitive recording is played without viewSensitiveData.
          const redact = row.controls.play.obligations.some((o) => o.type === 'redact');
          assert.equal(redact, rec.sensitive === true && !row.sensitiveData, `${rec.id}: the core redacts iff sensitive without ${SENSITIVE_DATA}`);
          assert.equal(got.redactedNotice, redact ? 1 : 0, `${rec.id}: redaction notice iff the play decision carries redact`);
          if (redact && !tag) {
            assert.ok(got.masked > 0, `${rec.id}: sensitive text masked`);
            for (const line of rec.details.script.filter((l) => l.sensitive)) assert.ok(!got.stageText.includes(line.text), `${rec.id}: sensitive text not shown`);
          }
        }

        // The trace panel explains the last decision: on selection, the play decision.
        assert.equal(got.explain.control, 'play', `${rec.id}: the trace is of the play decision`);
        assert.equal(got.explain.reason, row.controls.play.reason, `${rec.id}: the trace's reason is the core's`);
        assert.equal(got.explain.allow, String(row.controls.play.allow));
        assert.ok(got.explain.steps >= 2, `${rec.id}: the trace lists the steps`);
        assert.equal(got.explain.words, row.controls.play.words, `${rec.id}: the trace says the decision in the core's words`);
      }

      // The browser holds a slice, not the organisation.
      const users = await page.$eval('#slice-json', (el) => Object.keys(JSON.parse(el.textContent).users ?? {}));
      assert.ok(users.length < Object.keys(POLICY.users).length, `${s.key}: the slice has fewer users than the organisation`);
      assert.ok(users.includes(s.actor ?? s.principal), 'the slice holds the signed-in user');

      if (want.rows.length) await page.click(`#rows button.row[data-id="${want.rows[0].rec.id}"]`);
      await page.screenshot({ path: join(OUT, `${s.key.replace('>', '-as-')}.png`), fullPage: true });
      assert.deepEqual(takeProblems(), [], 'no console errors, page errors or requests beyond 127.0.0.1');
    });
  }
});

describe('the words are the core\'s', () => {
  test('one control of every reason: the page\'s words are what recgate explain says for the same request', { timeout: TEST_MS }, async () => {
    const seen = new Map(); // status/reason → one control that has it
    for (const { session, rows } of expected.values()) {
      for (const row of rows) {
        for (const [control, d] of Object.entries(row.controls)) {
          const key = `${d.status}/${d.reason}/${d.obligations.length}`;
          if (!seen.has(key)) seen.set(key, { session, row, control, d });
        }
      }
    }
    assert.ok(seen.size >= 8, `the demo shows many kinds of state (${[...seen.keys()].join(', ')})`);
    for (const { session, row, control, d } of seen.values()) {
      const words = cliWords(request(session, d.permission, row.rec));
      assert.equal(d.words, words, `${session.key} / ${row.rec.id} / ${control}: the package and the CLI say the same`);
      await load(`?user=${encodeURIComponent(session.key)}&rec=${row.rec.id}`);
      const got = await page.evaluate((c) => {
        const b = document.querySelector(`#ctl-${c}`);
        const why = b.getAttribute('aria-describedby');
        return why ? document.getElementById(why).textContent : '';
      }, control);
      assert.equal(got, words, `${session.key} / ${row.rec.id} / ${control}: the page shows them`);
    }
    assert.deepEqual(takeProblems(), []);
  });
});

describe('the policy panel', () => {
  /**
   * Edits the policy as a user does: selects the first `find` after `anchor`
   * in the textarea and types `replace` over it (one input event). Returns
   * the whole text now in the panel.
   */
  async function editPolicy(anchor, find, replace) {
    const at = await page.$eval('#policy-text', (ta, [a, f]) => {
      const i = ta.value.indexOf(f, Math.max(0, ta.value.indexOf(a)));
      if (i >= 0) {
        ta.focus();
        ta.setSelectionRange(i, i + f.length);
      }
      return i;
    }, [anchor, find]);
    assert.ok(at >= 0, `the policy text has ${find} after ${anchor}`);
    await page.keyboard.insertText(replace);
    return page.inputValue('#policy-text');
  }
  const lintIds = () => page.$$eval('#lint [data-lint]', (ls) => ls.map((l) => l.dataset.lint).sort());

  test('adding a deny disables the control at once; invalid edits show errors with paths; lint is live', { timeout: TEST_MS }, async () => {
    await load('?user=sradmin-1&rec=rec-us-screen-1');
    const del = page.locator('#ctl-delete');
    assert.equal(await page.inputValue('#policy-text'), POLICY_TEXT, 'the panel holds examples/acme.json');
    assert.deepEqual(await lintIds(), cliLint(POLICY_FILE), 'lint of the policy in force');

    // Delete is allowed: the confirmation opens; cancelling keeps the trace of that decision.
    await clickEnabled('delete');
    await page.locator('#dialog').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.locator('#dialog').waitFor({ state: 'hidden' });
    assert.equal(await page.getAttribute('#explain', 'data-control'), 'delete');
    assert.equal(await page.getAttribute('#explain', 'data-allow'), 'true');

    const dir = mkdtempSync(join(tmpdir(), 'recgate-www-'));
    const file = join(dir, 'policy.json');
    try {
      // Add a deny to the role: the reference, deciding on the very text in the panel, says denied; so does the page, at once.
      const denied = await editPolicy('"screen-recording-admin": {', '"screen-recording-admin": {',
        '"screen-recording-admin": {\n      "denies": [{ "permission": "recording:screenRecording:delete" }],');
      writeFileSync(file, denied);
      const rec = DATA.recordings.find((r) => r.id === 'rec-us-screen-1');
      const [ref] = cliEval([request({ principal: 'sradmin-1' }, 'recording:screenRecording:delete', rec)], file);
      assert.equal(ref.reason, 'denied');
      await page.waitForFunction(() => document.querySelector('#ctl-delete').getAttribute('aria-disabled') === 'true', null, { timeout: 3000 });
      assert.equal(await del.getAttribute('data-reason'), ref.reason);
      assert.equal(await page.textContent(`#${await del.getAttribute('aria-describedby')}`), 'denied by role Screen Recording Admin');
      assert.equal(await del.getAttribute('title'), 'Delete — denied by role Screen Recording Admin');
      assert.equal(await page.getAttribute('#rows button.row[aria-current="true"]', 'data-id'), 'rec-us-screen-1', 'selection kept');
      assert.match(await page.textContent('#policy-status'), /Valid and in force/);
      // The trace panel shows the last decision again under the new policy: the deny that matched.
      assert.equal(await page.getAttribute('#explain', 'data-control'), 'delete');
      assert.equal(await page.getAttribute('#explain', 'data-reason'), 'denied');
      assert.match(await page.textContent('#explain'), /Matched/);

      // Typos: every problem with its JSON pointer, as recgate validate reports them; the last valid policy stays in force.
      await editPolicy('"denies": [{', 'recording:screenRecording:delete', 'recording:screnRecording:delete');
      const typo = await editPolicy('"qa-1": {', '"roles"', '"rolez"');
      await page.waitForFunction(() => [...document.querySelectorAll('#policy-errors:not([hidden]) .path')].some((e) => e.textContent === '/users/qa-1/rolez'));
      const errors = await page.$$eval('#policy-errors li', (ls) => ls.map((l) => ({ path: l.querySelector('.path').textContent, message: l.querySelector('span').textContent })));
      writeFileSync(file, typo);
      const v = spawnSync(CLI, ['validate', file, '--format', 'json'], { encoding: 'utf8', timeout: 60000 });
      assert.equal(v.status, 1);
      const cliErrors = JSON.parse(v.stdout);
      const cliPaths = (Array.isArray(cliErrors) ? cliErrors : cliErrors.errors).map((e) => e.path).sort();
      assert.deepEqual(errors.map((e) => e.path).sort(), cliPaths, 'the same error paths as recgate validate');
      assert.ok(errors.some((e) => e.path === '/roles/screen-recording-admin/denies/0/permission' && /unknown permission/.test(e.message)));
      assert.match(await page.textContent('#policy-status'), /Not applied/);
      assert.equal(await del.getAttribute('data-reason'), 'denied', 'the last valid policy stays in force');

      // Not JSON at all.
      await page.fill('#policy-text', '{ "schema": ');
      await page.waitForFunction(() => document.querySelector('#policy-errors li .path')?.textContent === '(document)');

      // Reset: back to examples/acme.json, the deny gone.
      await page.click('#policy-reset');
      await page.waitForFunction(() => document.querySelector('#ctl-delete').getAttribute('aria-disabled') === 'false');
      assert.equal(await page.inputValue('#policy-text'), POLICY_TEXT);
      assert.equal(await page.locator('#policy-errors').isHidden(), true, 'errors cleared once valid');
      assert.deepEqual(await lintIds(), cliLint(POLICY_FILE));

      // Lint findings follow each edit, as recgate lint reports them.
      await editPolicy('"settings"', '"recordingMode": "interactions"', '"recordingMode": "continuous"');
      const linted = await editPolicy('"settings"', '"consentNotice": true', '"consentNotice": false');
      await page.waitForSelector('#lint [data-lint="consent-notice-off"]');
      writeFileSync(file, linted);
      const ids = await lintIds();
      assert.deepEqual(ids, cliLint(file));
      assert.ok(ids.includes('record-all'));
      assert.equal(await page.textContent('#lint-count'), String(ids.length));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(takeProblems(), []);
  });
});

describe('player actions', () => {
  test('delete asks for confirmation and lists the cascade; confirming deletes the related recordings too', { timeout: TEST_MS }, async () => {
    await load('?user=sradmin-1&rec=rec-us-call-1');
    const rec = DATA.recordings.find((r) => r.id === 'rec-us-call-1');
    const [ref] = cliEval([request({ principal: 'sradmin-1' }, 'recording:recording:delete', rec)]);
    const cascade = ref.obligations.find((o) => o.type === 'cascade').ids;
    assert.deepEqual(cascade, ['rec-us-screen-1']);

    // By keyboard: Enter opens the confirmation with focus inside it; Escape cancels back to the control.
    const active = () => page.evaluate(() => ({ id: document.activeElement.id, row: document.activeElement.dataset.id ?? null, inDialog: !!document.activeElement.closest('#dialog') }));
    assert.equal(await page.getAttribute('#ctl-delete', 'aria-disabled'), 'false');
    await page.focus('#ctl-delete');
    await page.keyboard.press('Enter');
    const dialog = page.locator('#dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.ok((await active()).inDialog, 'focus moves into the confirmation');
    assert.deepEqual(await page.$$eval('#dialog [data-testid="cascade"] li', (ls) => ls.map((l) => l.dataset.id)), cascade);
    assert.match(await dialog.textContent(), /also deletes the related recordings/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#rows button.row[data-id="rec-us-call-1"]').count(), 1, 'cancel keeps it');
    assert.equal((await active()).id, 'ctl-delete', 'focus returns to Delete');

    await clickEnabled('delete');
    await page.click('#dialog [data-action="confirm"]');
    await dialog.waitFor({ state: 'hidden' });
    // The dialog closes before the API answers; the list follows the answer.
    await page.waitForFunction(() => /Deleted/.test(document.querySelector('#toast')?.textContent ?? ''));
    const ids = (await rowsOf()).map((r) => r.id);
    assert.ok(!ids.includes('rec-us-call-1') && !ids.includes('rec-us-screen-1'), 'both gone');
    assert.match(await page.textContent('#toast'), /Deleted rec-us-call-1, rec-us-screen-1/);
    const current = await page.getAttribute('#rows button.row[aria-current="true"]', 'data-id');
    assert.equal((await active()).row, current, 'focus lands on the row now selected, not the page start');
    assert.deepEqual(takeProblems(), []);
  });

  test('a legal hold blocks delete with its reason in words', { timeout: TEST_MS }, async () => {
    await load('?user=comp-2&rec=rec-us-chat-1');
    const del = page.locator('#ctl-delete');
    assert.equal(await del.getAttribute('aria-disabled'), 'true');
    assert.equal(await del.getAttribute('title'), 'Delete — blocked: legal hold');
    assert.equal(await page.textContent(`#${await del.getAttribute('aria-describedby')}`), 'blocked: legal hold');
    // Releasing the hold (the compliance lead may) makes the recording past retention: it disappears.
    await clickEnabled('legalHold');
    await page.click('#dialog [data-action="confirm"]');
    await page.waitForFunction(() => !document.querySelector('#rows button.row[data-id="rec-us-chat-1"]'));
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-current')), 'true', 'focus on the row now selected');
    assert.deepEqual(takeProblems(), []);
  });

  test('a sensitive call plays in a real <audio> element, redacted for a QA analyst without viewSensitiveData', { timeout: TEST_MS }, async () => {
    await load('?user=qa-1&rec=rec-us-call-2');
    const rec = DATA.recordings.find((r) => r.id === 'rec-us-call-2');
    const [play, sensitiveData] = cliEval([
      request({ principal: 'qa-1' }, 'recording:recording:view', rec), request({ principal: 'qa-1' }, SENSITIVE_DATA, rec)]);
    assert.ok(rec.sensitive && play.allow && !sensitiveData.allow, 'the dataset has the case: sensitive, playable, no sensitive-data access');
    assert.deepEqual(play.obligations, [{ type: 'redact' }]);
    assert.equal(await page.locator('[data-testid="redacted"]').count(), 1);
    assert.match(await page.textContent('[data-testid="redacted"]'), /Redacted/);
    // Why, in the core's words for the permission qa-1 lacks, as `recgate explain` says them.
    assert.equal(await page.textContent('[data-testid="redacted-why"]'), cliWords(request({ principal: 'qa-1' }, SENSITIVE_DATA, rec)));
    assert.match(await page.getAttribute('#ctl-play', 'title'), /^Play — sensitive parts redacted$/);
    const dur = await page.$eval('#stage audio', (a) => new Promise((ok) => (a.readyState >= 1 ? ok(a.duration) : a.addEventListener('loadedmetadata', () => ok(a.duration)))));
    assert.ok(Math.abs(dur - rec.details.durationSec) < 0.1, `generated WAV lasts the recording's ${rec.details.durationSec} s (got ${dur})`);
    await clickEnabled('play');
    await page.waitForFunction(() => { const a = document.querySelector('#stage audio'); return !a.paused && a.currentTime > 0; });
    assert.equal(await page.getAttribute('#ctl-play', 'aria-pressed'), 'true');
    await page.click('#ctl-play');
    assert.equal(await page.$eval('#stage audio', (a) => a.paused), true);
    // The compliance lead holds sensitive-data access: no redaction.
    await signIn('comp-2');
    await page.click('#rows button.row[data-id="rec-us-call-2"]');
    assert.equal(await page.locator('#stage audio').count(), 1);
    assert.equal(await page.locator('[data-testid="redacted"]').count(), 0);
    assert.deepEqual(takeProblems(), []);
  });

  test('bookmarks: private ones are shown to their author only; adding one works', { timeout: TEST_MS }, async () => {
    await load('?user=qa-1&rec=rec-us-call-1');
    await clickEnabled('viewBookmarks');
    await page.waitForSelector('[data-testid="bookmarks"]');
    const texts = await page.$$eval('[data-testid="bookmarks"] .bm-text', (ls) => ls.map((l) => l.textContent));
    const rec = DATA.recordings.find((r) => r.id === 'rec-us-call-1');
    const refs = cliEval(rec.details.annotations.map((a) => ({
      principal: 'qa-1', permission: 'recording:annotation:view', now: NOW,
      resource: { type: 'annotation', id: a.id, author: a.author, visibility: a.visibility, recording: attrs(rec) },
    })));
    assert.deepEqual(texts, rec.details.annotations.filter((_, i) => refs[i].allow).map((a) => a.text));
    assert.ok(refs.some((d) => d.reason === 'private_annotation'), 'the dataset has a private bookmark of someone else');
    await clickEnabled('bookmark');
    await page.fill('#bm-text', 'Customer verified before account changes.');
    await page.check('#dialog input[value="private"]');
    await page.click('#dialog [data-action="confirm"]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="bookmarks"] .bm-text')].some((l) => l.textContent.startsWith('Customer verified')));
    assert.deepEqual(takeProblems(), []);
  });

  test('impersonation: the BPO integration acts for Dana; the US integration is refused', { timeout: TEST_MS }, async () => {
    await load('?user=svc-bpo>b-em-1');
    assert.match(await page.textContent('#session-banner'), /svc-bpo authenticated and acts on behalf of b-em-1/);
    // Who decides, in the core's words: step 3's line of any explanation of the session's requests.
    const step3 = WORDS.explain(request({ principal: 'b-em-1', actor: 'svc-bpo' }, 'recording:metadata:view', DATA.recordings[0]))
      .steps.filter((l) => l.step === 3).map((l) => l.text);
    assert.equal(step3.length, 1);
    assert.match(step3[0], /^actor svc-bpo may impersonate b-em-1 .*b-em-1's roles decide$/);
    assert.ok((await page.textContent('#session-banner')).includes(step3[0]), 'the banner says step 3 in the core\'s words');
    assert.ok((await rowsOf()).length > 0);
    await signIn('svc-us>b-em-1');
    // The refusal and its words are the core's (SPEC §3 step 3: different regions).
    const [ref] = cliEval([request({ principal: 'b-em-1', actor: 'svc-us' }, 'recording:metadata:view', DATA.recordings[0])]);
    assert.equal(ref.reason, 'impersonation_denied');
    const refusal = WORDS.refusal({ principal: 'b-em-1', actor: 'svc-us' }, NOW);
    assert.deepEqual(refusal, { reason: 'impersonation_denied', words: 'svc-us may not act for b-em-1: svc-us is in us-east-1, b-em-1 in eu-west-1' });
    assert.equal(await page.getAttribute('#session-banner', 'data-reason'), 'impersonation_denied');
    assert.match(await page.textContent('#session-banner'), new RegExp(`Session refused: ${refusal.words} \\(impersonation_denied\\)`));
    assert.deepEqual(await rowsOf(), []);
    assert.equal(await page.textContent('#rows li.empty span'), `This session is refused: ${refusal.words}. Try another user.`);
    assert.deepEqual(takeProblems(), []);
  });
});

describe('accessibility', () => {
  test('keyboard: rows by arrow keys, every control reachable by Tab with a visible focus ring and its reason', { timeout: TEST_MS }, async () => {
    await load('?user=qa-1');
    const focusInfo = () => page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {
        id: el.id, row: el.dataset.id ?? null, control: el.dataset.control ?? null,
        visible: el.matches(':focus-visible') && style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
      };
    });

    // The user switcher is the first stop after the skip link.
    await page.focus('body');
    await page.keyboard.press('Tab');
    assert.equal((await page.evaluate(() => document.activeElement.className)), 'skip', 'skip link first');
    await page.keyboard.press('Tab');
    const sw = await focusInfo();
    assert.equal(sw.id, 'user');
    assert.ok(sw.visible, 'the user switcher shows its focus');

    await page.focus('#rows button.row[aria-current="true"]');
    await page.keyboard.press('ArrowDown');
    const focused = await focusInfo();
    assert.equal(focused.row, (await rowsOf())[1].id);
    assert.ok(focused.visible, 'the focused row shows its focus');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute(`#rows button.row[data-id="${focused.row}"]`, 'aria-current'), 'true');

    // Tab from the row into the controls: each is reachable, even when disabled.
    const reached = new Set();
    for (let i = 0; i < 40 && reached.size < CONTROLS.length; i++) {
      await page.keyboard.press('Tab');
      const info = await focusInfo();
      if (info.control) {
        reached.add(info.control);
        assert.ok(info.visible, `${info.control}: visible focus`);
      }
    }
    assert.deepEqual([...reached].sort(), [...CONTROLS].sort());

    // Every disabled control says so (aria-disabled) and names its reason for assistive technology.
    const states = await page.$$eval('button.ctl', (bs) => bs.map((b) => ({
      id: b.id, allowed: b.dataset.allowed, ariaDisabled: b.getAttribute('aria-disabled'),
      described: document.getElementById(b.getAttribute('aria-describedby'))?.textContent ?? '',
    })));
    assert.ok(states.some((s) => s.ariaDisabled === 'true'), 'qa-1 has disabled controls here');
    for (const s of states) {
      assert.equal(s.ariaDisabled, s.allowed === 'true' ? 'false' : 'true', `${s.id}: aria-disabled follows the decision`);
      if (s.ariaDisabled === 'true') assert.ok(s.described.length > 3, `${s.id}: aria-describedby names the reason`);
    }

    // A disabled control is inert from the keyboard too: Enter explains instead of acting.
    assert.equal(await page.getAttribute('#ctl-delete', 'aria-disabled'), 'true');
    await page.focus('#ctl-delete');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#explain', 'data-control'), 'delete');
    assert.equal(await page.getAttribute('#explain', 'data-reason'), await page.getAttribute('#ctl-delete', 'data-reason'), 'the trace of that refusal');
    assert.equal(await page.locator('#dialog[open]').count(), 0, 'no delete confirmation');
    assert.deepEqual(takeProblems(), []);
  });
});
