// Writes the peer benchmarks' fragments (target/bench-peers/*.md, each written
// by one harness) into BENCHMARKS.md between the peers markers, under a header
// with the date, the machine and the tool versions. Run by scripts/bench-peers.sh.
// Usage: node scripts/bench-section.mjs FRAGMENT_DIR BENCHMARKS.md

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const [dir, file] = process.argv.slice(2);
if (!dir || !file) {
  console.error('usage: node scripts/bench-section.mjs FRAGMENT_DIR BENCHMARKS.md');
  process.exit(2);
}

const BEGIN = '<!-- peers:begin (written by scripts/bench-peers.sh) -->';
const END = '<!-- peers:end -->';
// In the order a reader wants them: the engines, then what ships, then the edge.
const ORDER = ['native.md', 'node.md', 'node-cedar.md', 'browser.md', 'sizes.md', 'edge.md', 'edge-c2.md', 'edge-breakdown.md', 'edge-hostcalls.md'];

const version = (cmd, args) => {
  try { return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n')[0]; } catch { return 'not found'; }
};

const present = ORDER.filter((name) => existsSync(join(dir, name)));
if (present.length === 0) {
  console.error(`bench-section: no fragments in ${dir}`);
  process.exit(1);
}
const header = [
  '## Against other engines (issue #6)',
  '',
  'Reproduce: `bash scripts/bench-peers.sh` (builds everything, ~30 minutes; `BENCH_PARTS=native`,',
  '`node` or `edge` for one part). Each part first proves every engine gives recgate\'s answers on the',
  'same organisation and requests, then times them interleaved, min/median over ≥ 5 rounds. Ratios',
  'measured in the same run are the figures to trust on this shared machine.',
  '',
  `Written ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB; ${version('rustc', ['--version'])}; Node ${process.version}; ` +
    `${version('envoy', ['--version']).replace(/^.*version: /, 'Envoy ')}; ${version('chromium', ['--version'])}.`,
  '',
];
// For a fragment that starts without a heading of its own.
const TITLES = { 'native.md': 'Native: recgate core vs cedar-policy' };
const body = present.flatMap((name) => {
  let text = readFileSync(join(dir, name), 'utf8').trim();
  if (!text.startsWith('#')) text = `## ${TITLES[name] ?? name}\n\n${text}`;
  text = text
    // Each fragment has its own top heading: nest it (and what is under it) in this section.
    .replace(/^(#{1,5}) /gm, (m, hashes) => `${'#'.repeat(Math.max(3, hashes.length + 1))} `);
  return [text, ''];
});
const section = [BEGIN, ...header, ...body, END].join('\n');

const doc = readFileSync(file, 'utf8');
const start = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
const next = start >= 0 && end > start
  ? doc.slice(0, start) + section + doc.slice(end + END.length)
  : `${doc.trimEnd()}\n\n${section}\n`;
writeFileSync(file, next);
console.log(`bench-section: ${present.join(', ')} → ${file}`);
