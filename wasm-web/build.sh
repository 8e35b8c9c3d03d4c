#!/usr/bin/env bash
# Builds the WebAssembly half of the npm package into pkg-web/ (build
# output, gitignored): wasm-pack --target web, then wasm-opt -Oz. That one
# .wasm serves every entry point (js/index.js fetches it, js/bundler.js starts
# fetching it on import, js/node.js and js/node.cjs read it from disk). Then
# js/node.cjs (the CommonJS entry, bundled by esbuild from js/node.js) and
# js/index.d.cts (the declarations for `require`). Needs wasm-pack,
# wasm-bindgen 0.2.130, wasm-opt and esbuild on PATH (scripts/setup.sh
# installs them; `source scripts/env.sh` puts them on PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"   # cargo reads wasm-web/.cargo/config.toml (size profile) from here

for tool in wasm-pack wasm-bindgen wasm-opt esbuild; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not on PATH (run scripts/setup.sh, then source scripts/env.sh)" >&2; exit 1; }
done
case "$(wasm-bindgen --version)" in
  *" 0.2.130"*) ;;
  *) echo "build.sh: wasm-bindgen 0.2.130 required (the crate pins wasm-bindgen =0.2.130), found: $(wasm-bindgen --version)" >&2; exit 1 ;;
esac

# Features the Rust wasm32 target emits by default; wasm-opt must be told.
opt_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
              --enable-mutable-globals --enable-reference-types --enable-multivalue)

out=pkg-web
rm -rf pkg-bundler   # an older layout's second copy of the module
wasm-pack --quiet build --release --target web --out-dir "$out" --no-pack --mode no-install --no-opt
wasm-opt -Oz --strip-debug --strip-producers "${opt_features[@]}" \
  "$out/recgate_web_bg.wasm" -o "$out/recgate_web_bg.wasm"
rm -f "$out/.gitignore"
# The generated glue repeats the Rust doc comments of the exports as JSDoc;
# the package's API is documented in js/index.d.ts, so they are dropped
# (1.6 KB gzipped). Only /** … */ blocks go: the glue has no such text in
# its strings.
node -e 'const fs = require("fs"); const f = process.argv[1];
  fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\n/gm, ""));' "$out/recgate_web.js"

# CommonJS for require() on Node >= 20.0 (which cannot require an ES module):
# the Node entry with the glue and the wrapper bundled in. js/node.js finds
# the .wasm through __dirname there and through import.meta.url as ESM.
esbuild js/node.js --bundle --platform=node --format=cjs --target=node20 \
  --log-override:empty-import-meta=silent --log-level=warning --outfile=js/node.cjs
# The same declarations, read as CommonJS by TypeScript for `require`.
cp js/index.d.ts js/index.d.cts
echo "build.sh: built $out/recgate_web_bg.wasm, js/node.cjs"
