// The npm package's API: PolicyError paths, check() on malformed input,
// visible()/visibility() order and metadata-only rows, controls(), can(),
// explain(), lint(), slice(), revisionHash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { Gate, PolicyError, cliHash, cliEval, withoutId, rng, pkgRoot } from '../testing/helpers.js';

const NOW = '2026-11-22T12:00:00Z';

const POLICY = {
  schema: 'recgate/v1',
  revision: 'api-1',
  settings: { retentionDays: { screen: 30, default: 365 } },
  groups: { support: { members: ['agent-1', 'agent-2'] } },
  queues: { 'q-support': { division: 'home', members: ['agent-1', 'agent-2'] } },
  roles: {
    qa: {
      grants: [
        { permission: 'recording:recording:view', scope: { group: 'support' } },
        { permission: 'recording:screenRecording:view', scope: { group: 'support' } },
        { permission: 'recording:annotation:*', scope: { group: 'support' } },
        { permission: 'conversation:transcript:view', scope: { group: 'support' } },
      ],
    },
    auditor: { grants: [{ permission: 'recording:metadata:view' }] },
    admin: {
      grants: [
        { permission: 'recording:recording:*' },
        { permission: 'recording:screenRecording:*' },
        { permission: 'recording:deletionProtection:*' },
        { permission: 'conversation:call:monitor' },
      ],
    },
    agent: { grants: [{ permission: 'recording:recording:view', scope: 'self' }] },
  },
  users: {
    quinn: { name: 'Quinn QA', roles: [{ role: 'qa' }] },
    aud: { roles: [{ role: 'auditor' }] },
    root: { roles: [{ role: 'admin' }] },
    'agent-1': { roles: [{ role: 'agent' }] },
    'agent-2': { roles: [{ role: 'agent' }] },
    gone: { roles: [{ role: 'admin' }], disabled: true },
  },
};

const gate = Gate.fromPolicy(POLICY);

const rec = (over = {}) => ({ id: 'r', media: 'audio', owner: 'agent-1', createdAt: '2026-11-20T09:00:00Z', ...over });
const req = (principal, permission, resource, over = {}) => ({ principal, permission, resource: { type: 'recording', ...resource }, now: NOW, ...over });

test('PolicyError lists every problem with its JSON pointer', () => {
  const bad = {
    schema: 'recgate/v1',
    revision: 'x',
    bogus: true,
    roles: { qa: { grants: [{ permission: 'recording:screnRecording:view', scpoe: 'all' }] } },
    users: { u: { roles: [{ role: 'nope' }] } },
  };
  let err;
  assert.throws(() => Gate.fromPolicy(bad), (e) => { err = e; return true; });
  assert.ok(err instanceof PolicyError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'PolicyError');
  const paths = err.errors.map((e) => e.path);
  for (const p of ['/bogus', '/roles/qa/grants/0/permission', '/roles/qa/grants/0/scpoe', '/users/u/roles/0/role']) {
    assert.ok(paths.includes(p), `${p} missing from ${paths}`);
  }
  for (const e of err.errors) {
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
    assert.ok(err.message.includes(e.path));
  }
  assert.match(err.errors.find((e) => e.path === '/roles/qa/grants/0/permission').message, /screnRecording/);
});

test('PolicyError for text that is not a policy at all', () => {
  for (const input of ['{ not json', '42', '[]', 42, null, undefined, (() => { const o = {}; o.self = o; return o; })()]) {
    assert.throws(() => Gate.fromPolicy(input), (e) => {
      assert.ok(e instanceof PolicyError, String(input));
      assert.ok(e.errors.length >= 1);
      assert.ok(e.errors.every((x) => typeof x.path === 'string' && typeof x.message === 'string'));
      return true;
    });
  }
  assert.throws(() => Gate.fromPolicy(POLICY, { maxBytes: 100 }), (e) => e instanceof PolicyError && e.errors[0].path === '' && /limit/.test(e.errors[0].message));
  assert.throws(() => Gate.fromPolicy(POLICY, { maxBytes: -1 }), RangeError);
});

test('revision and revisionHash (the core content hash, as `recgate hash`)', () => {
  assert.equal(gate.revision, 'api-1');
  assert.match(gate.revisionHash, /^[0-9a-f]{64}$/);
  assert.equal(gate.revisionHash, cliHash(POLICY));
  const reordered = { users: POLICY.users, roles: POLICY.roles, ...POLICY };
  assert.equal(Gate.fromPolicy(JSON.stringify(reordered, null, 4)).revisionHash, gate.revisionHash);
  const changed = Gate.fromPolicy({ ...POLICY, revision: 'api-2' });
  assert.notEqual(changed.revisionHash, gate.revisionHash);
});

test('check() decides as SPEC §4: grant, obligations, a fresh random decisionId', () => {
  const d = gate.check(req('quinn', 'recording:recording:view', rec({ sensitive: true })));
  assert.deepEqual(Object.keys(d), ['allow', 'reason', 'revision', 'grant', 'obligations', 'decisionId']);
  assert.equal(d.allow, true);
  assert.equal(d.reason, 'allow');
  assert.equal(d.revision, 'api-1');
  assert.deepEqual(d.grant, { role: 'qa', permission: 'recording:recording:view', scope: { group: 'support' } });
  assert.deepEqual(d.obligations, [{ type: 'redact' }]);
  // Changing what was returned changes nothing for the next caller.
  d.grant.scope.group = 'tampered';
  d.obligations.push({ type: 'cascade', ids: [] });
  const again = gate.check(req('quinn', 'recording:recording:view', rec({ sensitive: true })));
  assert.deepEqual(again.grant.scope, { group: 'support' });
  assert.deepEqual(again.obligations, [{ type: 'redact' }]);

  const del = gate.check(req('root', 'recording:recording:delete', rec({ related: ['s-1', 't-1'] })));
  assert.equal(del.allow, true);
  assert.deepEqual(del.obligations, [{ type: 'cascade', ids: ['s-1', 't-1'] }]);
  assert.match(del.decisionId, /^[0-9a-f]{32}$/);

  const deny = gate.check(req('quinn', 'recording:recording:view', rec({ owner: 'stranger' })));
  assert.equal(deny.allow, false);
  assert.equal(deny.reason, 'out_of_scope');
  assert.equal(deny.grant, null);

  const ids = new Set();
  for (let i = 0; i < 2000; i++) ids.add(gate.check(req('quinn', 'recording:recording:view', rec())).decisionId);
  assert.equal(ids.size, 2000, 'decision ids repeat');
});

