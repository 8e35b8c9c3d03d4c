// recgate for bundlers with WebAssembly ESM integration (webpack 5
// `experiments.asyncWebAssembly`, Vite with vite-plugin-wasm, Rollup's wasm
// plugin): the module is instantiated when this file is imported, so init(),
// initSync() and ready() have nothing left to do and exist for API parity.

import * as glue from '../pkg-bundler/recgate_web.js';
import { bind } from './gate.js';

export { Gate, PolicyError, RecordingSet } from './gate.js';
export { SIGNATURE_FORMAT, signedMessage, verifyPolicySignature } from './signature.js';

bind(glue);

/** The module is already instantiated by the bundler: resolves at once. */
export function init() {
  return Promise.resolve();
}

/** The module is already instantiated by the bundler: does nothing. */
export function initSync() {}

/** Resolves at once: the bundler instantiated the module on import. */
export function ready() {
  return Promise.resolve();
}

export default init;
