// The bundler entry point has the same API as the web one; it starts loading
// the module on import (await ready() before the first Gate).
export * from './index.js';
export { default } from './index.js';
