// recgate for browsers and Node — the `--target web` build.
//
//   import { init, Gate } from '@recgate/web';
//   await init();                       // fetches recgate_web_bg.wasm next to the glue
//   const gate = Gate.fromPolicy(slice);
//
// In Node (or with the bytes at hand): initSync(readFileSync(wasmPath)).

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

/**
 * Loads and instantiates the WebAssembly module once. `input` is where the
 * .wasm is (URL, Request, Response, bytes or a compiled module); by default
 * `recgate_web_bg.wasm` beside the glue, fetched relative to it.
 */
export function init(input) {
  if (isReady()) return Promise.resolve();
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
