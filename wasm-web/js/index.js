// recgate for browsers and Node — the `--target web` build.
//
//   import { init, Gate } from '@recgate/web';
//   await init();                       // fetches recgate_web_bg.wasm next to the glue
//   const gate = Gate.fromPolicy(slice);
//
// In Node, `@recgate/web` resolves to js/node.js (the "node" condition),
// which reads the .wasm from disk on import. With the bytes at hand:
// initSync(bytes).

import initGlue, { initSync as initGlueSync } from '../pkg-web/recgate_web.js';
import * as glue from '../pkg-web/recgate_web.js';
import { bind, isReady } from './gate.js';

export { Gate, PolicyError, RecordingSet } from './gate.js';
export { SIGNATURE_FORMAT, signedMessage, verifyPolicySignature } from './signature.js';

let pending = null;

/** Whether `x` is already wasm-bindgen's options object (`{ module }` / `{ module_or_path }`). */
function isOptions(x, key) {
  return x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype && key in x;
}

/** Node (or another server runtime with `process`) with no page around it. */
function isNodeWithoutPage() {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string'
    && typeof document === 'undefined' && typeof location === 'undefined';
}

/**
 * Loads and instantiates the WebAssembly module once. `input` is where the
 * .wasm is (URL, Request, Response, bytes or a compiled module); by default
 * `recgate_web_bg.wasm` beside the glue, fetched relative to it.
 */
export function init(input) {
  if (isReady()) return Promise.resolve();
  if (input === undefined && isNodeWithoutPage()) {
    // Node's fetch() cannot read a file: URL. Reached only when this file is
    // imported by path rather than through the package's "node" condition.
    return Promise.reject(new Error(
      "recgate: init() cannot fetch the .wasm in Node: import '@recgate/web' (its Node entry reads the file), "
      + "or call initSync(readFileSync(new URL(import.meta.resolve('@recgate/web/recgate_web_bg.wasm'))))",
    ));
  }
  if (pending === null) {
    const arg = input === undefined || isOptions(input, 'module_or_path') ? input : { module_or_path: input };
    pending = initGlue(arg)
      .then(() => bind(glue))
      .catch((e) => {
        pending = null;
        throw e;
      });
  }
  return pending;
}

/** Instantiates the module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  if (isReady()) return;
  initGlueSync(isOptions(module, 'module') ? module : { module });
  bind(glue);
}

/** Resolves once the module is ready, initialising it with the default location if needed. */
export function ready() {
  return init();
}

export default init;