test('a malformed request is decided invalid_request, never thrown', () => {
  const good = req('quinn', 'recording:recording:view', rec());
  const circular = { ...good };
  circular.self = circular;
  const malformed = [
    { ...good, acter: 'quinn' }, // a misspelt actor must not be ignored
    { ...good, now: 'yesterday' },
    { ...good, now: undefined },
    { ...good, permission: 'recording:*:view' }, // a pattern is not a request permission
    { ...good, permission: 'recording:screenRecording:view' }, // does not apply to audio
    { ...good, resource: { ...good.resource, media: 'video' } },
    { ...good, resource: { ...good.resource, legalhold: true } }, // a near-miss of legalHold
    { ...good, resource: { ...good.resource, participants: 'agent-1' } },
    { ...good, resource: { ...good.resource, retentionDays: -1 } },
    { ...good, resource: { type: 'spaceship', id: 'x' } },
    { ...good, principal: 7 },
    circular,
    { ...good, big: 10n },
    { ...good, now: new Date(NOW) }, // requests are JSON data: times are RFC 3339 strings
    { ...good, resource: { ...good.resource, retentionDays: NaN } },
    { ...good, resource: { ...good.resource, participants: [undefined] } },
    null,
    undefined,
    'not an object',
    [],
  ];
  for (const m of malformed) {
    let d;
    assert.doesNotThrow(() => { d = gate.check(m); });
    assert.equal(d.allow, false);
    assert.equal(d.reason, 'invalid_request', JSON.stringify(m, (k, v) => (typeof v === 'bigint' ? `${v}n` : k === 'self' ? '[circular]' : v)));
    assert.equal(d.grant, null);
    assert.deepEqual(d.obligations, []);
    assert.match(d.decisionId, /^[0-9a-f]{32}$/);
  }
  // can() builds its request from its four arguments: a malformed one denies.
  for (const [p, perm, res, now] of [
    ['quinn', 'recording:recording:view', { ...good.resource, media: 'video' }, NOW],
    ['quinn', 'recording:*:view', good.resource, NOW],
    ['quinn', 'recording:recording:view', good.resource, 'yesterday'],
    [7, 'recording:recording:view', good.resource, NOW],
    ['quinn', 'recording:recording:view', circular, NOW],
    ['quinn', 'recording:recording:view', null, NOW],
  ]) {
    assert.equal(gate.can(p, perm, res, now), false);
  }
  assert.equal(gate.checkJson('{').reason, 'invalid_request');
  assert.equal(gate.checkJson(42).reason, 'invalid_request');
});

test('check() agrees with the CLI and with the JSON path on generated requests', () => {
  const next = rng(7);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const users = ['quinn', 'aud', 'root', 'agent-1', 'agent-2', 'gone', 'nobody'];
  const perms = ['recording:recording:view', 'recording:screenRecording:view', 'recording:metadata:view',
    'recording:recording:delete', 'recording:recording:download', 'recording:recording:blackout',
    'recording:deletionProtection:apply', 'conversation:call:monitor', 'recording:annotation:add', 'routing:queue:view'];
  const requests = [];
  for (let i = 0; i < 400; i++) {
    const r = { id: `r-${i}`, media: pick(['audio', 'screen', 'chat', undefined]), owner: pick(['agent-1', 'agent-2', 'x', undefined]) };
    if (next() < 0.3) r.createdAt = pick(['2025-01-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-22T11:59:59.999+00:00']);
    if (next() < 0.2) r.legalHold = true;
    if (next() < 0.2) r.sensitive = true;
    if (next() < 0.2) r.live = true;
    if (next() < 0.2) r.related = ['a', 'b'];
    if (next() < 0.2) r.divisions = pick([['home'], ['elsewhere'], []]);
    if (next() < 0.1) r.region = 'eu-west-1';
    const annotation = next() < 0.15;
    const resource = annotation
      ? { type: 'annotation', id: `a-${i}`, author: pick(['quinn', 'x']), visibility: pick(['public', 'private']), recording: r }
      : pick([{ type: 'recording', ...r }, { type: 'queue', id: pick(['q-support', 'q-none']) }]);
    const q = { principal: pick(users), permission: pick(perms), resource, now: NOW };
    if (next() < 0.1) q.actor = pick(users);
    requests.push(q);
  }
  const native = cliEval(POLICY, requests);
  requests.forEach((q, i) => {
    const d = gate.check(q);
    assert.deepEqual(withoutId(d), withoutId(native[i]), JSON.stringify(q));
    assert.deepEqual(withoutId(gate.checkJson(JSON.stringify(q))), withoutId(d));
  });
});

