// Issue #14 (and #6, the edge part): Envoy with no authorization filter, an
// empty Rust proxy-wasm filter (the floor any Wasm filter pays), the native
// RBAC filter, and recgate's Wasm filter, measured in one run on the real
// API's requests (allow and deny on cached facts, list pages of 100 / 1,000 /
// 10,000 recordings), interleaved and repeated. Checks every configuration's
// answers first (and after), counts recgate's host calls per request on each
// path (a census build, when present), then prints and writes
// target/bench-peers/edge[-cN].md. Numbers only: nothing asserted about speed.
//
//   node bench/edge/run.mjs [--rounds 5] [--seconds 4] [--connections 16] [--warmup 1] [--concurrency 1] [--sizes 100,1000,10000]
//
// RECGATE_BENCH_BEFORE=<path to another recgate_proxy.wasm> adds that build as
// the configuration `before`, measured in the same rounds (before/after of a change).

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';

import { makeIssuer } from '../../tests/envoy/lib/jwt.mjs';
import { startAttributes } from '../../tests/envoy/lib/servers.mjs';
import { startEnvoy, freePort, repoRoot } from '../../tests/envoy/lib/envoy.mjs';
import { scenarios, LIST_SIZES, PRINCIPAL, benchData, expectedVisible, allowedRecording, routeConfig, rbacFilter, recgatePlugin, rolesOf, PROBE, CENSUS, probeFilter } from './configs.mjs';
import { envoyPid, measure } from './measure.mjs';
import { verifyAnswers } from './verify.mjs';
import { summarize, markdown } from './report.mjs';
import { census } from './census.mjs';

const { values } = parseArgs({
  options: Object.fromEntries(['rounds', 'seconds', 'connections', 'warmup', 'concurrency', 'sizes'].map((k) => [k, { type: 'string' }])),
});
const num = (k, d, floor) => Math.max(floor, Number(values[k] ?? d));
const rounds = num('rounds', 5, 1);
const seconds = num('seconds', 4, 1);
const connections = num('connections', 16, 1);
const warmup = num('warmup', 1, 0);
const concurrency = num('concurrency', 1, 1);
const sizes = (values.sizes ?? LIST_SIZES.join(',')).split(',').filter(Boolean).map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes: whole numbers, comma-separated: ${values.sizes}`);
// RECGATE_BENCH_SCENARIOS=allow,deny measures only those requests (e.g. the allow-path cost of a filter change).
const only = process.env.RECGATE_BENCH_SCENARIOS?.split(',').filter(Boolean);
const SCENARIOS = scenarios(sizes).filter((s) => !only || only.includes(s.name));

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
// Tokens carry the policy's role names for RBAC; recgate reads only sub/sid/iat.
// Minted per cell: the policy refuses tokens older than tokenMaxAgeSeconds.
const token = () => idp.token({ sub: PRINCIPAL, claims: { roles: rolesOf(policy, PRINCIPAL) } });

const data = benchData(sizes);
const expected = { recording: allowedRecording(data), visible: Object.fromEntries(sizes.map((n) => [n, expectedVisible(policy, data, n)])) };
const attrs = await startAttributes(data);
const common = {
  jwks: idp.jwks,
  // Nothing is routed upstream (every route answers directly); the cluster must still exist.
  upstreamPort: await freePort(),
  attributesPort: attrs.port,
  routeConfig: routeConfig(data, sizes),
};
const CONFIGS = [
  { name: 'none', kind: 'none', label: 'no filter', options: { ...common, authzFilter: null } },
  { name: 'rbac', kind: 'rbac', label: 'native RBAC', options: { ...common, authzFilter: rbacFilter(policy) } },
  { name: 'recgate', kind: 'recgate', label: 'recgate', options: { ...common, plugin: recgatePlugin(policy) } },
];
// The floor of any proxy-wasm filter in this Envoy: an empty Rust filter (the probe, built per README.md).
if (!existsSync(PROBE)) throw new Error(`no probe at ${PROBE}: the empty Rust filter is the reference of issue #14's goals (build it, see bench/edge/README.md)`);
CONFIGS.splice(1, 0, { name: 'empty', kind: 'empty', label: 'empty Rust proxy-wasm filter', options: { ...common, authzFilter: probeFilter('none 0') } });
const before = process.env.RECGATE_BENCH_BEFORE;
if (before) CONFIGS.push({ name: 'before', kind: 'recgate', label: `recgate before (${before.replace(`${repoRoot}/`, '')})`, options: { ...common, plugin: recgatePlugin(policy), wasmCode: { local: { filename: before } } } });

