// A gate's lifetime (free, retain and its deferred release — what React
// StrictMode's effect replay needs), live updates (update, on('updated'),
// version), why() and the slice's sourceHash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';

import { Gate, PolicyError, pkgRoot, repoRoot, cliHash, cliEval, withoutId } from '../testing/helpers.js';

const acmeText = readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8');
const acme = JSON.parse(acmeText);
const now = '2026-11-25T12:00:00Z';
const rec = { type: 'recording', id: 'rec-1', media: 'audio', owner: 'a-us-1', queue: 'q-us', createdAt: '2026-11-20T09:00:00Z' };
const ask = (principal, permission = 'recording:recording:view', resource = rec) => ({ principal, permission, resource, now });

test('a freed gate throws "this Gate was freed" on every call; free() twice does nothing', () => {
  const gate = Gate.fromPolicy(acmeText);
  assert.equal(gate.freed, false);
  gate.free();
  gate.free();
  assert.equal(gate.freed, true);
  const calls = [
    () => gate.check(ask('qa-1')), () => gate.can('qa-1', 'recording:recording:view', rec), () => gate.visible('qa-1', [rec]),
    () => gate.controls('qa-1', rec), () => gate.explain(ask('qa-1')), () => gate.lint(), () => gate.slice('qa-1'),
    () => gate.revision, () => gate.revisionHash, () => gate.sourceHash, () => gate.update(acmeText), () => gate.retain(),
    () => gate.prepare([rec]), () => gate.refusal('qa-1'), () => gate.why('qa-1', 'recording:recording:view', rec),
  ];
  for (const call of calls) assert.throws(call, /this Gate was freed/);
});

test('retain(): the last release frees the gate on a later task; a release and a retain at once keep it (StrictMode)', async () => {
  const gate = Gate.fromPolicy(acmeText);
  // StrictMode: effect, cleanup, effect again, all in one task.
  const first = gate.retain();
  first();
  first(); // a second call of the same release does nothing
  const second = gate.retain();
  await sleep(5);
  assert.equal(gate.freed, false, 'retained again before the deferred release ran');
  assert.equal(gate.can('qa-1', 'recording:recording:view', rec), gate.check(ask('qa-1')).allow);
  // Unmount: the last holder lets go.
  second();
  assert.equal(gate.freed, false, 'freed on a later task, not during the release');
  await sleep(5);
  assert.equal(gate.freed, true);
  assert.throws(() => gate.check(ask('qa-1')), /this Gate was freed/);
});

test('update(): decisions follow the new policy, listeners hear of it, an invalid one keeps the old', () => {
  const gate = Gate.fromPolicy(acmeText);
  const edited = structuredClone(acme);
  edited.revision = 'edited-1';
  for (const u of Object.values(edited.users)) u.roles = [];
  const events = [];
  const stop = gate.on('updated', (e) => events.push(e));
  const before = gate.check(ask('qa-1'));
  const set = gate.prepare([rec]);
  gate.update(edited);
  assert.equal(gate.revision, 'edited-1');
  assert.equal(gate.version, 1);
  assert.equal(events.length, 1);
  assert.deepEqual({ ...events[0], gate: null }, { type: 'updated', gate: null, revision: 'edited-1', previousRevision: acme.revision, version: 1 });
  assert.equal(events[0].gate, gate);
  // Exactly what a fresh gate of the edited policy decides, and what the CLI says.
  const fresh = Gate.fromPolicy(edited);
  const after = gate.check(ask('qa-1'));
  assert.deepEqual(withoutId(after), withoutId(fresh.check(ask('qa-1'))));
  assert.deepEqual(withoutId(after), withoutId(cliEval(edited, [ask('qa-1')])[0]));
  assert.equal(gate.revisionHash, cliHash(edited));
  // Lists: the row strings are numbered again for the new policy's table; prepared sets stay valid.
  assert.deepEqual(gate.visible('qa-1', [rec], now), fresh.visible('qa-1', [rec], now));
  assert.deepEqual(gate.visible('qa-1', set, now), fresh.visible('qa-1', [rec], now));
  assert.notDeepEqual(withoutId(before), withoutId(after));
  // An invalid document: PolicyError, no event, the policy in force stays.
  assert.throws(() => gate.update('{"schema":"recgate/v1"}'), PolicyError);
  assert.equal(gate.revision, 'edited-1');
  assert.equal(gate.version, 1);
  assert.equal(events.length, 1);
  stop();
  gate.update(edited);
  assert.equal(events.length, 1, 'a stopped listener hears nothing');
  assert.equal(gate.version, 2);
  assert.throws(() => gate.on('changed', () => {}), TypeError);
});