test('check() reads a request from words exactly as the core reads its JSON', () => {
  const next = rng(23);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const odd = [null, 7, true, 'x', '', [], ['a'], [1], {}, 'a\0b', '\ud800', 'ünïcødé', 1.5, -1, 2 ** 32, 'long'.repeat(3000)];
  const base = () => ({
    principal: pick(['quinn', 'root', 'aud', 'nobody']),
    permission: pick(['recording:recording:view', 'recording:recording:delete', 'recording:metadata:view', 'routing:queue:view', 'analytics:reportingData:view', 'directory:user:view', 'nope']),
    resource: pick([
      { type: 'recording', ...rec({ related: ['x'], divisions: ['home'], participants: ['agent-2'], queue: 'q-support', region: 'us-east-1', line: 'l', conversationId: 'c', retentionDays: 10, sensitive: true }) },
      { type: 'recording', ...rec() },
      { type: 'queue', id: 'q-support' },
      { type: 'user', id: 'agent-1' },
      { type: 'role', id: 'qa' },
      { type: 'schedule', id: 's' },
      { type: 'report', user: 'agent-1', queue: 'q-support' },
      { type: 'report' },
      { type: 'annotation', id: 'a', author: 'quinn', recording: rec() },
    ]),
    now: NOW,
  });
  const keys = ['principal', 'actor', 'permission', 'now', 'extra'];
  const resourceKeys = ['type', 'id', 'conversationId', 'media', 'direction', 'owner', 'participants', 'queue', 'divisions',
    'region', 'line', 'createdAt', 'retentionDays', 'legalHold', 'sensitive', 'live', 'related', 'user', 'colour'];
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    const q = base();
    const mutations = Math.floor(next() * 3);
    for (let m = 0; m < mutations; m++) {
      if (next() < 0.3) q[pick(keys)] = pick(odd);
      else q.resource[pick(resourceKeys)] = pick([...odd, 'audio', 'screen', 'inbound', '2026-11-01T00:00:00Z', ['home'], false]);
    }
    const d = gate.check(q);
    const reference = gate.checkJson(JSON.stringify(q));
    assert.deepEqual(withoutId(d), withoutId(reference), JSON.stringify(q));
    if (Object.keys(q).every((k) => ['principal', 'permission', 'resource', 'now'].includes(k)) && typeof q.now === 'string') {
      assert.equal(gate.can(q.principal, q.permission, q.resource, q.now), reference.allow, JSON.stringify(q));
    }
    compared++;
  }
  assert.equal(compared, 3000);
});

test('visible(): in input order, the same objects, metadata-only rows included', () => {
  const rows = [
    rec({ id: 'a1', owner: 'agent-1', title: 'Refund call', duration: 312 }),
    rec({ id: 'x1', owner: 'stranger' }),
    rec({ id: 's1', owner: 'agent-2', media: 'screen' }),
    rec({ id: 'old', owner: 'agent-1', createdAt: '2024-01-01T00:00:00Z' }), // past retention
    rec({ id: 'a2', owner: 'agent-2', direction: 'outbound', participants: ['agent-2'] }),
  ];
  const seen = gate.visible('quinn', rows, NOW);
  assert.deepEqual(seen.map((r) => r.id), ['a1', 's1', 'a2']);
  assert.equal(seen[0], rows[0], 'the same objects come back');
  assert.deepEqual(gate.visibility('quinn', rows, NOW), ['media', 'hidden', 'media', 'hidden', 'media']);
  // The auditor sees every unexpired recording's metadata, never its media.
  assert.deepEqual(gate.visibility('aud', rows, NOW), ['metadata', 'metadata', 'metadata', 'hidden', 'metadata']);
  assert.deepEqual(gate.visible('aud', rows, NOW).map((r) => r.id), ['a1', 'x1', 's1', 'a2']);
  assert.deepEqual([...gate.visibilityCodes('agent-1', rows, NOW)], [2, 0, 0, 0, 0]);
  // Unknown or disabled principals see nothing; so does an unreadable `now`.
  assert.deepEqual(gate.visible('nobody', rows, NOW), []);
  assert.deepEqual(gate.visible('gone', rows, NOW), []);
  assert.deepEqual(gate.visible('quinn', rows, 'soon'), []);
  assert.deepEqual(gate.visible('quinn', rows, new Date('invalid')), []);
  assert.deepEqual(gate.visible('quinn', [], NOW), []);
  assert.throws(() => gate.visible('quinn', 'rows', NOW), TypeError);
  assert.throws(() => gate.visible('nobody', 'rows', NOW), TypeError, 'checked before the shortcut for who sees nothing');
  // `now` defaults to the current time and accepts a Date.
  assert.deepEqual(gate.visible('quinn', [rec({ createdAt: new Date(Date.now() - 86_400_000).toISOString() })]).length, 1);
  assert.deepEqual(gate.visibility('quinn', rows, new Date(NOW)), gate.visibility('quinn', rows, NOW));
});

