// Decisions in Envoy's own observability, through real Envoy 1.40:
// - each decision's fields (decision id, reason, principal, actor, revision,
//   permission) in a standard file access log, as filter state
//   (%FILTER_STATE(wasm.recgate.<field>:PLAIN)%) and — through Envoy's
//   header_to_metadata filter — as dynamic metadata
//   (%DYNAMIC_METADATA(recgate:<field>)%); the carrier headers never reach
//   the client and an upstream cannot forge them;
// - the decision log sampled (exactly the ids the rate keeps) and masked,
//   and no token anywhere in Envoy's output or the access log;
// - Prometheus stats with labels (the stats_tags of docs/envoy-filter.md):
//   decisions by outcome, reason and route, list counters, policy age.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startAttributes } from './lib/servers.mjs';
import { startEnvoy, repoRoot } from './lib/envoy.mjs';
import { accessLogTo, decisionMetadataFilter, recgateStatsTags, readAccessLog } from './lib/observe.mjs';

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();

const FORGED = {
  'x-recgate-meta-reason': 'allow',
  'x-recgate-meta-principal': 'forged-principal',
  'x-recgate-meta-decision-id': 'forged-id',
};

/** An upstream that answers users, queues and /healthz — each answer carrying forged decision headers. */
async function forgingUpstream() {
  const server = createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    const send = (body) => {
      res.writeHead(200, { 'content-type': 'application/json', ...FORGED });
      res.end(JSON.stringify(body));
    };
    if (p.startsWith('/api/v2/users/')) return send({ id: p.split('/').pop(), name: 'n', version: 1 });
    if (p === '/api/v2/routing/queues') {
      const entities = ['q-us', 'q-uk', 'q-bpo', 'q-escalation'].map((id) => ({ id, name: id }));
      return send({ entities, pageSize: 25, pageNumber: 1, total: 4, pageCount: 1 });
    }
    return send({ ok: true });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: server.address().port };
}

async function withEnvoy(plugin, body, envoyOptions = {}) {
  const up = await forgingUpstream();
  const attrs = await startAttributes();
  let envoy;
  try {
    envoy = await startEnvoy({
      jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, ...envoyOptions,
      plugin: { policy, attributes: { cluster: 'recgate_attributes' }, passThrough: ['/healthz'], ...plugin },
    });
    await body(envoy);
  } finally {
    await envoy?.stop();
    up.server.close();
    attrs.server.close();
  }
}

const ask = async (envoy, path, sub, headers = {}) => {
  const r = await fetch(envoy.url + path, { headers: { ...(sub ? { authorization: `Bearer ${idp.token({ sub })}` } : {}), ...headers } });
  const text = await r.text();
  return { status: r.status, headers: Object.fromEntries(r.headers), text, id: r.headers.get('x-recgate-decision') };
};

