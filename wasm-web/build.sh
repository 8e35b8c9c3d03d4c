#!/usr/bin/env bash
# Builds the WebAssembly half of the npm package into pkg-web/ (build
# output, gitignored): wasm-pack --target web (std built with the package,
# for size), then wasm-opt -Oz. That one
# .wasm serves every entry point (js/index.js fetches it, js/bundler.js starts
# fetching it on import, js/node.js and js/node.cjs read it from disk). Then
# js/node.cjs (the CommonJS entry, bundled by esbuild from js/node.js) and
# js/index.d.cts (the declarations for `require`). Needs wasm-pack,
# wasm-bindgen 0.2.130, wasm-opt, esbuild and the rust-src component
# (scripts/setup.sh installs them; `source scripts/env.sh` puts them on PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"   # cargo reads wasm-web/.cargo/config.toml (size profile) from here

for tool in wasm-pack wasm-bindgen wasm-opt esbuild; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not on PATH (run scripts/setup.sh, then source scripts/env.sh)" >&2; exit 1; }
done
[ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library/std" ] || {
  echo "build.sh: the rust-src component is missing (run scripts/setup.sh, or rustup component add rust-src)" >&2; exit 1; }
case "$(wasm-bindgen --version)" in
  *" 0.2.130"*) ;;
  *) echo "build.sh: wasm-bindgen 0.2.130 required (the crate pins wasm-bindgen =0.2.130), found: $(wasm-bindgen --version)" >&2; exit 1 ;;
esac

# Features the Rust wasm32 target emits by default; wasm-opt must be told.
opt_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
              --enable-mutable-globals --enable-reference-types --enable-multivalue)

out=pkg-web
rm -rf pkg-bundler   # an older layout's second copy of the module
# The standard library is compiled with the package (-Zbuild-std, on the
# stable toolchain through RUSTC_BOOTSTRAP, as the fuzz stage does; needs the
# rust-src component, which scripts/setup.sh installs) so that it can be built
# for size: `optimize_for_size` picks std's small algorithms (sorting,
# formatting), and `panic=immediate-abort` drops the panic machinery and every
# panic message (the core never panics; a panic in the wasm was already an
# `unreachable` trap). std, core and alloc keep opt-level 3: built at the
# package's "s" they made loading a policy ~20 % slower. This crate (the
# words and rows readers, the exports) is built at opt-level 3 too: check()
# x0.87, visible() x0.97 for +5.3 KB. Together: -7.9 KB gzipped, 148.6 KB
# (BENCHMARKS.md, issue #16). The core at 3 would add 11.6 KB more for no
# gain that shows in paired runs (BENCHMARKS.md, sixth session). Its own
# target directory: these flags would otherwise rebuild every other wasm32
# build of the workspace. wasm-opt (below) runs its -Oz passes until they
# stop shrinking the module (--converge: -0.4 KB gzipped for ~10 s more).
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
export CARGO_TARGET_DIR="$here/../target/wasm-web"
wasm-pack --quiet build --release --target web --out-dir "$out" --no-pack --mode no-install --no-opt . -- \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
  --config 'profile.release.package.std.opt-level=3' \
  --config 'profile.release.package.core.opt-level=3' \
  --config 'profile.release.package.alloc.opt-level=3' \
  --config 'profile.release.package.recgate-web.opt-level=3'
wasm-opt -Oz --converge --strip-debug --strip-producers "${opt_features[@]}" \
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