test('visible(): rows that are not readable recordings are hidden', () => {
  const bad = [
    null, 42, 'r', [],
    rec({ media: 'video' }),
    rec({ media: 7 }),
    rec({ direction: 'sideways' }),
    rec({ createdAt: 'last tuesday' }),
    rec({ createdAt: '２０２６-11-20T09:00:00Z' }),
    rec({ createdAt: '2026-11-20T09:00:00Z\ud800' }),
    rec({ createdAt: new Date(NOW) }), // rows are JSON values: timestamps are RFC 3339 strings
    rec({ participants: 'agent-1' }),
    rec({ participants: null }),
    rec({ participants: ['agent-1', 3] }),
    rec({ divisions: 'home' }),
    rec({ retentionDays: 1.5 }),
    rec({ retentionDays: -1 }),
    rec({ retentionDays: 2 ** 32 }),
    rec({ legalHold: 'yes' }),
    rec({ legalHold: null }),
    rec({ owner: '\ud800' }), // not valid Unicode: the core's JSON reader refuses it
    rec({ participants: ['agent-1', '\udc00'] }),
  ];
  assert.deepEqual(gate.visibility('root', bad, NOW), bad.map(() => 'hidden'));
  assert.deepEqual(gate.visibility('aud', bad, NOW), bad.map(() => 'hidden'));
  for (const row of bad) assert.equal(gate.visibilityOf('aud', row, NOW), 'hidden', JSON.stringify(row));
  // Nulls are absent values, as in JSON.
  assert.deepEqual(gate.visibility('aud', [rec({ media: null, owner: null, divisions: null, createdAt: null, retentionDays: null })], NOW), ['metadata']);
  // What no visibility decision reads is not read: ids, conversation ids, related recordings.
  assert.deepEqual(gate.visibility('aud', [{}, rec({ id: 7, conversationId: 5, related: [1] })], NOW), ['metadata', 'metadata']);
});

test('visible() decides every row exactly as the core reading the row as JSON', () => {
  const next = rng(11);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const rows = [];
  for (let i = 0; i < 3000; i++) {
    const r = { id: `r-${i}` };
    const maybe = (k, xs) => { if (next() < 0.7) r[k] = pick(xs); };
    maybe('media', ['audio', 'screen', 'chat', 'email', 'messaging', null, 'video']);
    maybe('direction', ['inbound', 'outbound', null]);
    maybe('owner', ['agent-1', 'agent-2', 'quinn', 'x', null, '']);
    maybe('participants', [[], ['agent-1'], ['x', 'quinn'], ['agent-2', 'agent-1']]);
    maybe('queue', ['q-support', 'q-x', null]);
    maybe('divisions', [['home'], ['x'], [], ['x', 'home'], null, ['a', 'b', 'c', 'd', 'home']]);
    maybe('region', ['us-east-1', 'eu-west-1', null]);
    maybe('line', ['l1', null]);
    maybe('createdAt', ['2026-11-20T09:00:00Z', '2026-10-01T00:00:00Z', '2025-11-22T12:00:00+01:00', '2026-11-22T12:00:00.5Z', '2026-02-30T00:00:00Z', 'é2026-11-20T09:00:00Z', '', null]);
    maybe('retentionDays', [0, 1, 30, 400, 4294967295, null]);
    maybe('legalHold', [true, false]);
    maybe('sensitive', [true, false]);
    maybe('live', [true, false]);
    maybe('related', [[], ['z']]);
    maybe('conversationId', ['c', null]);
    if (next() < 0.1) r.title = 'display-only';
    if (next() < 0.02) r.owner = 'x\0y';
    rows.push(r);
  }
  for (const p of ['quinn', 'aud', 'root', 'agent-1', 'nobody']) {
    const fast = gate.visibility(p, rows, NOW);
    rows.forEach((r, i) => assert.equal(fast[i], gate.visibilityOf(p, r, NOW), `${p} ${JSON.stringify(r)}`));
    // And each row shows exactly what check() allows: its media when the
    // media's view permission is allowed, else its metadata when
    // recording:metadata:view is.
    rows.forEach((r, i) => {
      const { title, ...attrs } = r;
      const allows = (permission) => gate.check({ principal: p, permission, resource: { type: 'recording', ...attrs }, now: NOW }).allow;
      const perm = r.media === 'screen' ? 'recording:screenRecording:view' : 'recording:recording:view';
      const expected = allows(perm) ? 'media' : allows('recording:metadata:view') ? 'metadata' : 'hidden';
      assert.equal(fast[i], expected, `${p} ${JSON.stringify(r)}`);
    });
  }
});

test('visible(): rows skipped unread by the core\'s row prefilter are rows it hides', () => {
  // agent-1 sees only recordings they own (scope self): the core proves
  // that a row whose owner is another string is hidden, and the encoder
  // skips such rows without reading the rest. A long run of other agents'
  // rows first, so the prefilter stays on for the rest of the list; then
  // owners of every JSON type, near-misses and other attributes that must
  // not matter to a skipped row, or must still hide a covered one.
  const next = rng(29);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const rows = [];
  for (let i = 0; i < 400; i++) rows.push(rec({ id: `o-${i}`, owner: pick(['agent-2', 'quinn', 'x']) }));
  for (let i = 0; i < 3000; i++) {
    const r = rec({ id: `r-${i}` });
    const maybe = (k, xs) => { if (next() < 0.6) r[k] = pick(xs); };
    maybe('owner', ['agent-1', 'agent-2', 'Agent-1', '', 7, null, undefined, ['agent-1'], {}, true]);
    maybe('participants', [[], ['agent-1'], ['agent-2'], null, 'agent-1', [7]]);
    maybe('media', ['audio', 'screen', 'video', 3]);
    maybe('divisions', [['home'], ['x'], [], null, 'home']);
    maybe('region', ['us-east-1', 'eu-west-1', 5]);
    maybe('createdAt', ['2026-11-20T09:00:00Z', '2020-01-01T00:00:00Z', 'soon', 9]);
    maybe('sensitive', [true, false, 'yes']);
    if (next() < 0.05) r.sensitve = true;
    if (next() < 0.05) r.legalhold = true;
    if (next() < 0.05) r.type = pick(['recording', 'queue']);
    if (next() < 0.05) r.title = 'display-only';
    rows.push(r);
  }
  if (typeof rows[10].owner !== 'string' || rows[10].owner === 'agent-1') throw new Error('the first rows must be skippable');
  for (const p of ['agent-1', 'agent-2', 'quinn', 'aud', 'root']) {
    const fast = gate.visibility(p, rows, NOW);
    rows.forEach((r, i) => assert.equal(fast[i], gate.visibilityOf(p, r, NOW), `${p} ${JSON.stringify(r)}`));
    // Again with the same gate: the prefilter is kept per principal and time.
    assert.deepEqual(gate.visibility(p, rows, NOW), fast);
  }
  const shown = gate.visible('agent-1', rows, NOW);
  assert.ok(shown.length > 30, `agent-1 sees ${shown.length} rows`);
  assert.ok(shown.every((r) => r.owner === 'agent-1'), 'only their own');
  // Scope assigned: the owner and the participants together decide.
  const assigned = Gate.fromPolicy({
    schema: 'recgate/v1', revision: 'assigned-1',
    roles: { asg: { grants: [{ permission: 'recording:recording:view', scope: 'assigned' }] } },
    users: { 'agent-1': { roles: [{ role: 'asg', divisions: ['*'] }] } },
  });
  // Rows with participants, so that the first ones are skipped and the prefilter stays on.
  const mixed = rows.map((r, i) => (i % 7 === 0 ? { ...r, owner: 'x', participants: ['y', 'agent-1'] } : { participants: ['z'], ...r }));
  const fast = assigned.visibility('agent-1', mixed, NOW);
  mixed.forEach((r, i) => assert.equal(fast[i], assigned.visibilityOf('agent-1', r, NOW), JSON.stringify(r)));
  assert.ok(fast.filter((v) => v !== 'hidden').length > shown.length, 'rows they took part in are shown too');
});

