// recgate for bundlers (Vite, webpack 5, Rollup, Parcel; esbuild with the
// `.wasm` file loader): the same API as `@recgate/web`, and the module starts
// loading when this file is imported — the bundler emits
// recgate_web_bg.wasm as an asset and rewrites its URL (the glue's
// `new URL('recgate_web_bg.wasm', import.meta.url)`). No top-level await and
// no WebAssembly ESM integration, so it works unchanged in Web Workers of any
// format (classic/iife or module) and with no bundler plugin. `await ready()`
// before the first `Gate.fromPolicy` (a worker: inside its message handler).

import { init } from './index.js';

export { Gate, PolicyError, RecordingSet, init, initSync, ready } from './index.js';
export { SIGNATURE_FORMAT, signedMessage, verifyPolicySignature } from './index.js';
export { default } from './index.js';

// Started now; a failure is reported by ready()/init(), which try again.
init().catch(() => {});
