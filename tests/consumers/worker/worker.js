// The worker: `@recgate/web/bundler` starts loading the module on import; the
// message handler waits for it.
import * as recgate from '@recgate/web/bundler';
import { run } from '../shared/scenario.js';

self.onmessage = async (e) => {
  try {
    await recgate.ready();
    self.postMessage({ app: 'worker', result: run(recgate, e.data.spec, e.data.slices) });
  } catch (err) {
    self.postMessage({ app: 'worker', failure: String(err?.stack ?? err) });
  }
};