test('visible(): a member name is classified again wherever it differs from the row before\'s', () => {
  // The encoder remembers the harmless member names of the row before, by
  // position: a row of another shape, a `type` whose value changes, a
  // near-miss past the remembered positions and a member named like the
  // slots' filler must each be looked at as if alone. Names no test used
  // before are classified after the first call's decisions (the encoder may
  // not call into wasm), and while encoding in the next calls.
  const wide = (extra) => {
    const r = rec();
    for (let i = 0; i < 70; i++) r[`x${i}`] = i;
    return Object.assign(r, extra);
  };
  const rows = [
    ...Array.from({ length: 20 }, () => rec()),
    rec({ legalhold: true }), // a new member at the end
    { legalhold: true, ...rec() }, // first, where the row before had `id`
    rec({ title: 't' }), rec({ sensitve: true }), rec({ title: 't' }), // the same position, harmless then not
    { type: 'recording', ...rec() }, { type: 'queue', ...rec() }, { type: 'recording', ...rec() },
    wide({}), wide({ sensitve: true }), wide({ title: 't' }), wide({ LegalHold: true }),
    { id: 'r', id2: 1, ...rec() }, { ...rec(), '': 1 },
    rec({ remarkOnlyHere: 1 }), rec({ sensitiveee: true }), rec({ remarkOnlyHere: 2 }),
  ];
  for (const p of ['root', 'agent-1', 'quinn']) {
    const fast = gate.visibility(p, rows, NOW);
    rows.forEach((r, i) => assert.equal(fast[i], gate.visibilityOf(p, r, NOW), `${p} row ${i}: ${JSON.stringify(r)}`));
  }
  const shown = new Set(gate.visible('root', rows, NOW));
  for (const i of [20, 21, 23, 26, 29, 31, 35]) assert.ok(!shown.has(rows[i]), `row ${i} is unreadable`);
  for (const i of [0, 22, 24, 25, 27, 28, 30, 34, 36]) assert.ok(shown.has(rows[i]), `row ${i} is shown`);
});

test('visible(): long lists mostly shown or mostly hidden, and Array subclasses, give plain arrays of the same objects', () => {
  // visible() builds its answer one of two ways, picked from a sample of the rows.
  class Rows extends Array {}
  for (const shownShare of [0.95, 0.5, 0.05, 0]) {
    const next = rng(31);
    const rows = Array.from({ length: 5000 }, (_, i) => rec({ id: `s-${i}`, owner: next() < shownShare ? 'agent-1' : 'agent-2' }));
    const seen = gate.visibility('agent-1', rows, NOW);
    const expected = rows.filter((r, i) => seen[i] !== 'hidden');
    if (shownShare > 0) assert.ok(expected.length > 0);
    for (const list of [rows, Rows.from(rows)]) {
      const got = gate.visible('agent-1', list, NOW);
      assert.equal(Object.getPrototypeOf(got), Array.prototype, 'a plain array');
      assert.equal(got.length, expected.length);
      got.forEach((r, i) => assert.equal(r, expected[i], `row ${i} of ${shownShare}`));
    }
  }
});

