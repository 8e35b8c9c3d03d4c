// Checks the packed tarball itself: what ships (one .wasm, the LICENSE, every
// file package.json's "exports" and "typesVersions" name, every module a
// shipped module imports), what package.json
// promises (engines, publishConfig, repository, an optional React peer), and
// that the README links only to files in the tarball or to absolute URLs.
//
//   node tests/consumers/tarball.mjs PATH.tgz

import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';

const tgz = process.argv[2];
const listing = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
const files = new Set(listing);
const read = (f) => execFileSync('tar', ['-xzOf', tgz, `package/${f}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
const pkg = JSON.parse(read('package.json'));
const problems = [];

const wasm = listing.filter((f) => f.endsWith('.wasm'));
if (wasm.length !== 1) problems.push(`expected one .wasm, found ${JSON.stringify(wasm)}`);
if (!files.has('LICENSE') || !/Apache License\s+Version 2\.0/.test(read('LICENSE'))) problems.push('no Apache-2.0 LICENSE file');
if (pkg.license !== 'Apache-2.0') problems.push(`license ${pkg.license}`);
if (pkg.publishConfig?.access !== 'public') problems.push('publishConfig.access is not public');
if (!pkg.repository?.url || !pkg.homepage) problems.push('no repository / homepage');
if (pkg.engines?.node !== '>=20.0.0') problems.push(`engines.node ${pkg.engines?.node}`);
if (pkg.peerDependenciesMeta?.react?.optional !== true) problems.push('react is not an optional peer dependency');
if (pkg.dependencies && Object.keys(pkg.dependencies).length) problems.push(`runtime dependencies ${JSON.stringify(pkg.dependencies)}`);

// Every path "exports" and "typesVersions" name ships.
const targets = [];
const walk = (v) => {
  if (typeof v === 'string') targets.push(v);
  else if (Array.isArray(v)) v.forEach(walk);
  else if (v && typeof v === 'object') Object.values(v).forEach(walk);
};
walk(pkg.exports);
walk(pkg.typesVersions);
targets.push(pkg.main, pkg.types);
for (const t of targets) if (!files.has(t.replace(/^\.\//, ''))) problems.push(`package.json names ${t}, which does not ship`);

// The core entry must not need React: no shipped module but the React entry imports it.
const shippedJs = [...files].filter((f) => /^js\/.*\.c?js$/.test(f));
for (const f of shippedJs) {
  if (f === 'js/react.js') continue;
  if (/from ['"]react['"]|require\(['"]react['"]\)/.test(read(f))) problems.push(`${f} imports react`);
}

// Every relative import of a shipped module names a shipped file.
for (const f of shippedJs) {
  for (const m of read(f).matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = posix.normalize(posix.join(posix.dirname(f), m[1]));
    if (!files.has(target)) problems.push(`${f} imports ${m[1]}, which does not ship`);
  }
}

// README links: relative ones must be files of the tarball; others absolute http(s).
const readme = read('README.md');
for (const m of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
  const link = m[1];
  if (/^https?:\/\//.test(link) || link.startsWith('#')) continue;
  const path = link.split('#')[0].replace(/^\.\//, '');
  if (!files.has(path)) problems.push(`README links ${link}, which is not in the tarball`);
}
if (/u-qa-1/.test(readme)) problems.push('README names u-qa-1 (the sample org has qa-1)');
for (const needed of ['gate.plan(', 'revisionHash', 'sourceHash', 'gate.update(', "on('updated'", '@recgate/web/react', 'esbuild', 'require(']) {
  if (!readme.includes(needed)) problems.push(`README does not document ${needed}`);
}

console.log(`tarball: ${listing.length} files, ${wasm.length} .wasm`);
for (const p of problems) console.log(`  - ${p}`);
console.log(`tarball checks: ${problems.length === 0 ? 1 : 0} passed, ${problems.length === 0 ? 0 : 1} failed`);
process.exit(problems.length === 0 ? 0 : 1);
