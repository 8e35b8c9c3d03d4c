// Runs the calling script again in a worker thread with a 16 MB stack, and exits with its code.
// cedar-wasm 4.13's evaluation of the benchmark org recurses deeper than the main thread's
// ~1 MB JS stack allows ("Maximum call stack size exceeded"); `node --stack-size` only moves
// V8's limit without growing the real stack and crashed V8 in a deoptimisation here, whereas
// a worker's `stackSizeMb` gives it a real stack of that size.

import { isMainThread, Worker } from 'node:worker_threads';

/** In the main thread: never returns (runs `scriptUrl` in the worker, then exits). In the worker: returns at once. */
export async function continueWithLargeStack(scriptUrl, stackSizeMb = 16) {
  if (!isMainThread) return;
  const worker = new Worker(new URL(scriptUrl), { argv: process.argv.slice(2), resourceLimits: { stackSizeMb } });
  worker.on('error', (e) => console.error(e));
  const code = await new Promise((done) => worker.on('exit', done));
  process.exit(code);
}
