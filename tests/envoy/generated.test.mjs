// Differential test at the edge: the generated corpus of the cross-target test
// (random valid policies and requests, from `recgate-corpus`), replayed through
// real Envoy wherever a request maps to an HTTP route. The native CLI decides
// every request (with Envoy's clock) and the test derives the status the edge
// must give: 2xx and the upstream reached when allowed; 403 with the same
// reason when denied; 404 when the recording is hidden from the principal;
// media stripped when only metadata may be seen. List responses are checked
// too: each user sees exactly the recordings the CLI says they may see.
// The requests are generated for the permissions the routes decide
// (lib/generated.mjs, generatedCorpus) and every decided route, the list
// included, must answer both ways at least ROUTE_FLOOR times (RouteFloors).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeIssuer } from './lib/jwt.mjs';
import { startUpstream, startAttributes } from './lib/servers.mjs';
import { startEnvoy, repoRoot } from './lib/envoy.mjs';
import { routeFor, visibilityRequests, expected, USERS, generatedCorpus, routeKey, RouteFloors } from './lib/generated.mjs';
import { shrinkAsync } from '../cross/shrink.mjs';

const POLICIES = Number(process.env.EDGE_POLICIES ?? 24);
const PER_POLICY = Number(process.env.EDGE_REQUESTS ?? 300);
const SEED = Number(process.env.EDGE_SEED ?? 4242);
const MIN_ROUTED = 500;
const SHRINK_BUDGET = Number(process.env.EDGE_SHRINK_BUDGET ?? 60);
// Per route, allowed and refused answers at least this often (issue #18).
const ROUTE_FLOOR = Number(process.env.EDGE_ROUTE_FLOOR ?? 10);
// The routes the generator drives (method, path template, query flag), the list included: each must meet the floor.
const DECIDED_ROUTES = [
  'GET /api/v2/conversations/:id/recordings/:id', 'GET /api/v2/conversations/:id/recordings/:id?download=true',
  'PUT /api/v2/conversations/:id/recordings/:id', 'GET /api/v2/conversations/:id/recordingmetadata/:id',
  'POST /api/v2/recording/batchrequests',
  'PUT /api/v2/recordings/deletionprotection?protect=true', 'PUT /api/v2/recordings/deletionprotection?protect=false',
  'POST /api/v2/conversations/:id/recordings/:id/annotations',
  'GET /api/v2/conversations/:id/recordings/:id/annotations/:id', 'PUT /api/v2/conversations/:id/recordings/:id/annotations/:id',
  'DELETE /api/v2/conversations/:id/recordings/:id/annotations/:id',
  'GET /api/v2/routing/queues/:id', 'GET /api/v2/users/:id',
  'GET /api/v2/conversations/:id/recordings',
];

const corpusBin = join(repoRoot, 'target', 'release', 'recgate-corpus');
const cli = join(repoRoot, 'target', 'release', 'recgate');
const work = mkdtempSync(join(tmpdir(), 'recgate-generated-'));
const idp = makeIssuer();

