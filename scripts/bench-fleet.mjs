// Policy propagation across a fleet (issue #19): two Envoys (two workers
// each) polling one policy server for signed policies, under load; the
// policy is rotated N times (alternating two trusted keys) and, for each
// rotation and each Envoy, the time from the rotation to its last answer
// from the old policy ("settled") is recorded. Prints and writes
// target/bench-peers/fleet.md. Numbers only: nothing asserted about speed
// (tests/envoy/fleet.test.mjs asserts the behaviour).
//
//   node scripts/bench-fleet.mjs [--rotations 10] [--poll 1] [--workers 3]

import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';

import { makeIssuer } from '../tests/envoy/lib/jwt.mjs';
import { startUpstream, startAttributes } from '../tests/envoy/lib/servers.mjs';
import { startEnvoy, repoRoot } from '../tests/envoy/lib/envoy.mjs';
import { keygen, signPolicy, scratch, startSignedPolicyServer, rotateUnderLoad } from '../tests/envoy/lib/fleet.mjs';

const { values } = parseArgs({ options: { rotations: { type: 'string', default: '10' }, poll: { type: 'string', default: '1' }, workers: { type: 'string', default: '3' } } });
const rotations = Math.max(1, Number(values.rotations));
const poll = Math.max(1, Number(values.poll));
const workers = Math.max(1, Number(values.workers));

const acme = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
const dir = scratch('bench-fleet');
const keys = [keygen(dir), keygen(dir)];
const ps = await startSignedPolicyServer(signPolicy(dir, acme, keys[0], 1));
const up = await startUpstream();
const attrs = await startAttributes(up.data);
const envoys = [];
const started = new Date();
const load0 = loadavg()[0];
const rows = [];
try {
  for (let i = 0; i < 2; i += 1) {
    envoys.push(await startEnvoy({
      jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port, policyPort: ps.port,
      plugin: { attributes: { cluster: 'recgate_attributes' }, policyServer: { cluster: 'recgate_policy', pollSeconds: poll, timeoutMs: 1000 }, signing: { trustedKeys: keys.map((k) => k.publicKey) }, decisionLog: false },
    }, { concurrency: 2 }));
  }
  const token = idp.token({ sub: 'qa-1', ageSeconds: 0 });
  const probe = async (envoy) => {
    const r = await fetch(`${envoy.url}/api/v2/conversations/c-1/recordings/rec-us-screen-1`, { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    return { status: r.status, revision: r.headers.get('x-recgate-revision') };
  };
  for (const envoy of envoys) for (let i = 0; i < 100 && (await probe(envoy)).revision !== acme.revision; i += 1) await new Promise((r) => setTimeout(r, 100));
  for (let n = 0; n < rotations; n += 1) {
    const policy = { ...structuredClone(acme), revision: `acme-bench-${n + 2}` };
    const signed = signPolicy(dir, policy, keys[(n + 1) % 2], n + 2);
    const per = await rotateUnderLoad({ envoys, probe, rotate: () => ps.set(signed), revision: policy.revision, workers, settleMs: Math.max(2500, poll * 1000 + 1000), timeoutMs: poll * 1000 + 20000 });
    const settled = per.map((p) => (p.firstNewMs === null ? null : Math.max(p.firstNewMs, p.lastOldMs ?? 0)));
    const bad = per.reduce((s, p) => s + p.statuses.filter((x) => typeof x !== 'number' || x >= 500).length, 0);
    const requests = per.reduce((s, p) => s + p.requests, 0);
    rows.push({ n: n + 1, settled, first: per.map((p) => p.firstNewMs), bad, requests });
    console.log(`rotation ${n + 1}/${rotations}: settled ${settled.join(' / ')} ms (first new answer ${per.map((p) => p.firstNewMs).join(' / ')} ms), ${requests} requests, ${bad} 5xx`);
  }
} finally {
  for (const e of envoys) await e.stop();
  up.server.close();
  attrs.server.close();
  ps.server.close();
}
const all = rows.flatMap((r) => r.settled).filter((x) => x !== null).sort((a, b) => a - b);
const q = (p) => all[Math.min(all.length - 1, Math.floor(p * all.length))];
const out = [
  `### Policy propagation across a fleet (${started.toISOString()})`,
  '',
  `\`node scripts/bench-fleet.mjs --rotations ${rotations} --poll ${poll} --workers ${workers}\`: two Envoys (1.40, \`--concurrency 2\`), one policy server, signed policies (\`recgate sign\`, two trusted keys alternating), \`pollSeconds: ${poll}\`, ${workers} request loops per Envoy; load average ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end. "Settled": ms from the rotation on the server to the Envoy's last answer from the old policy (every worker switched).`,
  '',
  '| rotation | Envoy A settled ms | Envoy B settled ms | requests | 5xx |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.n} | ${r.settled[0] ?? 'never'} | ${r.settled[1] ?? 'never'} | ${r.requests} | ${r.bad} |`),
  '',
  `Over ${all.length} Envoy-rotations: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${all.at(-1)} ms (poll interval ${poll * 1000} ms); ${rows.reduce((s, r) => s + r.bad, 0)} 5xx in ${rows.reduce((s, r) => s + r.requests, 0)} requests.`,
  '',
].join('\n');
mkdirSync(join(repoRoot, 'target', 'bench-peers'), { recursive: true });
writeFileSync(join(repoRoot, 'target', 'bench-peers', 'fleet.md'), out);
console.log(`\n${out}`);
