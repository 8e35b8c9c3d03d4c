// Where recgate's CPU per request goes, without touching the filter: the
// benchmark's allowed GET and its 1,000-entity list through Envoy with recgate
// configured to stop at successive stages (route table only, a decision without
// facts, the full media-view path; for the list: the page through a JSON tree,
// then the default byte pass), next to no filter,
// interleaved and repeated like run.mjs. Each stage's increment over the one
// before is that stage's cost.
// Prints a markdown table and writes it to target/bench-peers/edge-breakdown.md.
//
//   node bench/edge/breakdown.mjs [--rounds 5] [--seconds 4] [--connections 16]

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from '../../tests/envoy/lib/jwt.mjs';
import { startAttributes } from '../../tests/envoy/lib/servers.mjs';
import { startEnvoy, freePort, repoRoot } from '../../tests/envoy/lib/envoy.mjs';
import { scenarios, PRINCIPAL, benchData, routeConfig, recgatePlugin, rolesOf } from './configs.mjs';
import { envoyPid, measure, numericOptions } from './measure.mjs';

const { rounds, seconds, connections } = numericOptions({ rounds: [5, 1], seconds: [4, 1], connections: [16, 1] });

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
const token = () => idp.token({ sub: PRINCIPAL, claims: { roles: rolesOf(policy, PRINCIPAL) } });
const template = '/api/v2/conversations/{conversationId}/recordings/{recordingId}';
const route = (action) => [{ method: 'GET', path: template, action }];
const listRoute = (entities) => [{ method: 'GET', path: '/api/v2/conversations/{conversationId}/recordings', action: { kind: 'list', entities, conversation: 'conversationId' } }];
const SIZES = [1000];

// Each stage runs everything the one before it does, plus one more part of the filter.
const STAGES = [
  { name: 'none', what: 'no filter', plugin: null },
  {
    name: 'routes',
    what: 'recgate: headers read, path normalised, route table searched, passed through (no identity, no decision)',
    plugin: { routes: route({ kind: 'decide', permission: 'directory:user:view', resource: { type: 'user', id: '$principal' } }).map((r) => ({ ...r, path: '/unused/{x}' })), passThrough: ['/api/'] },
  },
  {
    name: 'decide',
    what: '+ claims from jwt_authn metadata, token check, subject, a decision (directory:user:view on self), decision headers and filter state, metric',
    plugin: { routes: route({ kind: 'decide', permission: 'directory:user:view', resource: { type: 'user', id: '$principal' } }) },
  },
  {
    name: 'view',
    what: '+ the recording\'s facts from the shared-data cache, visibility and the media view, the response body checked — the benchmark\'s allow path (default routes)',
    plugin: { routes: 'default' },
  },
  // The 1,000-entity page.
  { name: 'none', what: 'no filter', plugin: null, scenario: 'list-1000' },
  {
    name: 'tree',
    what: 'recgate with the page as a metadata list: the conversation\'s facts, the page parsed to a JSON tree, each entity decided (recording:metadata:view) and written back through the tree',
    plugin: { routes: listRoute('metadata') },
    scenario: 'list-1000',
  },
  {
    name: 'bytes',
    what: 'the default recording list: each recording decided once, the page read as bytes, kept entities copied — the benchmark\'s list path',
    plugin: { routes: 'default' },
    scenario: 'list-1000',
  },
];
for (const s of STAGES) s.request = scenarios(SIZES).find((x) => x.name === (s.scenario ?? 'allow'));

const data = benchData(SIZES);
const attrs = await startAttributes(data);
const common = { jwks: idp.jwks, upstreamPort: await freePort(), attributesPort: attrs.port, routeConfig: routeConfig(data, SIZES) };
const running = [];
try {
  for (const s of STAGES) {
    const options = s.plugin === null ? { ...common, authzFilter: null } : { ...common, plugin: { ...recgatePlugin(policy), ...s.plugin } };
    s.envoy = await startEnvoy(options);
    running.push(s.envoy);
    s.pid = envoyPid(s.envoy.pid);
    for (let i = 0; i < 2; i += 1) {
      const r = await fetch(s.envoy.url + s.request.path, { headers: { authorization: `Bearer ${token()}` } });
      await r.text();
      if (r.status !== 200) throw new Error(`stage ${s.name}: ${r.status}, expected 200`);
      if (s.name !== 'none' && s.name !== 'routes' && !r.headers.get('x-recgate-decision')) throw new Error(`stage ${s.name}: not decided`);
    }
  }
  const cpu = new Map(STAGES.map((s) => [s, []]));
  for (const s of STAGES) await measure({ envoy: s.envoy, pid: s.pid, url: s.envoy.url + s.request.path, method: 'GET', token: token(), seconds: 1, connections });
  for (let r = 0; r < rounds; r += 1) {
    const order = STAGES.map((_, i) => STAGES[(i + r) % STAGES.length]);
    for (const s of order) {
      const m = await measure({ envoy: s.envoy, pid: s.pid, url: s.envoy.url + s.request.path, method: 'GET', token: token(), seconds, connections });
      if (m.byClass['2xx'] !== m.served) throw new Error(`stage ${s.name}: non-2xx answers under load`);
      cpu.get(s).push(m.cpuUsPerRequest);
      console.log(`round ${r + 1}/${rounds} ${s.request.name.padEnd(5)} ${s.name.padEnd(10)} ${m.rps.toFixed(0).padStart(6)} req/s ${m.cpuUsPerRequest.toFixed(1).padStart(7)} µs CPU/req`);
    }
  }
  const median = (xs) => { const a = [...xs].sort((x, y) => x - y); const m = a.length >> 1; return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2; };
  const lines = [
    `## recgate CPU breakdown (${new Date().toISOString()})`,
    '',
    `\`node bench/edge/breakdown.mjs --rounds ${rounds} --seconds ${seconds} --connections ${connections}\`: Envoy CPU µs per request, median over rounds of the value paired with no filter (same request) in the same round.`,
    '',
    '| request | stage | what runs | CPU µs/req median | over no filter | this stage adds |',
    '|---|---|---|---|---|---|',
  ];
  let base = null;
  let prev = 0;
  for (const s of STAGES) {
    if (s.plugin === null) {
      base = cpu.get(s);
      prev = 0;
    }
    const over = median(cpu.get(s).map((x, r) => x - base[r]));
    const first = s.plugin === null;
    lines.push(`| ${first ? s.request.name : ''} | ${s.name} | ${s.what} | ${median(cpu.get(s)).toFixed(1)} | ${first ? '—' : `${over >= 0 ? '+' : ''}${over.toFixed(1)}`} | ${first ? '—' : `${over - prev >= 0 ? '+' : ''}${(over - prev).toFixed(1)}`} |`);
    prev = over;
  }
  const text = `${lines.join('\n')}\n`;
  console.log(`\n${text}`);
  const outDir = join(repoRoot, 'target', 'bench-peers');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'edge-breakdown.md'), text);
} finally {
  for (const e of running) await e.stop();
  attrs.server.close();
}