test('visible(): timestamps that cross as text are decided as the core reads them', () => {
  // A list whose sampled rows mostly have timestamps of their own sends them
  // as text, parsed by the core row by row; one whose sample repeats a few
  // numbers them, at most 4,096 new ones a call, then sends the rest as
  // text. Every kind of value either way: timestamps valid and not, offsets,
  // fractions, non-ASCII, NUL, lone surrogates, other JSON types.
  const next = rng(37);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const fresh = Gate.fromPolicy(POLICY);
  const day = Date.parse('2026-11-01T00:00:00Z');
  const rows = Array.from({ length: 9000 }, (_, i) => {
    const t = new Date(day + i * 61_000).toISOString();
    const createdAt = i < 5000 ? t : pick([t, t, t, t.replace('Z', '+02:00'), t.slice(0, 19) + 'Z', t.replace('T', ' '),
      '2026-13-01T00:00:00Z', 'soon', '', '２０２６-11-01T00:00:00Z', 't\0', '\ud800', 5, null, undefined, ['x']]);
    return rec({ id: `t-${i}`, owner: pick(['agent-1', 'agent-2', 'quinn']), createdAt, retentionDays: pick([undefined, 1, 30]) });
  });
  // The gate's first string (number 0) is not valid Unicode, and the first
  // timestamp text starts at byte 0: a text column must never be taken for
  // that string's number.
  rows[0] = rec({ id: 'bad-media', media: '\ud800', createdAt: null });
  // The same rows, but every row the sample reads (one in 140) has one
  // timestamp: taken for a list that repeats, numbered up to the cap.
  const step = Math.floor(rows.length / 64);
  const sampledAlike = rows.map((r, i) => (i % step === 0 ? { ...r, createdAt: '2026-11-20T09:00:00Z' } : r));
  for (let round = 0; round < 2; round++) {
    for (const list of [rows, sampledAlike]) {
      for (const p of ['agent-1', 'quinn', 'root']) {
        const fast = fresh.visibility(p, list, NOW);
        list.forEach((r, i) => assert.equal(fast[i], fresh.visibilityOf(p, r, NOW), `${p} row ${i}: ${JSON.stringify(r)}`));
      }
    }
  }
  const expired = rows.filter((r) => r.retentionDays === 1 && typeof r.createdAt === 'string' && r.createdAt.startsWith('2026-11-0'));
  assert.ok(expired.length > 100 && expired.every((r) => !fresh.visible('root', [r], NOW).length), 'kept one day: expired, hidden');
});

test('visible(): strings numbered by earlier calls decide later ones as a fresh gate does', () => {
  // A gate keeps the strings of its earlier visible() calls numbered, in JS
  // and in its wasm table; later calls bring new strings, strings with NUL,
  // strings that are not valid Unicode, and rows in another order.
  const next = rng(23);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const batch = (n, extra) => Array.from({ length: n }, (_, i) => ({
    id: `b-${i}`,
    media: pick(['audio', 'screen', 'video', ...extra]),
    direction: pick(['inbound', 'outbound', undefined]),
    owner: pick(['agent-1', 'agent-2', 'quinn', 'x', ...extra]),
    participants: pick([[], ['agent-1'], ['agent-2', 'quinn'], extra.slice(0, 1)]),
    queue: pick(['q-support', 'q-x', null, ...extra]),
    divisions: pick([undefined, ['home'], ['x', 'home'], extra]),
    createdAt: pick(['2026-11-20T09:00:00Z', '2020-01-01T00:00:00Z', `2026-11-${10 + Math.floor(next() * 9)}T00:00:00Z`, ...extra]),
    legalHold: pick([true, false]),
  }));
  const kept = Gate.fromPolicy(POLICY);
  const batches = [batch(300, []), batch(300, ['new-1', 'new-2']), batch(300, ['x\0y', 'home']), batch(300, ['\ud800', 'agent-1']), batch(300, [])];
  batches.push(batches[1].slice().reverse(), []);
  // More distinct strings than a gate keeps (2^17): the next call starts a new table.
  const many = Array.from({ length: 70_000 }, (_, i) => rec({ owner: `o-${i}`, line: `l-${i}` }));
  batches.push(many, batches[0]);
  for (const [k, rows] of batches.entries()) {
    for (const p of ['quinn', 'aud', 'root', 'agent-1']) {
      const fresh = Gate.fromPolicy(POLICY).visibility(p, rows, NOW);
      assert.deepEqual(kept.visibility(p, rows, NOW), fresh, `batch ${k}, ${p}`);
      if (rows.length > 1000) continue;
      rows.forEach((r, i) => assert.equal(fresh[i], kept.visibilityOf(p, r, NOW), `batch ${k}, ${p}: ${JSON.stringify(r)}`));
    }
  }
});

test('prepare(): rows encoded once decide as the array does, for any principal and gate', () => {
  const next = rng(5);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const rows = Array.from({ length: 500 }, (_, i) => ({
    id: `p-${i}`,
    media: pick(['audio', 'screen', 'video']),
    owner: pick(['agent-1', 'agent-2', 'x', 'x\0y']),
    participants: pick([[], ['quinn']]),
    createdAt: pick(['2026-11-20T09:00:00Z', '2020-01-01T00:00:00Z', 'never']),
    legalHold: pick([true, false]),
  }));
  const set = gate.prepare(rows);
  assert.equal(set.length, 500);
  const sliceGate = Gate.fromPolicy(gate.slice('quinn'));
  for (const p of ['quinn', 'aud', 'root', 'nobody']) {
    assert.deepEqual([...gate.visibilityCodes(p, set, NOW)], [...gate.visibilityCodes(p, rows, NOW)], p);
    assert.deepEqual(gate.visible(p, set, NOW), gate.visible(p, rows, NOW));
  }
  assert.deepEqual(sliceGate.visibility('quinn', set, NOW), gate.visibility('quinn', rows, NOW));
  assert.deepEqual(gate.visibility('quinn', set, 'soon'), rows.map(() => 'hidden'));
  // A snapshot: changing the array afterwards changes nothing in the set.
  rows.push(rec());
  assert.equal(set.length, 500);
  assert.equal(gate.visibility('quinn', set, NOW).length, 500);
  set.free();
  assert.throws(() => gate.visible('quinn', set, NOW), TypeError);
  assert.equal(gate.prepare([]).length, 0);
  assert.deepEqual(gate.visible('quinn', gate.prepare([]), NOW), []);
});

