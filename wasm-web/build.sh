#!/usr/bin/env bash
# Builds the WebAssembly half of the npm package:
#   pkg-web/      wasm-pack --target web      (what js/index.js imports)
#   pkg-bundler/  wasm-pack --target bundler  (what js/bundler.js imports)
# then shrinks each .wasm with wasm-opt -Oz. Both directories are build output
# (gitignored). Needs wasm-pack, wasm-bindgen 0.2.130 and wasm-opt on PATH
# (scripts/setup.sh installs them; `source scripts/env.sh` puts them on PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"   # cargo reads wasm-web/.cargo/config.toml (size profile) from here

for tool in wasm-pack wasm-bindgen wasm-opt; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not on PATH (run scripts/setup.sh, then source scripts/env.sh)" >&2; exit 1; }
done
case "$(wasm-bindgen --version)" in
  *" 0.2.130"*) ;;
  *) echo "build.sh: wasm-bindgen 0.2.130 required (the crate pins wasm-bindgen =0.2.130), found: $(wasm-bindgen --version)" >&2; exit 1 ;;
esac

# Features the Rust wasm32 target emits by default; wasm-opt must be told.
opt_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
              --enable-mutable-globals --enable-reference-types --enable-multivalue)

for target in web bundler; do
  out="pkg-$target"
  wasm-pack --quiet build --release --target "$target" --out-dir "$out" --no-pack --mode no-install --no-opt
  wasm-opt -Oz --strip-debug --strip-producers "${opt_features[@]}" \
    "$out/recgate_web_bg.wasm" -o "$out/recgate_web_bg.wasm"
  rm -f "$out/.gitignore"
  # The generated glue repeats the Rust doc comments of the exports as JSDoc;
  # the package's API is documented in js/index.d.ts, so they are dropped
  # (1.6 KB gzipped). Only /** … */ blocks go: the glue has no such text in
  # its strings.
  for js in "$out"/recgate_web.js "$out"/recgate_web_bg.js; do
    [ -f "$js" ] || continue
    node -e 'const fs = require("fs"); const f = process.argv[1];
      fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\n/gm, ""));' "$js"
  done
done
echo "build.sh: built $(cd "$here" && ls pkg-web/recgate_web_bg.wasm pkg-bundler/recgate_web_bg.wasm | tr '\n' ' ')"
