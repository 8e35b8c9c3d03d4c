// The shrinker keeps exactly what a failure needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shrink, shrinkAsync } from './shrink.mjs';

test('shrinking drops every rule, assignment, member and attribute the failure does not need', () => {
  const policy = {
    roles: {
      a: { grants: [{ permission: 'x' }, { permission: 'needed' }, { permission: 'y' }], denies: [{ permission: 'z' }] },
      b: { grants: [{ permission: 'w' }], inherits: ['a'] },
    },
    users: { u: { roles: [{ role: 'a' }, { role: 'b' }] } },
    groups: { g: { members: ['u', 'v'] } },
    prerequisites: { p: ['q'] },
  };
  const request = { principal: 'u', resource: { type: 'recording', id: 'r', owner: 'u', queue: 'q1', sensitive: true } };
  const fails = (p, r) => p.roles.a.grants.some((g) => g.permission === 'needed') && r.resource.sensitive === true;
  const small = shrink(policy, request, fails);
  assert.deepEqual(small.policy.roles.a.grants, [{ permission: 'needed' }]);
  assert.deepEqual(small.policy.roles.a.denies, []);
  assert.deepEqual(small.policy.roles.b, { grants: [], inherits: [] });
  assert.deepEqual(small.policy.users.u.roles, []);
  assert.deepEqual(small.policy.groups.g.members, []);
  assert.equal(small.policy.prerequisites, undefined);
  assert.deepEqual(small.request.resource, { type: 'recording', id: 'r', sensitive: true });
  assert.ok(fails(small.policy, small.request));
});

test('the asynchronous shrinker finds the same small case', async () => {
  const policy = { roles: { a: { grants: [{ permission: 'x' }, { permission: 'needed' }] } }, users: { u: { roles: [{ role: 'a' }] } } };
  const request = { principal: 'u', resource: { type: 'recording', id: 'r', owner: 'u' } };
  const fails = async (p) => p.roles.a.grants.some((g) => g.permission === 'needed');
  const small = await shrinkAsync(policy, request, fails);
  assert.deepEqual(small.policy.roles.a.grants, [{ permission: 'needed' }]);
  assert.deepEqual(small.policy.users.u.roles, []);
  assert.deepEqual(small.request.resource, { type: 'recording', id: 'r' });
});
