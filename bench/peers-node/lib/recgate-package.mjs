// Loads recgate's npm package from this repository (wasm-web/, the --target web build) the
// way a Node server does: initSync with the .wasm bytes, then Gate from js/index.js.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const webPkgRoot = join(repoRoot, 'wasm-web');
const wasmPath = join(webPkgRoot, 'pkg-web', 'recgate_web_bg.wasm');

if (!existsSync(wasmPath)) {
  throw new Error(`${wasmPath} is missing: build the package first (bash wasm-web/build.sh)`);
}
const pkg = await import(join(webPkgRoot, 'js', 'index.js'));
pkg.initSync(readFileSync(wasmPath));

export const { Gate } = pkg;
export const version = JSON.parse(readFileSync(join(webPkgRoot, 'package.json'), 'utf8')).version;