test('a listener that throws does not keep the others from hearing; its error is reported, not swallowed', () => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { Gate } from '@recgate/web';
    const gate = Gate.fromPolicy(readFileSync(${JSON.stringify(join(repoRoot, 'examples', 'acme.json'))}, 'utf8'));
    let heard = 0;
    gate.on('updated', () => { throw new Error('listener failed'); });
    gate.on('updated', () => { heard++; });
    gate.update(gate.slice('qa-1'));
    console.log('heard', heard);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkgRoot, encoding: 'utf8', timeout: 60_000 });
  assert.match(r.stdout, /heard 1/);
  assert.match(r.stderr, /listener failed/);
  assert.notEqual(r.status, 0, 'reported as an uncaught error');
});

test("why(): can() with the reason and the core's words (explain's)", () => {
  const gate = Gate.fromPolicy(acmeText);
  for (const principal of ['qa-1', 'a-us-1', 'b-em-1', 'nobody']) {
    for (const permission of ['recording:recording:view', 'recording:recording:delete']) {
      for (const resource of [rec, { ...rec, legalHold: true }, { ...rec, legalhold: true }]) {
        const w = gate.why(principal, permission, resource, now);
        const ex = gate.explain({ principal, permission, resource, now });
        assert.equal(w.allowed, gate.can(principal, permission, resource, now));
        assert.equal(w.reason, ex.decision.reason);
        assert.equal(w.words, ex.words);
        assert.deepEqual(w.obligations, ex.decision.obligations);
      }
    }
  }
  const held = gate.why('qa-1', 'recording:recording:delete', { ...rec, legalhold: true }, now);
  assert.equal(held.reason, 'invalid_request');
  assert.match(held.words, /legalHold/);
});

test("sourceHash: a slice's is the organisation's hash (recgate hash); its own revisionHash differs", () => {
  const org = Gate.fromPolicy(acmeText);
  assert.equal(org.sourceHash, org.revisionHash);
  assert.equal(org.revisionHash, cliHash(acme));
  for (const u of ['qa-1', 'b-em-1', 'svc-bpo']) {
    const doc = org.slice(u);
    assert.deepEqual(doc.sliceOf, { principal: u, revisionHash: org.revisionHash });
    const slice = Gate.fromPolicy(doc);
    assert.equal(slice.sourceHash, org.revisionHash);
    assert.notEqual(slice.revisionHash, org.revisionHash);
    assert.equal(slice.revisionHash, cliHash(doc));
    // A slice of the slice still names the organisation.
    assert.equal(Gate.fromPolicy(slice.slice(u)).sourceHash, org.revisionHash);
  }
});

test('check(): the request strings numbered between calls decide as the JSON path, past the table limit and after an update', () => {
  const gate = Gate.fromPolicy(acmeText);
  const owners = Object.keys(acme.users);
  let allowed = 0;
  // 45,000 distinct ids and conversation ids, each sent with its request
  // (strings of the table all the same): after the update at 5,000 the
  // gate's request tables fill past 2^15 strings and start again near
  // requests 21,400 and 37,700 — every request around the second compared.
  for (let i = 0; i < 45_000; i++) {
    const q = ask(owners[i % owners.length], i % 3 ? 'recording:recording:view' : 'recording:recording:delete',
      { ...rec, id: `rec-${i}`, conversationId: `c-${i % 50}`, owner: owners[(i * 7) % owners.length], createdAt: `2026-11-${String(1 + (i % 24)).padStart(2, '0')}T09:00:00Z` });
    const d = gate.check(q);
    if (i % 13 === 0 || (i > 36_000 && i < 40_000)) assert.deepEqual(withoutId(d), withoutId(gate.checkJson(JSON.stringify(q))), JSON.stringify(q));
    if (d.allow) allowed++;
    if (i === 5_000) gate.update(acmeText); // a new wasm table: numbered again from 0
  }
  assert.ok(allowed > 0);
  // The same request again and again (its id sent each time) decides the same.
  const q = ask(owners[0], 'recording:recording:view', { ...rec, owner: owners[0] });
  const first = withoutId(gate.check(q));
  for (let i = 0; i < 1000; i++) assert.deepEqual(withoutId(gate.check(q)), first);
  assert.deepEqual(first, withoutId(gate.checkJson(JSON.stringify(q))));
});
