// The package decides for a session — a principal, or an actor acting on a
// principal's behalf — on every path (check, can, controls, visible,
// visibility, visibilityOf), exposes the session's refusal, its steps 2–3 and a recording
// as the policy reads it (effective), and puts every
// state in the core's words. Resources may carry members recgate does not
// read; near-misses of a member it reads are refused on every path.
// Expectations come from the native CLI (target/release/recgate) where a
// decision is involved.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Gate, cliEval, cliExplain, withoutId } from '../testing/helpers.js';

const NOW = '2026-11-22T12:00:00Z';

const POLICY = {
  schema: 'recgate/v1',
  revision: 'sessions-1',
  settings: { retentionDays: { screen: 30, default: 365 } },
  groups: { bpo: { members: ['dana'], bpo: true } },
  roles: {
    viewer: { grants: [{ permission: 'recording:recording:view', scope: 'self' }, { permission: 'recording:metadata:view' }] },
    integration: { grants: [{ permission: 'directory:user:impersonate', scope: { group: 'bpo' } }] },
  },
  users: {
    dana: { bpo: true, roles: [{ role: 'viewer' }] },
    svc: { kind: 'service', roles: [{ role: 'integration' }] },
    'svc-us': { kind: 'service', region: 'us-west-2', roles: [{ role: 'integration' }] },
    other: { roles: [{ role: 'viewer' }] },
    off: { disabled: true, roles: [{ role: 'viewer' }] },
  },
};
const gate = Gate.fromPolicy(POLICY);
const rec = (over = {}) => ({ id: 'r', media: 'audio', owner: 'dana', createdAt: '2026-11-20T09:00:00Z', ...over });
const ask = (who, permission, resource) => ({
  principal: typeof who === 'string' ? who : who.principal,
  ...(typeof who === 'object' && who.actor ? { actor: who.actor } : {}),
  permission, resource, now: NOW,
});

const sessions = [
  'dana', 'other', 'off', 'ghost',
  { principal: 'dana', actor: 'svc' }, // may: dana is in the bpo group
  { principal: 'other', actor: 'svc' }, // may not: other is not
  { principal: 'dana', actor: 'svc-us' }, // may not: another region
  { principal: 'dana', actor: 'ghost' }, // unknown actor
  { principal: 'dana', actor: 'dana' }, // acting for oneself
];
const rows = [rec({ id: 'a' }), rec({ id: 'b', owner: 'other' }), rec({ id: 'c', createdAt: '2020-01-01T00:00:00Z' })];

test('an actor is honoured on every decision path, as the CLI decides the same requests', () => {
  const reqs = [];
  for (const who of sessions) {
    for (const r of rows) {
      reqs.push(ask(who, 'recording:recording:view', { type: 'recording', ...r }));
      reqs.push(ask(who, 'recording:metadata:view', { type: 'recording', ...r }));
    }
  }
  const native = cliEval(POLICY, reqs);
  let i = 0;
  let refusedSessions = 0;
  for (const who of sessions) {
    const want = [];
    for (const r of rows) {
      const media = native[i++];
      const meta = native[i++];
      assert.deepEqual(withoutId(gate.check(reqs[i - 2])), withoutId(media));
      assert.equal(gate.can(who, 'recording:recording:view', { type: 'recording', ...r }, NOW), media.allow, JSON.stringify(who));
      want.push(media.allow ? 'media' : meta.allow ? 'metadata' : 'hidden');
      assert.equal(gate.visibilityOf(who, r, NOW), want.at(-1), `${JSON.stringify(who)} ${r.id}`);
      assert.equal(gate.controls(who, r, NOW).play.reason, media.reason, `${JSON.stringify(who)} ${r.id}: controls`);
    }
    assert.deepEqual(gate.visibility(who, rows, NOW), want, JSON.stringify(who));
    assert.deepEqual(gate.visible(who, rows, NOW), rows.filter((_, k) => want[k] !== 'hidden'));
    const set = gate.prepare(rows);
    assert.deepEqual(gate.visibility(who, set, NOW), want, `${JSON.stringify(who)}: prepared`);
    set.free();
    const refusal = gate.refusal(who, NOW);
    const session = native[i - 1].reason;
    if (['unknown_principal', 'principal_disabled', 'impersonation_denied'].includes(session)) {
      refusedSessions++;
      assert.equal(refusal?.reason, session, JSON.stringify(who));
      assert.ok(refusal.words.length > 0);
      assert.ok(want.every((v) => v === 'hidden'), `${JSON.stringify(who)}: a refused session sees nothing`);
    } else {
      assert.equal(refusal, null, JSON.stringify(who));
    }
  }
  assert.ok(refusedSessions >= 4, 'the sessions include refused ones');
  assert.notDeepEqual(gate.visibility({ principal: 'dana', actor: 'svc' }, rows, NOW), gate.visibility({ principal: 'other', actor: 'svc' }, rows, NOW));
});