test("each decision's fields reach Envoy's file access log as filter state and as dynamic metadata; clients never see the carrier headers", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-access-'));
  const path = join(dir, 'access.log');
  await withEnvoy({ decisionMetadata: { filterState: true, headers: true } }, async (envoy) => {
    const cases = [
      { what: 'allowed, forwarded', path: '/api/v2/users/b-em-1', sub: 'b-em-1', status: 200, reason: 'allow', principal: 'b-em-1', actor: 'b-em-1', permission: 'directory:user:view' },
      { what: 'allowed on behalf of another user', path: '/api/v2/users/b-em-1', sub: 'svc-bpo', headers: { 'gen-usersubject': 'b-em-1' }, status: 200, reason: 'allow', principal: 'b-em-1', actor: 'svc-bpo', permission: 'directory:user:view' },
      { what: 'denied by the policy (a local reply)', path: '/api/v2/routing/queues/q-escalation', sub: 'b-em-1', status: 403, reason: 'out_of_division', principal: 'b-em-1', actor: 'b-em-1', permission: 'routing:queue:view' },
      { what: 'no route (before any permission)', path: '/api/v2/nothing', sub: 'b-em-1', status: 403, reason: 'route_unknown', principal: null, actor: null, permission: null },
      { what: 'no token', path: '/api/v2/users/b-em-1', status: 401, reason: 'token_missing', principal: null, actor: null, permission: null },
    ];
    const answers = [];
    for (const c of cases) {
      const a = await ask(envoy, c.path, c.sub, c.headers);
      assert.equal(a.status, c.status, `${c.what}: ${a.text}`);
      assert.match(a.id ?? '', /^[0-9a-f]{32}$/, c.what);
      for (const h of Object.keys(a.headers)) assert.ok(!h.startsWith('x-recgate-meta-'), `${c.what}: ${h} reached the client`);
      answers.push({ ...c, id: a.id });
    }
    const healthz = await ask(envoy, '/healthz', 'b-em-1');
    assert.equal(healthz.status, 200);
    for (const h of Object.keys(healthz.headers)) assert.ok(!h.startsWith('x-recgate-meta-'), `pass-through: ${h} reached the client`);

    const lines = await readAccessLog(path, cases.length + 1);
    const revision = policy.revision;
    for (const a of answers) {
      const line = lines.find((l) => l.dm_decision_id === a.id);
      assert.ok(line, `${a.what}: no access-log line with dynamic metadata decision_id ${a.id}:\n${JSON.stringify(lines, null, 1)}`);
      assert.equal(line.fs_decision_id, a.id, `${a.what}: filter state`);
      for (const [field, want] of [['reason', a.reason], ['principal', a.principal], ['actor', a.actor], ['revision', revision], ['permission', a.permission]]) {
        assert.equal(line[`dm_${field}`], want, `${a.what}: %DYNAMIC_METADATA(recgate:${field})%`);
        assert.equal(line[`fs_${field}`], want, `${a.what}: %FILTER_STATE(wasm.recgate.${field}:PLAIN)%`);
      }
      assert.equal(line.status, a.status);
      assert.equal(line.leaked, null, `${a.what}: the carrier header was still on the response`);
    }
    // The upstream's forged headers on pass-through and forwarded answers never became metadata.
    const pass = lines.find((l) => l.path === '/healthz');
    assert.ok(pass, 'the pass-through request was logged');
    assert.equal(pass.dm_reason, null, 'no decision on pass-through, and the forged header was removed');
    assert.equal(pass.dm_principal, null);
    assert.ok(!lines.some((l) => Object.values(l).includes('forged-principal') || Object.values(l).includes('forged-id')), 'nothing forged was logged');
  }, { accessLog: accessLogTo(path), preFilters: [decisionMetadataFilter()] });
});

test('the decision log keeps every deny and exactly the sampled allows, masks principals and resource ids, and never holds a token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-access-'));
  const path = join(dir, 'access.log');
  await withEnvoy({ decisionLog: { sample: { allow: 0.5, deny: 1 }, mask: ['principal', 'actor', 'resourceId'] } }, async (envoy) => {
    const tokens = [];
    const answers = [];
    for (let i = 0; i < 40; i += 1) {
      const sub = i % 2 ? 'b-em-1' : 'sup-us';
      const token = idp.token({ sub, claims: { nonce: `n${i}` } });
      tokens.push(token);
      // sup-us may view the escalation queue, b-em-1 may not.
      const r = await fetch(`${envoy.url}/api/v2/routing/queues/q-escalation`, { headers: { authorization: `Bearer ${token}` } });
      await r.text();
      answers.push({ id: r.headers.get('x-recgate-decision'), allow: r.status === 200, status: r.status });
    }
    assert.equal(answers.filter((a) => a.allow).length, 20);
    assert.equal(answers.filter((a) => a.status === 403).length, 20);
    await readAccessLog(path, 40);
    const log = envoy.log();
    const lines = log.split('\n').filter((l) => l.includes('recgate decision {')).map((l) => JSON.parse(l.slice(l.indexOf('{'))));
    // Sampling is by decision id: an allow is written exactly when its id's first 32 bits are below half of 2^32.
    const kept = (a) => !a.allow || parseInt(a.id.slice(0, 8), 16) < 0x80000000;
    const want = answers.filter(kept).map((a) => a.id).sort();
    assert.deepEqual(lines.map((l) => l.decisionId).sort(), want, 'exactly the denies and the sampled allows');
    assert.ok(want.length > 20 && want.length < 40, `a sample, not all or none (${want.length})`);
    for (const l of lines) {
      assert.equal(l.principal, '<masked>');
      assert.equal(l.actor, '<masked>');
      assert.equal(l.resource.id, '<masked>');
      assert.equal(l.request.principal, '<masked>');
      assert.equal(l.request.resource.id, '<masked>');
      assert.equal(l.permission, 'routing:queue:view', 'what is not masked stays');
    }
    const access = readFileSync(path, 'utf8');
    for (const where of [log, access]) {
      for (const who of ['sup-us', 'b-em-1']) assert.ok(!where.includes(`"principal":"${who}"`), `${who} unmasked`);
      for (const t of tokens) {
        const [, payload, signature] = t.split('.');
        assert.ok(!where.includes(payload) && !where.includes(signature), 'a token (or part of one) was written');
      }
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(where), 'nothing that looks like a JWT was written');
    }
    // Masks apply to the decision metadata too.
    const fields = access.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(fields.length >= 40 && fields.every((f) => f.fs_principal === '<masked>'), 'masked in filter state');
  }, { accessLog: accessLogTo(path) });
});

