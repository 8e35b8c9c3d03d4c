// Writes the benchmark's list pages and their conversation facts to
// target/edge-data/ (list-N.json, facts-N.json) for the native harness of the
// list path (`cargo run --release -p recgate-proxy --example list_cost -- N`),
// whose instruction counts under callgrind do not move with the machine's load.
//
//   node bench/edge/dump.mjs

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { benchData, listBody, LIST_SIZES } from './configs.mjs';
import { factsOf } from '../../tests/envoy/lib/servers.mjs';
import { repoRoot } from '../../tests/envoy/lib/envoy.mjs';

const out = join(repoRoot, 'target', 'edge-data');
mkdirSync(out, { recursive: true });
const data = benchData(LIST_SIZES);
for (const n of LIST_SIZES) {
  writeFileSync(join(out, `list-${n}.json`), listBody(data, n));
  const c = `c-bench-${n}`;
  const recordings = data.recordings.filter((r) => r.conversationId === c).map((r) => factsOf(r, data));
  writeFileSync(join(out, `facts-${n}.json`), JSON.stringify({ conversationId: c, recordings }));
}
console.log(`written: ${out}/list-{${LIST_SIZES.join(',')}}.json, facts-*.json`);