test('controls(): every player control keyed by name, the permission picked by media', () => {
  const names = ['play', 'download', 'delete', 'blackout', 'bookmark', 'viewBookmarks', 'transcript', 'monitorLive', 'editRetention', 'legalHold'];
  const c = gate.controls('quinn', rec({ sensitive: true }), NOW);
  assert.deepEqual(Object.keys(c), names);
  assert.deepEqual(c.play, {
    status: 'allowed', allowed: true, reason: 'allow', permission: 'recording:recording:view', granted: true,
    words: 'sensitive parts redacted', obligations: [{ type: 'redact' }],
  });
  assert.equal(c.download.allowed, false);
  assert.equal(c.download.permission, 'recording:recording:download');
  assert.equal(c.bookmark.allowed, true);
  assert.equal(c.bookmark.permission, 'recording:annotation:add');
  assert.equal(c.viewBookmarks.allowed, true);
  assert.equal(c.transcript.allowed, true);
  assert.equal(c.delete.reason, 'no_permission');
  assert.equal(c.delete.words, 'not in your roles (recording:recording:delete)');
  assert.equal(c.delete.granted, false);

  const screen = gate.controls('root', rec({ media: 'screen' }), NOW);
  assert.equal(screen.play.permission, 'recording:screenRecording:view');
  assert.equal(screen.delete.permission, 'recording:screenRecording:delete');
  assert.equal(screen.download.permission, 'recording:screenRecording:download');
  assert.equal(screen.play.allowed, true);
  // Blacking out a screen recording does not apply: its own state and words, no reason code.
  assert.deepEqual([screen.blackout.status, screen.blackout.reason, screen.blackout.words],
    ['notApplicable', null, 'not available for screen recordings']);

  const held = gate.controls('root', rec({ legalHold: true, related: ['s-9'] }), NOW);
  assert.equal(held.delete.allowed, false);
  assert.equal(held.delete.reason, 'legal_hold');
  assert.equal(held.delete.words, 'blocked: legal hold');
  assert.equal(held.legalHold.permission, 'recording:deletionProtection:revoke');
  // Someone who may not delete anything is told that, not "legal hold".
  const heldForQuinn = gate.controls('quinn', rec({ legalHold: true }), NOW);
  assert.equal(heldForQuinn.delete.reason, 'legal_hold');
  assert.equal(heldForQuinn.delete.granted, false);
  assert.equal(heldForQuinn.delete.words, 'not in your roles (recording:recording:delete)');
  const free = gate.controls('root', rec({ related: ['s-9'] }), NOW);
  assert.equal(free.legalHold.permission, 'recording:deletionProtection:apply');
  assert.deepEqual(free.delete.obligations, [{ type: 'cascade', ids: ['s-9'] }]);
  assert.equal(free.delete.words, 'also deletes 1 related recording');
  assert.deepEqual([free.monitorLive.status, free.monitorLive.allowed, free.monitorLive.reason, free.monitorLive.words],
    ['notApplicable', false, null, 'not a live interaction']);
  assert.equal(gate.controls('root', rec({ live: true }), NOW).monitorLive.allowed, true);

  // Each control is the decision check() gives for its permission.
  for (const [name, state] of Object.entries(free)) {
    if (name === 'bookmark' || name === 'viewBookmarks') continue;
    const d = gate.check(req('root', state.permission, rec({ related: ['s-9'] })));
    assert.equal(state.allowed, d.allow, name);
    if (state.status === 'notApplicable') assert.equal(d.reason, 'invalid_request', name);
    else assert.equal(state.reason, d.reason, name);
    assert.deepEqual(state.obligations, d.obligations, name);
  }

  // Step 1 (does the permission apply?) comes before step 2 (does the principal exist?).
  const nobody = gate.controls('nobody', rec(), NOW);
  assert.ok(Object.values(nobody).every((s) => !s.allowed));
  assert.equal(nobody.play.reason, 'unknown_principal');
  assert.equal(nobody.play.words, 'unknown user nobody');
  assert.equal(nobody.monitorLive.status, 'notApplicable');
  for (const unreadable of [null, { media: 'audio' }, rec({ media: 'video' }), rec({ LegalHold: true })]) {
    const u = gate.controls('root', unreadable, NOW);
    assert.deepEqual(Object.keys(u), names);
    assert.ok(Object.values(u).every((s) => !s.allowed && s.status === 'denied' && s.reason === 'invalid_request' && s.permission === null));
  }
  assert.match(gate.controls('root', rec({ LegalHold: true }), NOW).play.words, /did you mean `legalHold`/);
  assert.ok(Object.values(gate.controls('root', rec(), 'never')).every((s) => s.reason === 'invalid_request'));
  // Display-only properties of a row are not part of the recording.
  assert.equal(gate.controls('root', rec({ title: 'x', at: new Date() })).play.allowed, true);
});

test('can(): the boolean shorthand, now defaulting to the current time', () => {
  assert.equal(gate.can('quinn', 'recording:recording:view', { type: 'recording', ...rec() }, NOW), true);
  assert.equal(gate.can('quinn', 'recording:recording:delete', { type: 'recording', ...rec() }, NOW), false);
  assert.equal(gate.can('quinn', 'recording:recording:view', { type: 'recording', ...rec({ createdAt: new Date().toISOString() }) }), true);
  assert.equal(gate.can('quinn', 'recording:recording:view', { type: 'recording', ...rec() }, new Date(NOW)), true);
  assert.equal(gate.can('quinn', 'recording:recording:view', { type: 'recording', ...rec() }, 'not a time'), false);
});

