// The bundler entry point has the same API as the web one.
export * from './index.js';
export { default } from './index.js';