test('a session refusal comes with the core\'s words', () => {
  assert.deepEqual(gate.refusal({ principal: 'other', actor: 'svc' }, NOW), { reason: 'impersonation_denied', words: 'svc may not act for other' });
  assert.deepEqual(gate.refusal({ principal: 'dana', actor: 'svc-us' }, NOW), { reason: 'impersonation_denied', words: 'svc-us may not act for dana: svc-us is in us-west-2, dana in us-east-1' });
  assert.deepEqual(gate.refusal('off', NOW), { reason: 'principal_disabled', words: 'account off is disabled' });
  assert.deepEqual(gate.refusal({ principal: 'dana', actor: 'ghost' }, NOW), { reason: 'unknown_principal', words: 'unknown user ghost' });
  assert.equal(gate.refusal('dana', NOW), null);
  assert.equal(gate.refusal({ principal: 'dana', actor: 'svc' }), null);
  // The controls of a refused session say why, each of them.
  const c = gate.controls({ principal: 'other', actor: 'svc' }, rec(), NOW);
  assert.equal(c.play.reason, 'impersonation_denied');
  assert.equal(c.play.words, 'svc may not act for other');
});

test('a session\'s own steps are those of recgate explain for any of its requests', () => {
  let impersonating = 0;
  for (const who of sessions) {
    const native = cliExplain(POLICY, ask(who, 'recording:recording:view', { type: 'recording', ...rec() }));
    const steps = gate.sessionSteps(who, NOW);
    assert.deepEqual(steps, native.steps.filter((l) => l.step === 2 || l.step === 3), JSON.stringify(who));
    assert.ok(steps.length > 0, JSON.stringify(who));
    if (gate.refusal(who, NOW) === null && typeof who === 'object' && who.actor !== who.principal) {
      impersonating++;
      assert.match(steps.at(-1).text, new RegExp(`^actor ${who.actor} may impersonate ${who.principal} .*${who.principal}'s roles decide$`));
    }
  }
  assert.equal(impersonating, 1, 'one session acts for another');
  assert.deepEqual(gate.sessionSteps('dana', 'not a time'), []);
});

test('every word the package shows is the core\'s, as recgate explain says it', () => {
  const cases = [
    ask('dana', 'recording:recording:view', { type: 'recording', ...rec({ owner: 'other' }) }),
    ask('dana', 'recording:recording:view', { type: 'recording', ...rec({ createdAt: '2020-01-01T00:00:00Z' }) }),
    ask('dana', 'recording:recording:view', { type: 'recording', ...rec({ region: 'eu-west-1' }) }),
    ask({ principal: 'other', actor: 'svc' }, 'recording:recording:view', { type: 'recording', ...rec() }),
    ask('dana', 'conversation:call:monitor', { type: 'recording', ...rec() }),
  ];
  const words = cases.map((q) => gate.explain(q).words);
  assert.deepEqual(words, cases.map((q) => cliExplain(POLICY, q).words));
  assert.deepEqual(words, [
    'not your own recording',
    'blocked: retention expired 2020-12-31',
    'stored in eu-west-1, you are in us-east-1',
    'svc may not act for other',
    'not a live interaction',
  ]);
});

