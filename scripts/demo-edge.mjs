#!/usr/bin/env node
// The demo edge: the demo recordings API, the attributes service and a policy
// server (serving examples/acme.json), with real Envoy in front running
// jwt_authn and the recgate filter — so a person can see that a bypassed UI
// is still refused at the edge. 127.0.0.1 only; Ctrl-C stops everything.
//
//   node scripts/demo-edge.mjs          (EDGE_PORT, default 10000; TOKEN_PORT, default 10001)
//
// The API is the Genesys Cloud recording API as the official SDK
// (purecloud-platform-client-v2 262.0.0) calls it; the demo API answers with
// the SDK's models. Dev-only helpers on 127.0.0.1:10001 (CORS open, loopback
// only), used by the demo page (its "Monitor live" control) and its API console
// (www/console.html):
//   POST /dev/token {"sub", "sid"?, "ageSeconds"?}                          → {token}
//   POST /dev/call  {"sub"?, "method", "path", "headers"?, "body"?, "ageSeconds"?}
//        signs a token for sub (none when absent), sends the request (and its
//        JSON body) through Envoy exactly as given, and returns {status, headers, body}.
//   POST /dev/end   {"conversationId"}  the live conversation ends (the attributes
//        service says so from then on: the next monitor request is refused)
//   GET  /dev/seen                       the last requests the demo API received
//        ({method, path, principal, decision}): what got past the edge
// The page's "Monitor live" control calls the real monitor endpoint through
// /dev/call; the live conversations are those of www/data/recordings.json's
// live rows (and the test API's own).

import { createServer, request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { makeIssuer } from '../tests/envoy/lib/jwt.mjs';
import { fixtures, startUpstream, startAttributes, startPolicyServer } from '../tests/envoy/lib/servers.mjs';
import { startEnvoy } from '../tests/envoy/lib/envoy.mjs';
import { Gate, initSync } from '../wasm-web/js/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const edgePort = Number(process.env.EDGE_PORT ?? 10000);
const tokenPort = Number(process.env.TOKEN_PORT ?? 10001);
const policyText = readFileSync(join(root, 'examples', 'acme.json'), 'utf8');

// The demo API answers list requests from a query plan (docs/query-plans.md).
initSync(readFileSync(join(root, 'wasm-web', 'pkg-web', 'recgate_web_bg.wasm')));
const gate = Gate.fromPolicy(policyText);
const idp = makeIssuer();
const data = fixtures();
data.conversations.push(...liveConversations(JSON.parse(readFileSync(join(root, 'www', 'data', 'recordings.json'), 'utf8'))));
const up = await startUpstream(data, { gate, homeRegion: JSON.parse(policyText).settings?.homeRegion ?? 'us-east-1' });
const attrs = await startAttributes(data);
const ps = await startPolicyServer(policyText);
const envoy = await startEnvoy({
  port: edgePort, jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, policyPort: ps.port,
  plugin: { policy: JSON.parse(policyText), policyServer: { cluster: 'recgate_policy', pollSeconds: 5 }, attributes: { cluster: 'recgate_attributes' } },
});

/** The demo page's live rows as live conversations: the agent (its participant named by the row) and a customer. */
function liveConversations(dataset) {
  return dataset.recordings.filter((r) => r.live && r.details?.monitor?.participantId).map((r) => ({
    conversationId: r.conversationId, media: r.media, direction: r.direction, queue: r.queue,
    divisions: r.divisions ?? ['home'], region: r.region ?? 'us-east-1', live: true,
    participants: [{ id: `p-${r.conversationId}-customer`, purpose: 'customer' }, { id: r.details.monitor.participantId, purpose: 'agent', user: r.owner }],
  }));
}

const tokens = createServer((req, res) => {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'content-type': 'application/json' };
  if (req.method === 'OPTIONS') { res.writeHead(204, cors); return res.end(); }
  if (req.method === 'GET' && req.url === '/dev/seen') {
    const last = up.seen.slice(-50).map((s) => ({ method: s.method, path: s.path, principal: s.headers['x-recgate-principal'] ?? null, decision: s.headers['x-recgate-decision'] ?? null }));
    res.writeHead(200, cors);
    return res.end(JSON.stringify(last));
  }
  if (req.method !== 'POST' || !['/dev/token', '/dev/call', '/dev/end'].includes(req.url)) { res.writeHead(404, cors); return res.end('{}'); }
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', async () => {
    if (req.url === '/dev/end') {
      try {
        const { conversationId } = JSON.parse(body);
        const c = data.conversations.find((x) => x.conversationId === conversationId);
        if (!c) throw new Error(`no live conversation ${conversationId}`);
        c.live = false;
        res.writeHead(200, cors);
        return res.end(JSON.stringify({ conversationId, live: false }));
      } catch (e) {
        res.writeHead(400, cors);
        return res.end(JSON.stringify({ error: String(e.message) }));
      }
    }
    if (req.url === '/dev/call') {
      try {
        const { sub, method = 'GET', path, headers = {}, body: payload, ageSeconds } = JSON.parse(body);
        if (typeof path !== 'string' || !path.startsWith('/')) throw new Error('path must start with /');
        const h = { ...headers };
        if (sub) h.authorization = `Bearer ${idp.token({ sub, ageSeconds: Number(ageSeconds ?? 0) })}`;
        const text = payload === undefined || payload === '' ? undefined : String(payload);
        if (text !== undefined) Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        const r = await rawCall(method, path, h, text);
        res.writeHead(200, cors);
        return res.end(JSON.stringify(r));
      } catch (e) {
        res.writeHead(400, cors);
        return res.end(JSON.stringify({ error: String(e.message) }));
      }
    }
    try {
      const { sub, sid, ageSeconds } = JSON.parse(body);
      if (typeof sub !== 'string' || !sub) throw new Error('sub is required');
      res.writeHead(200, cors);
      res.end(JSON.stringify({ token: idp.token({ sub, sid, ageSeconds: Number(ageSeconds ?? 0) }) }));
    } catch (e) {
      res.writeHead(400, cors);
      res.end(JSON.stringify({ error: String(e.message) }));
    }
  });
});
await new Promise((r) => tokens.listen(tokenPort, '127.0.0.1', r));

