// A Web Worker built by Vite in its default worker format (iife, a classic
// worker), using `@recgate/web/bundler`. The question is posted at once,
// before the worker can have loaded the module: its first message must be
// answered.
import { fetchScenario } from '../shared/page.js';

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const scenario = fetchScenario();
worker.onmessage = (e) => {
  window.__recgate = e.data;
};
worker.onerror = (e) => {
  window.__recgate = { app: 'worker', failure: `worker error: ${e.message}` };
};
scenario.then((s) => worker.postMessage(s), (e) => {
  window.__recgate = { app: 'worker', failure: String(e) };
});
