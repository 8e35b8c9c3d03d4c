// Conformance: every vector file (tests/vectors/*.json and the SPEC's own
// vectors) through the npm package and through the native CLI
// (target/release/recgate): identical decisions (decisionId aside), the
// expected allow / reason / obligations, identical validation errors, lint
// findings and content hashes.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  Gate, PolicyError, vectorFiles, readVectors, cliEval, cliHash, cliLint, cliValidate, withoutId,
} from '../testing/helpers.js';

const files = vectorFiles();

test('there are conformance vectors with cases to run', () => {
  assert.ok(files.length >= 1, 'no vector files found');
  const cases = files.flatMap(readVectors).reduce((n, v) => n + (v.cases?.length ?? 0), 0);
  assert.ok(cases > 0, 'no vector has cases');
});

const sorted = (xs) => [...xs].sort();

for (const file of files) {
  for (const v of readVectors(file)) {
    test(v.label, () => {
      if (v.errors) {
        // An invalid policy: a PolicyError with exactly these pointers, as the CLI reports them.
        let err;
        assert.throws(() => Gate.fromPolicy(v.policy), (e) => {
          err = e;
          return e instanceof PolicyError;
        });
        assert.deepEqual(sorted(err.errors.map((e) => e.path)), sorted(v.errors));
        const native = cliValidate(v.policy);
        assert.equal(native.valid, false);
        assert.deepEqual(
          err.errors.map((e) => ({ path: e.path, message: e.message })),
          native.errors.map((e) => ({ path: e.path, message: e.message })),
        );
        return;
      }
      const gate = Gate.fromPolicy(v.policy);
      assert.equal(gate.revision, v.policy.revision);
      assert.equal(gate.revisionHash, cliHash(v.policy));
      // The same policy given as JSON text loads to the same content.
      assert.equal(Gate.fromPolicy(JSON.stringify(v.policy, null, 2)).revisionHash, gate.revisionHash);

      const lint = gate.lint();
      assert.deepEqual(lint, cliLint(v.policy));
      if (v.lint) assert.deepEqual(sorted(lint.map((f) => f.id)), sorted(v.lint));

      const cases = v.cases ?? [];
      if (cases.length === 0) return;
      const native = cliEval(v.policy, cases.map((c) => c.request));
      assert.equal(native.length, cases.length);
      cases.forEach((c, i) => {
        const d = gate.check(c.request);
        const where = `${v.label} / ${c.name ?? i}`;
        assert.match(d.decisionId, /^[0-9a-f]{32}$/, where);
        assert.match(native[i].decisionId, /^[0-9a-f]{32}$/, where);
        assert.deepEqual(withoutId(d), withoutId(native[i]), `${where}: package vs CLI`);
        assert.equal(d.allow, c.expect.allow, `${where}: allow`);
        assert.equal(d.reason, c.expect.reason, `${where}: reason`);
        if (c.expect.obligations !== undefined) {
          assert.deepEqual(d.obligations, c.expect.obligations, `${where}: obligations`);
        }
        // The JSON path, the explanation and can() agree with check().
        assert.deepEqual(withoutId(gate.checkJson(JSON.stringify(c.request))), withoutId(d), where);
        const ex = gate.explain(c.request);
        assert.deepEqual(withoutId(ex.decision), withoutId(d), `${where}: explain`);
        assert.ok(ex.steps.length > 0 && ex.text.endsWith(`(${d.reason})`), where);
        // can() asks the same question when the request is exactly its four arguments.
        const q = c.request;
        const plain = q !== null && typeof q === 'object'
          && Object.keys(q).every((k) => ['principal', 'permission', 'resource', 'now'].includes(k))
          && q.now !== undefined; // can() would default a missing `now` to the current time
        if (plain) {
          assert.equal(gate.can(q.principal, q.permission, q.resource, q.now), d.allow, `${where}: can`);
        }
      });

      // Slices (SPEC §5): the principal's slice decides their requests as the whole policy does.
      for (const p of v.slices ?? []) {
        const slice = Gate.fromPolicy(gate.slice(p));
        for (const c of cases.filter((x) => x.request.principal === p || x.request.actor === p)) {
          const full = gate.check(c.request);
          const part = slice.check(c.request);
          assert.equal(part.allow, full.allow, `${v.label} / ${c.name}: slice ${p}`);
          assert.deepEqual(part.obligations, full.obligations);
          if (part.reason !== full.reason) {
            assert.ok(!full.allow && ['unknown_resource', 'unknown_principal'].includes(part.reason),
              `${v.label} / ${c.name}: slice ${p} says ${part.reason}, policy ${full.reason}`);
          }
        }
      }
    });
  }
}
