// The demo page's "Monitor live" control in headless Chromium, through the
// real edge: the page calls the Genesys Cloud monitor endpoint
// (ConversationsApi's POST …/calls/{conversationId}/participants/{participantId}/monitor)
// through the demo edge (scripts/demo-edge.mjs: real Envoy with the recgate
// filter in front of the demo API), and starts the stream only when the edge
// allowed it. Checked from both sides: what the page shows (the monitoring
// panel with the edge's decision id, or the edge's refusal) and what the demo
// API received (its /dev/seen list). A conversation that ends between two
// uses of the control is refused by the edge at once: it asks its attributes
// service afresh on every monitor request.
//
// Needs what e2e.test.mjs needs, plus the Envoy filter
// (target/wasm32-wasip1/release/recgate_proxy.wasm) and Envoy (.venv);
// scripts/test-www.sh prepares and runs this.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { freePort } from '../../tests/envoy/lib/envoy.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const WAIT_MS = 10000;
const TEST_MS = 60000;
const MONITOR = '/api/v2/conversations/calls/c-1020/participants/p-c-1020-agent/monitor';

const children = [];
let browser;
let page;
let baseUrl;
let helper;

/** Starts `node script` and resolves to the first stdout line matching `pattern` (its first group). */
function startNode(script, args, env, pattern, timeoutMs) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    children.push(child);
    const timer = setTimeout(() => reject(new Error(`${script} did not start in ${timeoutMs} ms`)), timeoutMs);
    child.on('exit', (code) => reject(new Error(`${script} exited early (${code})`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = pattern.exec(line);
      if (!m) return;
      clearTimeout(timer);
      lines.removeAllListeners('line');
      child.stdout.resume();
      resolvePromise(m[1]);
    });
  });
}

function stopChildren() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.removeAllListeners('exit');
      c.kill('SIGTERM');
    }
  }
}
process.on('exit', stopChildren);

const seenMonitors = async () => (await (await fetch(`${helper}/dev/seen`)).json()).filter((s) => s.method === 'POST' && s.path.endsWith('/monitor'));

async function open(user, rec) {
  const q = new URLSearchParams({ user, rec, edge: helper });
  await page.goto(`${baseUrl}?${q}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getAttribute('#ctl-monitorLive', 'aria-disabled'), 'false', 'the page offers Monitor live');
}

before(async () => {
  const [edgePort, tokenPort] = [await freePort(), await freePort()];
  helper = `http://127.0.0.1:${tokenPort}`;
  await startNode('demo-edge.mjs', [], { EDGE_PORT: String(edgePort), TOKEN_PORT: String(tokenPort) }, /^(recgate edge:)/, 60000);
  baseUrl = await startNode('serve-www.mjs', ['--port', '0'], {}, /(http:\/\/127\.0\.0\.1:\d+\/)/, 10000);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(WAIT_MS);
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    stopChildren();
  }
});

test('Monitor live calls the real monitor endpoint through the edge, and monitors only when the edge allowed it', { timeout: TEST_MS }, async () => {
  await open('sup-us', 'rec-us-call-live');
  const before = (await seenMonitors()).length;
  await page.click('#ctl-monitorLive');
  const panel = await page.waitForSelector('[data-testid="monitor"]');
  assert.match(await panel.textContent(), /Monitoring live/);
  const edgeLine = await page.textContent('[data-testid="monitor-edge"]');
  assert.ok(edgeLine.includes(`POST ${MONITOR}`), edgeLine);
  const id = /decision ([0-9a-f]{32})/.exec(edgeLine)?.[1];
  assert.ok(id, `the edge's decision id is shown: ${edgeLine}`);
  const seen = (await seenMonitors()).slice(before);
  assert.deepEqual(seen, [{ method: 'POST', path: MONITOR, principal: 'sup-us', decision: id }], 'the demo API received the monitor request the edge decided');
  // Pressed again, monitoring stops (nothing more is asked of the edge).
  await page.click('#ctl-monitorLive');
  await page.waitForSelector('[data-testid="monitor"]', { state: 'detached' });
  assert.equal((await seenMonitors()).length, before + 1);
});

test('the BPO supervisor monitors a live call of the BPO queue through the edge', { timeout: TEST_MS }, async () => {
  await open('bsup-1', 'rec-bpo-call-2');
  await page.click('#ctl-monitorLive');
  await page.waitForSelector('[data-testid="monitor"]');
  const last = (await seenMonitors()).at(-1);
  assert.deepEqual([last.path, last.principal], ['/api/v2/conversations/calls/c-3002/participants/p-c-3002-agent/monitor', 'bsup-1']);
});

test('the call ends: the page still offers the control, the edge refuses at once', { timeout: TEST_MS }, async () => {
  await open('sup-us', 'rec-us-call-live');
  const ended = await fetch(`${helper}/dev/end`, { method: 'POST', body: JSON.stringify({ conversationId: 'c-1020' }) });
  assert.equal(ended.status, 200);
  const before = (await seenMonitors()).length;
  await page.click('#ctl-monitorLive');
  await page.waitForFunction(() => document.querySelector('#toast')?.textContent.includes('The edge refused'));
  assert.equal(await page.textContent('#toast'), 'The edge refused to monitor: conversation_ended');
  assert.equal(await page.$('[data-testid="monitor"]'), null, 'no monitoring panel');
  assert.equal((await seenMonitors()).length, before, 'nothing reached the demo API');
});
