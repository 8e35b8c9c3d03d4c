// recgate for Node (the "node" export condition of `@recgate/web`): the
// module is read from disk and instantiated when this file is imported, so
// `Gate.fromPolicy` works at once; `init()`, `initSync()` and `ready()` are
// there for code shared with browsers and have nothing left to do.
//
//   import { Gate } from '@recgate/web';          // ESM
//   const { Gate } = require('@recgate/web');     // CommonJS (js/node.cjs, built from this file)

import { readFileSync } from 'node:fs';
import { initSync } from './index.js';

export { Gate, PolicyError, RecordingSet, initSync } from './index.js';
export { SIGNATURE_FORMAT, signedMessage, verifyPolicySignature } from './index.js';

/* global __dirname */
// As ESM the module is found from import.meta.url; in the CommonJS bundle
// (where import.meta is empty) from __dirname, this file's folder.
const wasm = typeof __dirname === 'string'
  ? `${__dirname}/../pkg-web/recgate_web_bg.wasm`
  : new URL('../pkg-web/recgate_web_bg.wasm', import.meta.url);
initSync(readFileSync(wasm));

/** The module was instantiated on import: resolves at once. */
export function init() {
  return Promise.resolve();
}

/** The module was instantiated on import: resolves at once. */
export function ready() {
  return Promise.resolve();
}

export default init;