test('stats are Prometheus-friendly: decisions by outcome, reason and route, list filtering, policy age and serial', async () => {
  await withEnvoy({}, async (envoy) => {
    for (const [sub, p] of [['sup-us', '/api/v2/routing/queues/q-escalation'], ['b-em-1', '/api/v2/routing/queues/q-escalation'], ['b-em-1', '/api/v2/routing/queues/q-escalation'], ['b-em-1', '/api/v2/nothing'], ['b-em-1', '/api/v2/routing/queues']]) {
      await ask(envoy, p, sub);
    }
    const list = await ask(envoy, '/api/v2/routing/queues', 'b-em-1');
    const shown = JSON.parse(list.text).entities.length;
    assert.ok(shown > 0 && shown < 4, `b-em-1 sees some queues (${shown})`);
    await new Promise((r) => setTimeout(r, 2500));
    const text = await (await fetch(`${envoy.admin}/stats/prometheus`)).text();
    const value = (re) => {
      const line = text.split('\n').find((l) => re.test(l));
      return line === undefined ? undefined : Number(line.trim().split(/\s+/).pop());
    };
    assert.equal(value(/^recgate_decisions\{outcome="allow",reason="allow",route="get_routing_queues_id"\}/), 1, text.split('\n').filter((l) => l.startsWith('recgate')).join('\n'));
    assert.equal(value(/^recgate_decisions\{outcome="deny",reason="out_of_division",route="get_routing_queues_id"\}/), 2);
    assert.equal(value(/^recgate_decisions\{outcome="deny",reason="route_unknown",route="unrouted"\}/), 1);
    assert.equal(value(/^recgate_decisions\{outcome="allow",reason="allow",route="get_routing_queues"\}/), 2);
    assert.equal(value(/^recgate_lists_filtered\{\}/), 2);
    assert.equal(value(/^recgate_lists_entities_seen\{\}/), 8);
    assert.equal(value(/^recgate_lists_entities_kept\{\}/), 2 * shown);
    assert.ok(value(/^recgate_policy_age_seconds\{\}/) >= 1, 'the policy ages');
    assert.equal(value(/^recgate_policy_serial\{\}/), 0, 'an inline policy has no serial');
    assert.equal(value(new RegExp(`^recgate_policy_active\\{revision="${policy.revision.replace(/[^A-Za-z0-9]/g, '_')}",hash="[0-9a-f]{12}"\\}`)), 1);
    // No per-request name leaks into a stat: every recgate stat is one of the documented families.
    const families = new Set(text.split('\n').filter((l) => l.startsWith('recgate')).map((l) => l.split('{')[0]));
    for (const f of families) assert.match(f, /^recgate_(decisions|lists_(filtered|entities_seen|entities_kept|unfilterable)|policy_(active|age_seconds|confirmed_age_seconds|serial|reloads|reload_failures))$/, f);
  }, { statsConfig: { stats_tags: recgateStatsTags } });
});
