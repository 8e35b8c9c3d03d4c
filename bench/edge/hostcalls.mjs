// What one proxy-wasm host call costs in this Envoy (V8), measured with the
// probe filter in bench/edge/hostcalls/: for each call, an Envoy whose probe
// repeats it N times per request, next to the empty probe (N = 0) and to no
// filter; (CPU per request at N − at 0) ÷ N is one call. Same allowed GET,
// jwt_authn in front, interleaved rounds. Explains where recgate's per-request
// CPU goes (recgate makes these calls; see README.md), with recgate's own
// call sequence replayed by the probe and recgate itself alongside. Build the probe first:
//
//   cargo build --release --target wasm32-wasip1 --manifest-path bench/edge/hostcalls/Cargo.toml --target-dir target/edge-hostcalls
//   node bench/edge/hostcalls.mjs [--rounds 3] [--seconds 3] [--repeat 20]

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { makeIssuer } from '../../tests/envoy/lib/jwt.mjs';
import { startAttributes } from '../../tests/envoy/lib/servers.mjs';
import { startEnvoy, freePort, repoRoot } from '../../tests/envoy/lib/envoy.mjs';
import { scenarios, PRINCIPAL, benchData, routeConfig, rolesOf, recgatePlugin, PROBE, probeFilter } from './configs.mjs';
import { envoyPid, measure, numericOptions } from './measure.mjs';

const { rounds, seconds, connections, repeat } = numericOptions({ rounds: [3, 1], seconds: [3, 1], connections: [16, 1], repeat: [20, 1] });

if (!existsSync(PROBE)) throw new Error(`no probe at ${PROBE}: build it (see the header of this file)`);

// The calls recgate's filter makes on an allowed media view, and how often: its census
// (bench/edge/census.mjs, the `hostcall-census` build) at this commit.
const OPS = [
  { op: 'claim', what: 'get_property of one jwt_authn claim (metadata path, 5 segments)', recgate: 3 },
  { op: 'payload', what: 'get_property of the whole jwt_payload (one call for all claims)', recgate: 0 },
  { op: 'headers', what: 'get_http_request_headers (the whole map; recgate: request and response)', recgate: 2 },
  { op: 'header', what: 'get_http_request_header (one)', recgate: 0 },
  { op: 'set_header', what: 'set_http_request_header (recgate: 3 request + 6 response headers set or removed)', recgate: 9 },
  { op: 'set_property', what: 'set_property (recgate: the six decision fields as filter state)', recgate: 6 },
  { op: 'shared', what: 'get_shared_data (400-byte entry)', recgate: 1 },
  { op: 'random', what: 'WASI random_get, 16 bytes (decision id)', recgate: 1 },
  { op: 'metric', what: 'increment_metric', recgate: 2 },
  { op: 'time', what: 'get_current_time', recgate: 1 },
  { op: 'buffer', what: 'get_http_response_body (the ~0.4 KB recording)', recgate: 1 },
];

const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
const token = () => idp.token({ sub: PRINCIPAL, claims: { roles: rolesOf(policy, PRINCIPAL) } });
const allow = scenarios([]).find((s) => s.name === 'allow');

const CELLS = [
  { name: 'none', options: { authzFilter: null } },
  { name: 'empty', options: { authzFilter: probeFilter('none 0') } },
  ...OPS.map((o) => ({ name: o.op, options: { authzFilter: probeFilter(`${o.op} ${repeat}`) } })),
  // recgate's allow-path host calls once, without its work; and recgate itself.
  { name: 'pattern', options: { authzFilter: probeFilter('pattern 1') } },
  { name: 'recgate', options: { plugin: recgatePlugin(policy) } },
];

const data = benchData([]);
const attrs = await startAttributes(data);
const common = { jwks: idp.jwks, upstreamPort: await freePort(), attributesPort: attrs.port, routeConfig: routeConfig(data, []) };
const running = [];
try {
  for (const c of CELLS) {
    c.envoy = await startEnvoy({ ...common, ...c.options });
    running.push(c.envoy);
    c.pid = envoyPid(c.envoy.pid);
    const r = await fetch(c.envoy.url + allow.path, { headers: { authorization: `Bearer ${token()}` } });
    await r.text();
    if (r.status !== 200) throw new Error(`${c.name}: ${r.status}`);
  }
  const cpu = Object.fromEntries(CELLS.map((c) => [c.name, []]));
  for (const c of CELLS) await measure({ envoy: c.envoy, pid: c.pid, url: c.envoy.url + allow.path, method: 'GET', token: token(), seconds: 1, connections });
  for (let r = 0; r < rounds; r += 1) {
    const order = CELLS.map((_, i) => CELLS[(i + r) % CELLS.length]);
    for (const c of order) {
      const m = await measure({ envoy: c.envoy, pid: c.pid, url: c.envoy.url + allow.path, method: 'GET', token: token(), seconds, connections });
      cpu[c.name].push(m.cpuUsPerRequest);
      console.log(`round ${r + 1}/${rounds} ${c.name.padEnd(10)} ${m.rps.toFixed(0).padStart(6)} req/s ${m.cpuUsPerRequest.toFixed(1).padStart(7)} µs CPU/req`);
    }
  }
  const median = (xs) => { const a = [...xs].sort((x, y) => x - y); const m = a.length >> 1; return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2; };
  const paired = (name, base) => median(cpu[name].map((x, r) => x - cpu[base][r]));
  const lines = [
    `## proxy-wasm host call costs in Envoy's V8 runtime (${new Date().toISOString()})`,
    '',
    `\`node bench/edge/hostcalls.mjs --rounds ${rounds} --seconds ${seconds} --connections ${connections} --repeat ${repeat}\`: medians of per-round paired differences.`,
    '',
    `- An empty Rust proxy-wasm filter (probe, N = 0) adds **${paired('empty', 'none').toFixed(1)} µs** of Envoy CPU per request over no filter.`,
    `- recgate's allow-path host calls made once in a row by the probe, without recgate's work, add **${paired('pattern', 'empty').toFixed(1)} µs** over the empty filter.`,
    // Medians of paired differences do not add up; the remainder is taken from the three medians so the parts sum to the whole.
    `- recgate itself (allow path) adds **${paired('recgate', 'none').toFixed(1)} µs** over no filter, of which **${(paired('recgate', 'none') - paired('empty', 'none') - paired('pattern', 'empty')).toFixed(1)} µs** is beyond the empty filter and its host calls: its own Wasm work (Rust code in V8, and the V8 built-ins it calls).`,
    '',
    '| host call | µs per call | calls per recgate allow | µs in recgate allow |',
    '|---|---|---|---|',
  ];
  let total = 0;
  for (const o of OPS) {
    const per = paired(o.op, 'empty') / repeat;
    total += per * o.recgate;
    lines.push(`| ${o.what} | ${per.toFixed(2)} | ${o.recgate} | ${(per * o.recgate).toFixed(1)} |`);
  }
  lines.push(`| **sum of recgate's host calls** | | | **${total.toFixed(1)}** |`);
  const text = `${lines.join('\n')}\n`;
  console.log(`\n${text}`);
  mkdirSync(join(repoRoot, 'target', 'bench-peers'), { recursive: true });
  writeFileSync(join(repoRoot, 'target', 'bench-peers', 'edge-hostcalls.md'), text);
} finally {
  for (const e of running) await e.stop();
  attrs.server.close();
}
