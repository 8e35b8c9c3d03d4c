// The endpoint inventory, derived from the official SDK itself: every
// endpoint of purecloud-platform-client-v2's RecordingApi and
// ScreenMonitoringApi, and every monitor endpoint of its ConversationsApi
// (read from their source, api/*.js) must be in docs/envoy-filter.md's
// tables, decided or refused with a written reason — and real Envoy with the
// default table must agree: a decided endpoint reaches a decision, a refused
// one is `route_unknown`. A new SDK version that adds an endpoint there fails
// here. Also: the metadata allow-list is the SDK's RecordingMetadata model.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { repoRoot } from './lib/envoy.mjs';
import { startEdge } from './lib/edge.mjs';

const SDK = join(repoRoot, 'node_modules', 'purecloud-platform-client-v2');

/** Every (method, path) an API class of the SDK calls, with the SDK function name. */
function apiEndpoints(api) {
  const src = readFileSync(join(SDK, 'src', 'purecloud-platform-client-v2', 'api', `${api}.js`), 'utf8');
  const out = [];
  const re = /\n\t([a-zA-Z]+)\([^)]*\) \{[\s\S]*?this\.apiClient\.callApi\(\s*'([^']+)',\s*'([A-Z]+)'/g;
  for (const m of src.matchAll(re)) out.push({ api, fn: m[1], path: m[2], method: m[3] });
  return out;
}

/** The endpoints the edge must account for: RecordingApi's, ScreenMonitoringApi's, ConversationsApi's monitors. */
const INVENTORY = {
  RecordingApi: { count: 57, endpoints: () => apiEndpoints('RecordingApi') },
  ScreenMonitoringApi: { count: 11, endpoints: () => apiEndpoints('ScreenMonitoringApi') },
  'ConversationsApi (monitor)': { count: 2, endpoints: () => apiEndpoints('ConversationsApi').filter((e) => /monitor/i.test(e.path)) },
};

function sdkEndpoints() {
  return Object.values(INVENTORY).flatMap((i) => i.endpoints());
}

/** The documented table: `| METHOD | \`path\` | decided/refused | reason |`. */
function documented() {
  const doc = readFileSync(join(repoRoot, 'docs', 'envoy-filter.md'), 'utf8');
  const rows = new Map();
  for (const line of doc.split('\n')) {
    const m = /^\| (GET|PUT|POST|PATCH|DELETE) \| `([^`]+)` \| (decided|refused) \| (.*) \|$/.exec(line);
    if (m) rows.set(`${m[1]} ${m[2]}`, { decision: m[3], reason: m[4].trim() });
  }
  return rows;
}

const idp = makeIssuer();
let edge;
let envoy;

before(async () => {
  edge = await startEdge(idp);
  ({ envoy } = edge);
});

after(() => edge?.stop());

test('every RecordingApi, ScreenMonitoringApi and ConversationsApi monitor endpoint of the SDK is documented, decided or refused with a reason', () => {
  for (const [name, { count, endpoints }] of Object.entries(INVENTORY)) {
    const n = endpoints().length;
    assert.equal(n, count, `${name} has ${n} endpoints: a new SDK version? document each new one`);
  }
  const endpoints = sdkEndpoints();
  const rows = documented();
  const missing = endpoints.filter((e) => !rows.has(`${e.method} ${e.path}`)).map((e) => `${e.method} ${e.path} (${e.fn})`);
  assert.deepEqual(missing, [], 'endpoints missing from docs/envoy-filter.md');
  for (const [key, row] of rows) {
    const covered = key.includes('/recording') || key.includes('screenmonitor') || key.endsWith('/monitor');
    assert.ok(endpoints.some((e) => `${e.method} ${e.path}` === key) || !covered, `${key} is documented but not in the SDK`);
    assert.ok(row.reason.length >= 5, `${key}: a reason is written`);
  }
  for (const [name, { endpoints: of }] of Object.entries(INVENTORY)) {
    const mine = of();
    const decided = mine.filter((e) => rows.get(`${e.method} ${e.path}`)?.decision === 'decided').length;
    console.log(`${name}: ${mine.length} endpoints, ${decided} decided, ${mine.length - decided} refused with a reason`);
  }
});

test('real Envoy agrees with the table: decided endpoints reach a decision, refused ones are route_unknown', async () => {
  const rows = documented();
  const wrong = [];
  for (const e of sdkEndpoints()) {
    const path = e.path.replace(/\{[^}]+\}/g, (p) => ({ '{conversationId}': 'c-1', '{recordingId}': 'rec-us-call-1' }[p] ?? 'x-1'));
    const body = ['POST', 'PUT', 'PATCH'].includes(e.method) ? '{}' : undefined;
    const r = await fetch(envoy.url + path, {
      method: e.method, body,
      headers: { authorization: `Bearer ${idp.token({ sub: 'comp-2' })}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    });
    const text = await r.text();
    let reason = null;
    try { reason = JSON.parse(text).reason; } catch { /* an API body */ }
    const refused = r.status === 403 && reason === 'route_unknown';
    const want = rows.get(`${e.method} ${e.path}`)?.decision;
    if ((want === 'refused') !== refused) wrong.push(`${e.method} ${e.path}: documented ${want}, edge answered ${r.status} ${reason}`);
  }
  assert.deepEqual(wrong, []);
});

test('the metadata allow-list is the SDK\'s RecordingMetadata model', () => {
  const dts = readFileSync(join(SDK, 'index.d.ts'), 'utf8');
  const model = /export interface RecordingMetadata \{([\s\S]*?)\n\t\}/.exec(dts)[1];
  const fields = [...model.matchAll(/"([a-zA-Z]+)"\??:/g)].map((m) => m[1]);
  const config = readFileSync(join(repoRoot, 'wasm-proxy', 'src', 'config.rs'), 'utf8');
  const list = /pub const METADATA_FIELDS: \[&str; \d+\] = \[([\s\S]*?)\];/.exec(config)[1];
  const ours = [...list.matchAll(/"([a-zA-Z]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ours, fields);
  assert.ok(!fields.includes('mediaUris') && !fields.includes('messagingTranscript'));
});