/** Sends a request to Envoy byte for byte (no path normalisation on this side). */
function rawCall(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: '127.0.0.1', port: edgePort, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        const keep = Object.fromEntries(Object.entries(res.headers).filter(([k]) => k.startsWith('x-recgate') || k === 'content-type'));
        resolve({ status: res.statusCode, headers: keep, body: text });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

const t = (sub) => idp.token({ sub });
console.log(`recgate edge: Envoy with the filter at ${envoy.url} (admin ${envoy.admin}, stats ${envoy.admin}/stats/prometheus)`);
console.log(`dev tokens:   POST http://127.0.0.1:${tokenPort}/dev/token {"sub":"qa-1"}`);
console.log('try:');
console.log(`  curl -s ${envoy.url}/api/v2/conversations/c-1/recordings -H "authorization: Bearer ${t('qa-1')}"`);
console.log(`  curl -s "${envoy.url}/api/v2/conversations/c-1/recordings/rec-us-call-1?download=true" -H "authorization: Bearer ${t('qa-1')}"`);
console.log(`  curl -s -X PUT ${envoy.url}/api/v2/conversations/c-1/recordings/rec-us-screen-1 -H "content-type: application/json" -d '{"deleteDate":"2026-12-24T00:00:00Z"}' -H "authorization: Bearer ${t('qa-1')}"`);
console.log(`  curl -s ${envoy.url}/api/v2/users/a-us-1 -H "gen-usersubject: a-us-1" -H "authorization: Bearer ${t('svc-bpo')}"`);
console.log(`  curl -s -X POST ${envoy.url}/api/v2/conversations/calls/c-1020/participants/p-c-1020-agent/monitor -H "authorization: Bearer ${t('sup-us')}"`);

const stop = async () => {
  tokens.close();
  await envoy.stop();
  up.server.close();
  attrs.server.close();
  ps.server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
