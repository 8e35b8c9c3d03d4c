// What a page loads for `import … from '@recgate/web'`: the .wasm and every
// module js/index.js reaches by relative imports (the wasm-bindgen glue and
// the wrapper's modules), so that size figures count what ships however the
// wrapper is split into files.

import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

const WASM = 'pkg-web/recgate_web_bg.wasm';
const GLUE = 'pkg-web/recgate_web.js';

/** The .wasm, the glue, then the wrapper's modules, as paths relative to `pkgRoot`. */
export function browserFiles(pkgRoot) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Not built yet (the glue): listed, for the size report to say it is missing.
    if (!existsSync(join(pkgRoot, file))) return;
    const text = readFileSync(join(pkgRoot, file), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'";]*?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      visit(posix.normalize(posix.join(posix.dirname(file), m[1])));
    }
  };
  visit('js/index.js');
  seen.delete(GLUE);
  return [WASM, GLUE, ...[...seen].sort()];
}
