// Soak: mixed allowed, denied and list traffic through real Envoy for
// SOAK_SECONDS (20 s in CI; `SOAK_SECONDS=600` is the long run), as fast as 8
// keep-alive clients go. Every response must have the status its request
// always has, decisions must not drift, and Envoy's heap must stay flat.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes } from './lib/servers.mjs';
import { startEnvoy, repoRoot } from './lib/envoy.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));

async function heap(admin) {
  const m = await (await fetch(`${admin}/memory`)).json();
  return Number(m.allocated);
}

test(`soak: ${SECONDS} s of mixed traffic, no unexpected status, heap flat`, { timeout: (SECONDS + 60) * 1000 }, async () => {
  const idp = makeIssuer();
  const up = await startUpstream();
  const attrs = await startAttributes();
  const envoy = await startEnvoy({ jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, plugin: { policy, attributes: { cluster: 'recgate_attributes' }, decisionLog: false } });
  try {
    // Tokens are short-lived (300 s): mint them fresh, once a minute, like a client would.
    const minted = new Map();
    const tok = (sub) => () => {
      const m = minted.get(sub);
      if (m && Date.now() - m.at < 60_000) return m.headers;
      const headers = { authorization: `Bearer ${idp.token({ sub })}` };
      minted.set(sub, { at: Date.now(), headers });
      return headers;
    };
    const mix = [
      ['GET', '/api/v2/routing/queues', tok('b-em-1'), 200],
      ['GET', '/api/v2/routing/queues/q-escalation', tok('b-em-1'), 403],
      ['GET', '/api/v2/conversations/c-1/recordings/rec-us-screen-1', tok('qa-1'), 200],
      ['GET', '/api/v2/conversations/c-2/recordings/rec-uk-screen-1', tok('qa-1'), 404],
      ['GET', '/api/v2/conversations/c-3/recordings', tok('audit-1'), 200],
      ['GET', '/api/v2/conversations/c-1/recordings', tok('qa-1'), 200],
      ['GET', '/api/v2/users/a-us-1', () => ({ ...tok('svc-bpo')(), 'gen-usersubject': 'a-us-1' }), 403],
      ['GET', '/api/v2/routing/queues', () => ({}), 401],
    ];
    const one = async ([method, path, headers, expected]) => {
      const r = await fetch(envoy.url + path, { method, headers: headers() });
      const body = await r.text();
      return { ok: r.status === expected, status: r.status, expected, path, body };
    };
    // Warm up, then measure the heap.
    for (let i = 0; i < 200; i += 1) await one(mix[i % mix.length]);
    const heapStart = await heap(envoy.admin);
    const deadline = Date.now() + SECONDS * 1000;
    let sent = 0;
    const wrong = [];
    const listBodies = new Set();
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      let i = w;
      while (Date.now() < deadline && sent < 5_000_000) {
        const r = await one(mix[i % mix.length]);
        sent += 1;
        i += 1;
        if (!r.ok) wrong.push(r);
        if (r.path === '/api/v2/conversations/c-1/recordings') listBodies.add(r.body);
      }
    }));
    const heapEnd = await heap(envoy.admin);
    const growth = heapEnd - heapStart;
    console.log(`soak: ${sent} requests in ${SECONDS} s (${Math.round(sent / SECONDS)}/s), ${wrong.length} unexpected, heap ${heapStart} → ${heapEnd} bytes`);
    assert.ok(sent > SECONDS * 20, `only ${sent} requests`);
    assert.deepEqual(wrong.slice(0, 3), [], 'every status as expected');
    assert.equal(listBodies.size, 1, 'the filtered list is the same every time');
    assert.ok(growth < 8 * 1024 * 1024, `heap grew ${growth} bytes`);
  } finally {
    await envoy.stop();
    up.server.close();
    attrs.server.close();
  }
});
