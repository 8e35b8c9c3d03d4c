// A Web Worker built by Vite in its default worker format (iife) or 'es',
// using `@recgate/web/bundler`. The question is posted in the same task that
// creates the worker — before the worker can have loaded anything: its
// first message must be answered.
import { fetchScenario } from '../shared/page.js';

fetchScenario().then((scenario) => {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => {
    window.__recgate = e.data;
  };
  worker.onerror = (e) => {
    window.__recgate = { app: 'worker', failure: `worker error: ${e.message}` };
  };
  worker.postMessage(scenario);
}, (e) => {
  window.__recgate = { app: 'worker', failure: String(e) };
});
