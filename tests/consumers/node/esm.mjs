// Node ESM: the package's default entry resolves to its Node build, which
// reads the .wasm itself; `await init()` works and has nothing left to do.
import { readFileSync } from 'node:fs';
import * as recgate from '@recgate/web';
import { run } from '../shared/scenario.js';

await recgate.init();
const [specFile, slicesDir] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const slices = Object.fromEntries(spec.users.map((u) => [u, readFileSync(`${slicesDir}/${u}.json`, 'utf8')]));
process.stdout.write(JSON.stringify({ app: 'node-esm', result: run(recgate, spec, slices) }));