/** Native decisions for `requests` under `policy`, in order (the CLI's batch eval). */
function decideAll(policy, requests) {
  const file = join(work, 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  const input = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const out = execFileSync(cli, ['eval', '--policy', file], { input, maxBuffer: 1 << 28 }).toString();
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// Permissions whose routes are allowed rarely under random policies (one
// principal in ten may protect a recording): drawn again, more often, so that
// their routes meet the floor both ways.
const RARE_PERMISSIONS = ['recording:deletionProtection:apply', 'recording:deletionProtection:revoke'];
const RARE_PER_POLICY = Number(process.env.EDGE_RARE_REQUESTS ?? 60);

/**
 * The corpus, grouped by policy: requests for the permissions the routes
 * decide, then the rare ones' own draw for the same policies (the generator
 * makes a policy from the seed and its index alone, whatever it is asked).
 */
function corpus() {
  const groups = generatedCorpus(execFileSync, corpusBin, { policies: POLICIES, perPolicy: PER_POLICY, seed: SEED });
  const rare = generatedCorpus(execFileSync, corpusBin, { policies: POLICIES, perPolicy: RARE_PER_POLICY, seed: SEED, permissions: RARE_PERMISSIONS });
  for (const [g, extra] of rare.entries()) {
    assert.deepEqual(extra.policy, groups[g]?.policy, `the generator's policy ${g} depends on the permissions asked for`);
    groups[g].requests.push(...extra.requests);
  }
  return groups;
}

/** Whether a policy is valid (an invalid one would keep Envoy from loading the filter at all). */
function valid(policy) {
  const file = join(work, 'candidate.json');
  writeFileSync(file, JSON.stringify(policy));
  try {
    execFileSync(cli, ['validate', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Envoy with the filter deciding by `policy`, in front of the test API and attributes service. */
const startEdge = (policy) => startEnvoy({
  jwks: idp.jwks, upstreamPort: up.port, attributesPort: attrs.port,
  plugin: { policy, attributes: { cluster: 'recgate_attributes', timeoutMs: 2000, cacheTtlSeconds: 60 }, listFilter: { maxBodyBytes: 4 << 20 } },
});

const upsert = (list, item) => {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item; else list.push(item);
};

/** Makes a case's recording and annotation known to the API and the attributes service. */
function serve(c) {
  if (c.recording) upsert(data.recordings, c.recording);
  if (c.annotation) upsert(data.annotations, c.annotation);
}

/** A copy of a case's recording in the policy's list conversation. */
const listed = (r, conversation) => ({ ...r, id: `${r.id}-l`, conversationId: conversation });

/** Whether the edge's answer is the one the native decisions imply. */
const agrees = (e, got) => got.status === e.status
  && (e.reason === undefined || got.body?.reason === e.reason)
  && (got.status < 400) === got.upstream
  && (e.media === undefined || (got.body?.mediaUris !== undefined) === e.media);

/** The expectation for one case, decided natively now. */
function expectNow(policy, c) {
  const now = new Date(Date.now() - 1000).toISOString();
  const [m, a, b] = decideAll(policy, [c.request, c.mediaRequest, c.metaRequest].map((r) => ({ ...r, now })));
  return { e: expected(c, m, a, b), native: m, now };
}

/** Whether real Envoy still disagrees with the native decision on (policy, request): one Envoy per candidate. */
async function edgeDisagrees(policy, request, tag) {
  const c = valid(policy) ? routeFor(request, tag) : null;
  if (!c) return false;
  const { e } = expectNow(policy, c);
  serve(c);
  const envoy = await startEdge(policy);
  try {
    return !agrees(e, await send(envoy, c));
  } finally {
    await envoy.stop();
  }
}

/**
 * Disagreements become ready-to-commit vector files: the policy, the core
 * request and the native decision the edge failed to enforce. The first is
 * shrunk through real Envoy first (one Envoy start per candidate, so bounded).
 */
async function writeVectors(failures) {
  const dir = join(repoRoot, 'test-output', 'edge-generated');
  const single = failures.filter((f) => f.request).slice(0, 5);
  for (const [i, f] of single.entries()) {
    let { policyDoc: policy, request } = f;
    if (i === 0) {
      ({ policy, request } = await shrinkAsync(policy, request, (p, r) => edgeDisagrees(p, r, 'shrink'), SHRINK_BUDGET));
    }
    const c = routeFor(request, 'vector');
    const { native, now } = expectNow(policy, c);
    mkdirSync(dir, { recursive: true });
    const vector = {
      policy,
      cases: [{ name: `edge disagreed (${i === 0 ? 'shrunk' : 'as generated'}): ${f.http} gave ${f.got.status}, expected ${f.expected.status}`,
        request: { ...c.request, now },
        expect: { allow: native.allow, reason: native.reason, obligations: native.obligations } }],
    };
    const file = join(dir, `disagreement-${i}.json`);
    writeFileSync(file, JSON.stringify(vector, null, 1));
    console.log(`written ${file}`);
  }
}

let up;
let attrs;
const data = { recordings: [], annotations: [], queues: [], jobs: [] };

before(async () => {
  up = await startUpstream(data);
  attrs = await startAttributes(data);
});

after(() => {
  up?.server.close();
  attrs?.server.close();
});

async function send(envoy, { method, path, principal, actor, body }) {
  const headers = { authorization: `Bearer ${idp.token({ sub: actor ?? principal })}` };
  if (actor) headers['gen-usersubject'] = principal;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(envoy.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed, upstream: res.headers.get('x-served-by') === 'test-upstream' };
}

test(`≥ ${MIN_ROUTED} generated requests through real Envoy give the statuses the native decisions imply`, { timeout: 600_000 }, async () => {
  let routed = 0;
  let unstable = 0;
  let listsChecked = 0;
  const statuses = new Map();
  const floors = new RouteFloors(ROUTE_FLOOR);
  const refusals = new Map();
  const failures = [];
  const groups = corpus();
  for (const [g, { policy, requests }] of groups.entries()) {
    // Envoy decides with its own clock: so does the expectation, at two instants
    // a few minutes apart, so that a retention boundary crossed mid-test is skipped, not failed.
    const t0 = new Date(Date.now() - 1000).toISOString();
    const t1 = new Date(Date.now() + 5 * 60_000).toISOString();
    const cases = [];
    for (const [i, request] of requests.entries()) {
      const route = routeFor(request, `g${g}-${i}`);
      if (route) cases.push(route);
    }
    const batch = (t) => cases.flatMap((c) => [c.request, c.mediaRequest, c.metaRequest].map((r) => ({ ...r, now: t })));
    // For the list: every user × every recording of this policy, media view and metadata view.
    const recs = cases.map((c) => c.recording).filter(Boolean);
    const listRequests = (t) => USERS.flatMap((u) => recs.flatMap((r) => visibilityRequests(u, r).map((x) => ({ ...x, now: t }))));
    const [d0, d1] = [t0, t1].map((t) => decideAll(policy, [...batch(t), ...listRequests(t)]));
    const conversation = `c-gen-${g}`;
    for (const c of cases) serve(c);
    for (const r of recs) upsert(data.recordings, listed(r, conversation));
    const envoy = await startEdge(policy);
    try {
      // Random policies hide most recordings from most users: keep every request
      // that is allowed or refused with a reason, and hidden ones up to half as many.
      const planned = cases.map((c, k) => {
        const pick = (d) => d.slice(3 * k, 3 * k + 3);
        const [e0, e1] = [pick(d0), pick(d1)].map(([m, a, b]) => expected(c, m, a, b));
        return { c, e0, stable: JSON.stringify(e0) === JSON.stringify(e1) };
      });
      const shown = planned.filter((p) => p.e0.status !== 404).length;
      let hiddenBudget = Math.ceil(shown / 2);
      for (const { c, e0, stable } of planned) {
        if (!stable) { unstable += 1; continue; }
        if (e0.status === 404 && hiddenBudget-- <= 0) continue;
        const got = await send(envoy, c);
        routed += 1;
        floors.add(routeKey(c.method, c.path), e0.status < 400);
        if (got.status === 403) refusals.set(got.body?.reason, (refusals.get(got.body?.reason) ?? 0) + 1);
        statuses.set(got.status, (statuses.get(got.status) ?? 0) + 1);
        if (!agrees(e0, got)) failures.push({ policy: g, policyDoc: policy, request: { ...c.request, now: t0 }, native: d0[3 * cases.indexOf(c)], http: `${c.method} ${c.path}`, expected: e0, got: { status: got.status, body: got.body } });
      }
      // Lists: each user, their own token, the policy's recordings filtered by the edge.
      const base = 3 * cases.length;
      for (const [u, user] of USERS.entries()) {
        const want = (d) => recs.flatMap((r, j) => {
          const [media, meta] = d.slice(base + 2 * (u * recs.length + j), base + 2 * (u * recs.length + j) + 2);
          return media.allow ? [`${r.id}:media`] : meta.allow ? [`${r.id}:metadata`] : [];
        }).join(' ');
        if (want(d0) !== want(d1)) { unstable += 1; continue; }
        const got = await send(envoy, { method: 'GET', path: `/api/v2/conversations/${conversation}/recordings`, principal: user });
        listsChecked += 1;
        const shown = want(d0) === '' ? 0 : want(d0).split(' ').length;
        floors.addList(routeKey('GET', `/api/v2/conversations/${conversation}/recordings`), shown, recs.length - shown);
        // The real API's list: a JSON array of Recording.
        const seen = got.status === 200 && Array.isArray(got.body)
          ? got.body.map((r) => `${r.id.replace(/-l$/, '')}:${r.mediaUris !== undefined ? 'media' : 'metadata'}`).join(' ')
          : `status ${got.status}`;
        // A principal who cannot decide at all (disabled, unknown) gets 403, never a list.
        if (seen !== want(d0) && !(got.status === 403 && want(d0) === '')) {
          failures.push({ policy: g, list: user, expected: want(d0), got: seen });
        }
      }
    } finally {
      await envoy.stop();
    }
  }
  console.log(`routed ${routed} generated requests through Envoy over ${groups.length} policies; statuses`,
    Object.fromEntries(statuses), `; ${listsChecked} list responses checked; ${unstable} skipped at a retention boundary`);
  console.log('per route (allowed / refused; lists: recordings shown / hidden):', JSON.stringify(floors));
  console.log('403 reasons:', JSON.stringify(Object.fromEntries([...refusals].sort((a, b) => b[1] - a[1]))));
  await writeVectors(failures);
  assert.equal(failures.length, 0, `${failures.length} disagreements; first: ${JSON.stringify({ ...failures[0], policyDoc: undefined })}`);
  assert.ok(routed >= MIN_ROUTED, `only ${routed} generated requests mapped to routes`);
  assert.ok(statuses.size >= 4, `too few distinct statuses for agreement to mean much: ${[...statuses.keys()]}`);
  const short = floors.shortfalls(DECIDED_ROUTES);
  assert.deepEqual(short, [], `routes short of the floor (${ROUTE_FLOOR} allowed and ${ROUTE_FLOOR} refused each): ${short.join('; ')}`);
});
