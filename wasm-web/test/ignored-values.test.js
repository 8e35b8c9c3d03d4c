// Members recgate does not read are ignored whatever their value — a Date, a
// function, undefined in an array — on every path a request can take (the
// words path, the JSON path of an annotation, explain and why); in a member
// recgate reads, or in a near-miss of one, such a value stays unreadable.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Gate, withoutId } from '../testing/helpers.js';

const NOW = '2026-11-22T12:00:00Z';
const policy = {
  schema: 'recgate/v1', revision: 'ignored-values',
  roles: { qa: { grants: ['recording:recording:view', 'recording:recording:delete', 'recording:annotation:view'].map((permission) => ({ permission })) } },
  users: { quinn: { roles: [{ role: 'qa' }] } },
};
const rec = { id: 'rec-1', media: 'audio', owner: 'quinn', createdAt: '2026-11-20T09:00:00Z' };
const odd = { fetchedAt: new Date(), onOpen: () => {}, tags: [undefined], size: NaN };

test('an ignored member with a value JSON cannot carry changes nothing', () => {
  const gate = Gate.fromPolicy(policy);
  const cases = [
    ['recording:recording:view', { type: 'recording', ...rec }],
    ['recording:recording:delete', { type: 'recording', ...rec, legalHold: true }],
    ['recording:annotation:view', { type: 'annotation', id: 'a1', author: 'quinn', recording: rec }],
    ['recording:annotation:view', { type: 'annotation', id: 'a1', author: 'quinn', recording: { ...rec, type: 'recording' } }],
  ];
  for (const [permission, resource] of cases) {
    const plain = { principal: 'quinn', permission, resource, now: NOW };
    const want = withoutId(gate.check(plain));
    assert.notEqual(want.reason, 'invalid_request', JSON.stringify(plain));
    const withOdd = { ...plain, resource: { ...resource, ...odd, ...(resource.recording ? { recording: { ...resource.recording, ...odd } } : {}) } };
    assert.deepEqual(withoutId(gate.check(withOdd)), want, permission);
    assert.equal(gate.can('quinn', permission, withOdd.resource, NOW), want.allow);
    assert.deepEqual(withoutId(gate.explain(withOdd).decision), want);
    assert.equal(gate.why('quinn', permission, withOdd.resource, NOW).reason, want.reason);
  }
});

test('the same values in a member recgate reads, or in a near-miss of one, are unreadable', () => {
  const gate = Gate.fromPolicy(policy);
  const ask = (resource, permission = 'recording:recording:view') => gate.check({ principal: 'quinn', permission, resource, now: NOW }).reason;
  assert.equal(ask({ type: 'recording', ...rec, createdAt: new Date('2026-11-20T09:00:00Z') }), 'invalid_request');
  assert.equal(ask({ type: 'recording', ...rec, legalhold: new Date() }, 'recording:recording:delete'), 'invalid_request');
  assert.equal(ask({ type: 'annotation', id: 'a1', author: 'quinn', recording: { ...rec, legalhold: new Date() } }, 'recording:annotation:view'), 'invalid_request');
  assert.equal(ask({ type: 'annotation', id: 'a1', author: new Date(), recording: rec }, 'recording:annotation:view'), 'invalid_request');
  assert.equal(ask({ type: 'annotation', id: 'a1', author: 'quinn', Author: new Date(), recording: rec }, 'recording:annotation:view'), 'invalid_request');
});