const envoyBin = process.env.ENVOY_BIN ?? join(repoRoot, '.venv', 'bin', 'envoy');
const envoyVersion = execFileSync(envoyBin, ['--version']).toString().trim().split('\n').pop().replace(/^.*version: /, '');
const started = new Date();
const load0 = loadavg()[0];

const running = [];
try {
  for (const c of CONFIGS) {
    const envoy = await startEnvoy(c.options, { concurrency });
    running.push(envoy);
    c.envoy = envoy;
    c.pid = envoyPid(envoy.pid);
  }
  console.log(`${envoyVersion}\nconfigurations up (--concurrency ${concurrency}): ${CONFIGS.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}`);

  // A benchmark of wrong answers is worthless: every configuration, every request.
  await verifyAnswers(CONFIGS, SCENARIOS, token, expected);
  console.log(`answers verified (recgate's lists keep ${sizes.map((n) => `${expected.visible[n].length} of ${n}`).join(', ')}); attributes service called ${attrs.state.calls}×`);

  // Host calls per request on each path, from a census build (sequential requests: exact per request).
  let calls = null;
  if (existsSync(CENSUS)) {
    const envoy = await startEnvoy({ ...common, plugin: recgatePlugin(policy), wasmCode: { local: { filename: CENSUS } } }, { concurrency });
    running.push(envoy);
    const c = { name: 'census', kind: 'recgate', envoy };
    await verifyAnswers([c], SCENARIOS, token, expected);
    calls = await census(envoy, SCENARIOS, token);
    await envoy.stop();
    running.pop();
  } else console.log(`no census build at ${CENSUS}: host calls per request left out (see bench/edge/README.md)`);
  const attributeCalls = attrs.state.calls;

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
        const m = await measure({ envoy: c.envoy, pid: c.pid, url: c.envoy.url + s.path, method: s.method, token: token(), seconds, connections });
        const cls = `${String(s.expect[c.kind])[0]}xx`;
        if (m.byClass[cls] !== m.served || m.wrk.socketErrors > 0) wrong.push({ round: r, scenario: s.name, config: c.name, expected: cls, ...m.byClass, served: m.served, socketErrors: m.wrk.socketErrors });
        results[s.name][c.name].push(m);
        console.log(`round ${r + 1}/${rounds} ${s.name.padEnd(10)} ${c.name.padEnd(7)} ${m.rps.toFixed(0).padStart(6)} req/s  ${m.cpuUsPerRequest.toFixed(1).padStart(8)} µs CPU/req  Envoy busy ${(m.cpuShare * 100).toFixed(0)}%`);
      }
    }
  }

  // The answers must still be right after the load, and the facts must have come from the cache.
  await verifyAnswers(CONFIGS, SCENARIOS, token, expected);
  const summary = summarize(results, SCENARIOS, CONFIGS);
  const text = markdown({
    summary, scenarios: SCENARIOS, configs: CONFIGS, envoyVersion, started, finished: new Date(), calls,
    rounds, seconds, connections, warmup, concurrency, sizes, expected,
    wrong, attributeCalls: attrs.state.calls - attributeCalls, machine: `${cpus().length} cores, load average ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`,
  });
  console.log(`\n${text}`);
  const outDir = join(repoRoot, 'target', 'bench-peers');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, concurrency === 1 ? 'edge.md' : `edge-c${concurrency}.md`);
  writeFileSync(out, text);
  console.log(`written: ${out}`);
  if (wrong.length > 0) process.exitCode = 1;
} finally {
  for (const e of running) await e.stop();
  attrs.server.close();
}
