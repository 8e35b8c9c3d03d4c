// The bundler build (pkg-bundler/, js/bundler.js) instantiates its module on
// import, as bundlers with WebAssembly ESM integration do; Node does the same
// with --experimental-wasm-modules. It must decide as the web build does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { Gate, pkgRoot, vectorFiles, readVectors, withoutId } from '../testing/helpers.js';

test('the bundler build decides every vector case as the web build', () => {
  const vectors = vectorFiles().flatMap(readVectors).filter((v) => v.cases?.length && !v.errors);
  assert.ok(vectors.length > 0);
  const script = `
    import { readFileSync } from 'node:fs';
    import { Gate, init, initSync, ready } from ${JSON.stringify(join(pkgRoot, 'js', 'bundler.js'))};
    await ready(); await init(); initSync();
    const vectors = JSON.parse(readFileSync(0, 'utf8'));
    const out = vectors.map((v) => {
      const g = Gate.fromPolicy(v.policy);
      return { hash: g.revisionHash, decisions: v.cases.map((c) => g.check(c.request)) };
    });
    process.stdout.write(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--experimental-wasm-modules', '--no-warnings', '--input-type=module', '-e', script], {
    input: JSON.stringify(vectors), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000,
  });
  const results = JSON.parse(stdout);
  assert.equal(results.length, vectors.length);
  vectors.forEach((v, i) => {
    const g = Gate.fromPolicy(v.policy);
    assert.equal(results[i].hash, g.revisionHash, v.label);
    v.cases.forEach((c, k) => {
      assert.match(results[i].decisions[k].decisionId, /^[0-9a-f]{32}$/);
      assert.deepEqual(withoutId(results[i].decisions[k]), withoutId(g.check(c.request)), `${v.label} / ${c.name}`);
    });
  });
});
