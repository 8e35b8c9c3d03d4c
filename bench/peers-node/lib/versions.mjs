// Versions of the packages compared, read from their installed package.json (some packages'
// "exports" do not expose package.json to require/import).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The installed version of an npm package of bench/peers-node, or 'not installed'. */
export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(benchRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}
