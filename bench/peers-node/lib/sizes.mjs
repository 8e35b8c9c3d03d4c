// What each engine costs to ship: bytes raw and gzip -9 of recgate's web .wasm (alone, with its
// wasm-bindgen glue, with the typed wrapper), of @cedar-policy/cedar-wasm's web build, of
// @casl/ability bundled and minified by esbuild (what an app's bundler would ship), and of
// recgate's Envoy filter .wasm. Returns a markdown fragment.

import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { browserFiles } from '../../../wasm-web/bench/shipped.mjs';
import { packageVersion } from './versions.mjs';

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

function measure(paths) {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) return { missing };
  const files = paths.map((p) => readFileSync(p));
  return {
    raw: files.reduce((a, f) => a + f.length, 0),
    gzip: files.reduce((a, f) => a + gzip(f), 0),
  };
}

/** @casl/ability's createMongoAbility + AbilityBuilder (and the @ucast packages) as esbuild bundles them. */
function caslBundle(benchRoot) {
  const esbuild = join(benchRoot, 'node_modules', '.bin', 'esbuild');
  if (!existsSync(esbuild)) return { missing: [esbuild] };
  const entry = "import { AbilityBuilder, createMongoAbility } from '@casl/ability'; export { AbilityBuilder, createMongoAbility };";
  const out = execFileSync(esbuild, ['--bundle', '--minify', '--format=esm', '--log-level=warning', '--loader=js'], {
    input: entry, cwd: benchRoot, maxBuffer: 16 << 20,
  });
  return { raw: out.length, gzip: gzip(out) };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const mb = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : kb(n));

/** The sizes table (markdown) and the figures behind it. */
export function sizes(repoRoot, benchRoot) {
  const web = join(repoRoot, 'wasm-web');
  const cedar = join(benchRoot, 'node_modules', '@cedar-policy', 'cedar-wasm', 'web');
  const rows = [
    ['recgate web `.wasm` (`wasm-web/pkg-web/recgate_web_bg.wasm`)', measure([join(web, 'pkg-web', 'recgate_web_bg.wasm')])],
    ['recgate web `.wasm` + wasm-bindgen glue', measure([join(web, 'pkg-web', 'recgate_web_bg.wasm'), join(web, 'pkg-web', 'recgate_web.js')])],
    ['recgate web, everything a page loads (+ the `js/` modules `js/index.js` imports, unminified)',
      measure(browserFiles(web).map((p) => join(web, p)))],
    [`@cedar-policy/cedar-wasm ${packageVersion('@cedar-policy/cedar-wasm')} \`.wasm\` (web build)`, measure([join(cedar, 'cedar_wasm_bg.wasm')])],
    [`@cedar-policy/cedar-wasm ${packageVersion('@cedar-policy/cedar-wasm')} \`.wasm\` + glue`, measure([join(cedar, 'cedar_wasm_bg.wasm'), join(cedar, 'cedar_wasm.js')])],
    [`@casl/ability ${packageVersion('@casl/ability')} (+ @ucast), esbuild --bundle --minify`, caslBundle(benchRoot)],
    ['recgate Envoy filter (`target/wasm32-wasip1/release/recgate_proxy.wasm`)', measure([join(repoRoot, 'target', 'wasm32-wasip1', 'release', 'recgate_proxy.wasm')])],
  ];
  const recgateGlue = rows[1][1].gzip;
  const lines = [
    '| what ships | raw | gzip -9 | gzip vs recgate .wasm + glue |',
    '|---|---:|---:|---:|',
  ];
  for (const [label, m] of rows) {
    if (m.missing) {
      lines.push(`| ${label} | missing: ${m.missing.map((p) => p.replace(repoRoot + '/', '')).join(', ')} | | |`);
      continue;
    }
    const ratio = recgateGlue ? `${(m.gzip / recgateGlue).toFixed(2)}×` : '';
    lines.push(`| ${label} | ${m.raw.toLocaleString('en-US')} B (${mb(m.raw)}) | ${m.gzip.toLocaleString('en-US')} B (${mb(m.gzip)}) | ${ratio} |`);
  }
  return { markdown: lines.join('\n'), rows: rows.map(([label, m]) => ({ label, ...m })) };
}
