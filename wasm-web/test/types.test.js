// The published declarations name exactly what the core knows: the
// `Permission` union is the core's catalog (core/src/catalog.rs), the
// `Reason` union every reason code the wasm reports. A permission or reason
// added to the core without its type would compile in TypeScript apps as a
// string the types reject — this test catches the drift.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { pkgRoot, repoRoot } from '../testing/helpers.js';
import { reasons } from '../pkg-web/recgate_web.js';

const declarations = readFileSync(join(pkgRoot, 'js', 'index.d.ts'), 'utf8');

/** The string literals of `export type NAME = | '…' | '…';`. */
function union(name) {
  const m = new RegExp(`export type ${name} =([^;]*);`).exec(declarations);
  assert.ok(m, `index.d.ts declares ${name}`);
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]).sort();
}

test('Permission is the core catalog, entry for entry', () => {
  const source = readFileSync(join(repoRoot, 'core', 'src', 'catalog.rs'), 'utf8');
  // An entry is `("domain:entity:action", Applies::…)`, on one line or wrapped by rustfmt.
  const catalog = [...source.matchAll(/\(\s*"([a-z]+:[a-zA-Z]+:[a-zA-Z]+)",\s*Applies::/g)].map((x) => x[1]).sort();
  assert.ok(catalog.length >= 40, `the catalog was read (${catalog.length} entries)`);
  assert.deepEqual(union('Permission'), catalog);
});

test('Reason is every reason code the core reports', () => {
  const codes = JSON.parse(reasons()).sort();
  assert.ok(codes.includes('allow') && codes.includes('bulk_restricted'));
  assert.deepEqual(union('Reason'), codes);
});