test('explain(): the steps in words and the decision', () => {
  const ex = gate.explain(req('quinn', 'recording:recording:view', rec({ owner: 'stranger' })));
  assert.equal(ex.decision.reason, 'out_of_scope');
  assert.match(ex.decision.decisionId, /^[0-9a-f]{32}$/);
  assert.ok(ex.steps.length >= 4);
  assert.ok(ex.steps.every((s) => Number.isInteger(s.step) && s.step >= 1 && s.step <= 13 && typeof s.text === 'string'));
  assert.deepEqual(ex.steps.map((s) => s.step), [...ex.steps.map((s) => s.step)].sort((a, b) => a - b));
  assert.ok(ex.text.includes('step 8:'));
  assert.ok(ex.text.endsWith('→ DENY (out_of_scope)'));
  assert.equal(ex.words, 'outside your group support');
  const bad = gate.explain({ principal: 'quinn' });
  assert.equal(bad.decision.reason, 'invalid_request');
  assert.equal(bad.steps[0].step, 1);
  assert.ok(bad.text.endsWith('→ DENY (invalid_request)'));
  assert.match(bad.words, /^unreadable request: /);
});

test('lint(): findings with id, severity, path, message and fix', () => {
  const risky = Gate.fromPolicy({ ...POLICY, settings: { ...POLICY.settings, recordingMode: 'continuous', consentNotice: false } });
  const ids = risky.lint().map((f) => f.id);
  assert.ok(ids.includes('record-all'));
  assert.ok(ids.includes('consent-notice-off'));
  for (const f of risky.lint()) {
    assert.ok(['info', 'warning', 'error'].includes(f.severity));
    assert.equal(typeof f.path, 'string');
    assert.ok(f.message.length > 0 && f.fix.length > 0);
  }
  assert.ok(!gate.lint().some((f) => f.id === 'record-all'));
});

test('slice(): a policy object that decides the principal as the whole policy does', () => {
  const slice = gate.slice('quinn');
  assert.equal(slice.schema, 'recgate/v1');
  assert.equal(slice.revision, 'api-1');
  assert.ok(slice.users.quinn);
  assert.ok(!slice.users.root, 'other principals with no bearing on quinn stay out');
  const g = Gate.fromPolicy(slice);
  const rows = [rec({ id: 'a' }), rec({ id: 'b', owner: 'x' }), rec({ id: 'c', media: 'screen', owner: 'agent-2' })];
  assert.deepEqual(g.visibility('quinn', rows, NOW), gate.visibility('quinn', rows, NOW));
  assert.throws(() => gate.slice('nobody'), RangeError);
});

test('free() releases a gate', () => {
  const g = Gate.fromPolicy(POLICY);
  g.free();
  assert.throws(() => g.check(req('quinn', 'recording:recording:view', rec())));
});

test('using the package before the module is initialised is a clear error', () => {
  const script = `import { Gate } from ${JSON.stringify(join(pkgRoot, 'js', 'index.js'))};
    try { Gate.fromPolicy('{}'); console.log('no error'); } catch (e) { console.log(e.message); }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.match(out, /not initialised yet/);
});

test('check(): strings of every UTF-8 width cross intact, before and after each other', () => {
  // Each id is matched exactly by the core: a string cut or shifted by a
  // wrong byte offset would turn an allow into a deny.
  const names = ['zoë', '客服-1', 'agent-😀', 'plain'];
  const policy = {
    schema: 'recgate/v1', revision: 'utf8',
    queues: Object.fromEntries(names.map((n) => [`q-${n}`, {}])),
    roles: { own: { grants: [{ permission: 'recording:recording:view', scope: 'assigned' }] } },
    users: Object.fromEntries(names.map((n) => [n, { roles: [{ role: 'own' }] }])),
  };
  const g = Gate.fromPolicy(policy);
  let allowed = 0;
  for (const p of names) {
    for (const owner of names) {
      for (const queue of names) {
        const q = { principal: p, permission: 'recording:recording:view', now: NOW,
          resource: { type: 'recording', id: `r-${owner}`, media: 'audio', owner, queue: `q-${queue}`, participants: [queue, owner] } };
        const d = g.check(q);
        assert.deepEqual(withoutId(d), withoutId(g.checkJson(JSON.stringify(q))), JSON.stringify(q));
        assert.equal(d.allow, p === owner || p === queue, JSON.stringify(q));
        if (d.allow) allowed++;
      }
    }
  }
  assert.ok(allowed > 0);
  assert.equal(g.check({ principal: 'agent-\ud83d', permission: 'recording:recording:view', now: NOW,
    resource: { type: 'recording', id: 'r', media: 'audio', owner: 'agent-\ud83d' } }).reason, 'invalid_request', 'a lone surrogate');
});

test('a lone surrogate refuses a request even in a member recgate skips, as the core refuses its JSON text', () => {
  const ask = (resource) => ({ principal: 'root', permission: 'recording:recording:view', resource, now: NOW });
  const cases = [
    { type: 'recording', ...rec({ title: 'call \ud800' }) },
    { type: 'recording', ...rec({ links: { self: ['/api/v2/x', { label: 'x\udc00' }] } }) },
    { type: 'recording', ...rec({ ['name\ud800']: 'n' }) },
    { type: 'queue', id: 'q-support', description: '\ud83d' },
    { type: 'report', user: 'agent-1', note: ['\ud800'] },
  ];
  for (const resource of cases) {
    const q = ask(resource);
    const text = JSON.stringify(q);
    assert.equal(gate.checkJson(text).reason, 'invalid_request', text);
    assert.equal(gate.check(q).reason, 'invalid_request', text);
    assert.equal(gate.can(q.principal, q.permission, q.resource, q.now), false, text);
  }
  // The same members holding valid Unicode are skipped: the decision is the recording's.
  const fine = ask({ type: 'recording', ...rec({ title: 'call \ud83d\ude00', links: { self: ['/api/v2/x'] } }) });
  assert.equal(gate.check(fine).reason, 'allow');
  assert.equal(gate.checkJson(JSON.stringify(fine)).reason, 'allow');
});