test('effective(): the recording as the policy reads it, retention as step 4 decides on it', () => {
  assert.deepEqual(gate.effective(rec()), {
    divisions: ['home'], region: 'us-east-1',
    retention: { days: 365, defaultDays: 365, until: '2027-11-20T09:00:00Z', legalHold: false },
  });
  assert.deepEqual(gate.effective(rec({ media: 'screen', retentionDays: 7, divisions: ['d1'], region: 'eu-west-1' })), {
    divisions: ['d1'], region: 'eu-west-1',
    retention: { days: 7, defaultDays: 30, until: '2026-11-27T09:00:00Z', legalHold: false },
  });
  assert.deepEqual(gate.effective(rec({ legalHold: true })).retention, { days: 365, defaultDays: 365, until: null, legalHold: true });
  assert.equal(gate.effective({ media: 'audio' }), null, 'no id: not a recording');
  assert.equal(gate.effective(rec({ sensitve: true })), null, 'a near-miss: unreadable');
});

test('members recgate does not read are ignored on every path; near-misses are refused on every path', () => {
  const row = rec({ title: 'Billing call', durationSec: 184, details: { tags: ['vip'] }, at: new Date(), url: null });
  const plain = rec();
  const asResource = (r) => ({ type: 'recording', ...r });
  for (const [what, r, readable] of [
    ['extra members', row, true],
    ['a spread typed row, type last', { ...plain, type: 'recording' }, true],
    ['legalhold', rec({ legalhold: true }), false],
    ['LegalHold', rec({ LegalHold: true }), false],
    ['sensitve', rec({ sensitve: true }), false],
    ['Owner', rec({ Owner: 'dana' }), false],
    ['a type that is not recording', rec({ type: 'annotation' }), false],
  ]) {
    const q = ask('dana', 'recording:recording:view', asResource(r));
    const d = gate.check(q);
    assert.deepEqual(withoutId(d), withoutId(gate.checkJson(JSON.stringify({ ...q, resource: { ...q.resource, at: undefined } }))), `${what}: words path = JSON path`);
    assert.equal(d.reason, readable ? 'allow' : 'invalid_request', `${what}: check`);
    assert.equal(gate.can('dana', 'recording:recording:view', asResource(r), NOW), readable, `${what}: can`);
    assert.equal(gate.visibility('dana', [r], NOW)[0], readable ? 'media' : 'hidden', `${what}: visibility`);
    assert.equal(gate.visibilityOf('dana', r, NOW), readable ? 'media' : 'hidden', `${what}: visibilityOf`);
    assert.equal(gate.visible('dana', [r], NOW).length, readable ? 1 : 0, `${what}: visible`);
    assert.equal(gate.controls('dana', r, NOW).play.allowed, readable, `${what}: controls`);
  }
  const near = gate.check(ask('dana', 'recording:recording:view', asResource(rec({ sensitve: true }))));
  assert.equal(near.reason, 'invalid_request');
  assert.match(gate.explain(ask('dana', 'recording:recording:view', asResource(rec({ sensitve: true })))).words, /did you mean `sensitive`\?/);
  // A queue, user or report with members recgate does not read.
  const q = gate.check(ask('dana', 'directory:user:view', { type: 'user', id: 'dana', name: 'Dana' }));
  assert.equal(q.reason, 'no_permission', 'read, then decided');
  assert.equal(gate.check(ask('dana', 'directory:user:view', { type: 'user', ID: 'dana' })).reason, 'invalid_request');
  // A recording copied into an annotation may say what it is.
  const ann = (recording) => ask('dana', 'recording:annotation:view', { type: 'annotation', id: 'n', author: 'dana', recording });
  assert.notEqual(gate.check(ann({ type: 'recording', ...plain })).reason, 'invalid_request');
  assert.equal(gate.check(ann({ type: 'screen', ...plain })).reason, 'invalid_request');
});
