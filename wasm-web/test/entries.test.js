// The package's entry points as Node resolves them through package.json
// "exports" (the package imports itself by name): the Node entry ready on
// import, CommonJS through require, /bundler in Node, and the web entry's
// init() in Node naming initSync. The browser entries are built and run by
// the consumer matrix (tests/consumers, scripts/test-consumers.sh).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Gate as WebGate, pkgRoot, repoRoot, withoutId } from '../testing/helpers.js';

const acme = readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8');
const request = {
  principal: 'qa-1', permission: 'recording:recording:view', now: '2026-11-25T12:00:00Z',
  resource: { type: 'recording', id: 'rec-1', media: 'audio', owner: 'a-us-1', queue: 'q-us', createdAt: '2026-11-20T09:00:00Z' },
};

test("'@recgate/web' in Node is ready on import; init() and ready() resolve at once", async () => {
  const m = await import('@recgate/web');
  const gate = m.Gate.fromPolicy(acme);
  await m.init();
  await m.ready();
  m.initSync();
  assert.deepEqual(withoutId(gate.check(request)), withoutId(WebGate.fromPolicy(acme).check(request)));
  assert.equal(m.default, m.init);
});

test("require('@recgate/web') gives the CommonJS build, deciding as the ES module", () => {
  const require = createRequire(import.meta.url);
  const cjs = require('@recgate/web');
  assert.equal(typeof cjs.Gate.fromPolicy, 'function');
  const gate = cjs.Gate.fromPolicy(acme);
  assert.deepEqual(withoutId(gate.check(request)), withoutId(WebGate.fromPolicy(acme).check(request)));
  assert.throws(() => cjs.Gate.fromPolicy('{}'), (e) => e instanceof cjs.PolicyError && e.errors.length > 0);
  assert.equal(require.resolve('@recgate/web'), join(pkgRoot, 'js', 'node.cjs'));
});

test("'@recgate/web/bundler' in Node is the Node entry", async () => {
  const m = await import('@recgate/web/bundler');
  await m.ready();
  assert.equal(m.Gate.fromPolicy(acme).revision, JSON.parse(acme).revision);
});

test('the web entry imported by path in Node: init() without a location names initSync; initSync works', () => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { init, initSync, Gate } from ${JSON.stringify(join(pkgRoot, 'js', 'index.js'))};
    let message = '';
    try { await init(); } catch (e) { message = e.message; }
    initSync(readFileSync(${JSON.stringify(join(pkgRoot, 'pkg-web', 'recgate_web_bg.wasm'))}));
    process.stdout.write(JSON.stringify({ message, revision: Gate.fromPolicy(${JSON.stringify(acme)}).revision }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }));
  assert.match(out.message, /initSync/);
  assert.equal(out.revision, JSON.parse(acme).revision);
});
