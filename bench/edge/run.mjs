// Issue #6, the edge part: Envoy with no authorization filter, with the native
// RBAC filter, and with recgate's Wasm filter, measured in one run on the same
// requests (allow with cached attributes, deny, a 1,000-entity list),
// interleaved and repeated. Checks every configuration's answers first, then
// prints and writes target/bench-peers/edge.md. Numbers only: nothing asserted
// about speed.
//
//   node bench/edge/run.mjs [--rounds 6] [--seconds 5] [--connections 16] [--warmup 2]

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadavg, cpus } from 'node:os';

import { makeIssuer } from '../../tests/envoy/lib/jwt.mjs';
import { startAttributes } from '../../tests/envoy/lib/servers.mjs';
import { startEnvoy, freePort, repoRoot } from '../../tests/envoy/lib/envoy.mjs';
import { SCENARIOS as ALL_SCENARIOS, PRINCIPAL, LIST_ENTITIES, listPage, expectedVisible, routeConfig, rbacFilter, recgatePlugin, rolesOf, PROBE, probeFilter } from './configs.mjs';
import { envoyPid, measure, numericOptions } from './measure.mjs';
import { verifyAnswers } from './verify.mjs';
import { summarize, markdown } from './report.mjs';

const { rounds, seconds, connections, warmup } = numericOptions({ rounds: [6, 1], seconds: [5, 1], connections: [16, 1], warmup: [2, 0] });
// RECGATE_BENCH_SCENARIOS=allow,deny measures only those requests (e.g. the allow-path cost of a filter change).
const only = process.env.RECGATE_BENCH_SCENARIOS?.split(',').filter(Boolean);
const SCENARIOS = only ? ALL_SCENARIOS.filter((s) => only.includes(s.name)) : ALL_SCENARIOS;

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
// Tokens carry the policy's role names for RBAC; recgate reads only sub/sid/iat.
// Minted per cell: the policy refuses tokens older than tokenMaxAgeSeconds.
const token = () => idp.token({ sub: PRINCIPAL, claims: { roles: rolesOf(policy, PRINCIPAL) } });

const page = listPage();
const visible = expectedVisible(policy, page);
const attrs = await startAttributes();
const common = {
  jwks: idp.jwks,
  // Nothing is routed upstream (every route answers directly); the cluster must still exist.
  upstreamPort: await freePort(),
  attributesPort: attrs.port,
  routeConfig: routeConfig(JSON.stringify(page)),
};
const CONFIGS = [
  { name: 'none', label: 'no filter', options: { ...common, authzFilter: null } },
  { name: 'rbac', label: 'native RBAC', options: { ...common, authzFilter: rbacFilter(policy) } },
  { name: 'recgate', label: 'recgate', options: { ...common, plugin: recgatePlugin(policy) } },
];
// The floor of any proxy-wasm filter in this Envoy: an empty Rust filter (when the probe is built).
if (existsSync(PROBE)) CONFIGS.splice(1, 0, { name: 'empty', label: 'empty Wasm filter (reference)', options: { ...common, authzFilter: probeFilter('none 0') } });
else console.log(`no probe at ${PROBE}: the empty-Wasm-filter reference is left out (see bench/edge/README.md)`);

const envoyBin = process.env.ENVOY_BIN ?? join(repoRoot, '.venv', 'bin', 'envoy');
const envoyVersion = execFileSync(envoyBin, ['--version']).toString().trim().split('\n').pop().replace(/^.*version: /, '');
const started = new Date();
const load0 = loadavg()[0];

const running = [];
try {
  for (const c of CONFIGS) {
    const envoy = await startEnvoy(c.options);
    running.push(envoy);
    c.envoy = envoy;
    c.pid = envoyPid(envoy.pid);
  }
  console.log(`${envoyVersion}\nconfigurations up: ${CONFIGS.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}`);

  // A benchmark of wrong answers is worthless: every configuration, every request.
  await verifyAnswers(CONFIGS, SCENARIOS, token, { total: LIST_ENTITIES, visible });
  const attributeCalls = attrs.state.calls;
  console.log(`answers verified (recgate's list keeps ${visible.length} of ${LIST_ENTITIES}); attributes service called ${attributeCalls}×`);

  const cell = (c, s) => measure({ envoy: c.envoy, pid: c.pid, url: c.envoy.url + s.path, method: s.method, token: token(), seconds, connections });
  if (warmup > 0) {
    for (const s of SCENARIOS) for (const c of CONFIGS) await measure({ envoy: c.envoy, pid: c.pid, url: c.envoy.url + s.path, method: s.method, token: token(), seconds: warmup, connections });
  }

  // results[scenario][config] = one entry per round.
  const results = Object.fromEntries(SCENARIOS.map((s) => [s.name, Object.fromEntries(CONFIGS.map((c) => [c.name, []]))]));
  const wrong = [];
  for (let r = 0; r < rounds; r += 1) {
    for (const s of SCENARIOS) {
      // Rotate the order each round so no configuration always runs first (or last) after a change of request.
      const order = CONFIGS.map((_, i) => CONFIGS[(i + r) % CONFIGS.length]);
      for (const c of order) {
        const m = await cell(c, s);
        const cls = `${String(s.expect[c.name])[0]}xx`;
        if (m.byClass[cls] !== m.served || m.wrk.socketErrors > 0) wrong.push({ round: r, scenario: s.name, config: c.name, expected: cls, ...m.byClass, served: m.served, socketErrors: m.wrk.socketErrors });
        results[s.name][c.name].push(m);
        console.log(`round ${r + 1}/${rounds} ${s.name.padEnd(5)} ${c.name.padEnd(7)} ${m.rps.toFixed(0).padStart(6)} req/s  ${m.cpuUsPerRequest.toFixed(1).padStart(7)} µs CPU/req  Envoy busy ${(m.cpuShare * 100).toFixed(0)}%`);
      }
    }
  }

  // The answers must still be right after the load, and the attributes must have come from the cache.
  await verifyAnswers(CONFIGS, SCENARIOS, token, { total: LIST_ENTITIES, visible });
  const summary = summarize(results, SCENARIOS, CONFIGS);
  const text = markdown({
    summary, scenarios: SCENARIOS, configs: CONFIGS, envoyVersion, started, finished: new Date(),
    rounds, seconds, connections, warmup, visible: visible.length, total: LIST_ENTITIES,
    wrong, attributeCalls: attrs.state.calls - attributeCalls, machine: `${cpus().length} cores, load average ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`,
  });
  console.log(`\n${text}`);
  const outDir = join(repoRoot, 'target', 'bench-peers');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'edge.md'), text);
  console.log(`written: ${join(outDir, 'edge.md')}`);
  if (wrong.length > 0) process.exitCode = 1;
} finally {
  for (const e of running) await e.stop();
  attrs.server.close();
}
