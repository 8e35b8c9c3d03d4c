#!/usr/bin/env node
// Every engine of the peer benchmark against the conformance vectors' recording cases
// (lib/conformance.mjs), listing each disagreement: the tool for fixing an encoding.
//
//   node bench/peers-node/vectors.mjs [--engines casl,recgate]

import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { agreeOnVectors, recordingVectors } from './lib/conformance.mjs';
import { continueWithLargeStack } from './lib/large-stack.mjs';

await continueWithLargeStack(import.meta.url);

const benchRoot = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const wanted = args.includes('--engines') ? args[args.indexOf('--engines') + 1].split(',') : null;
const vectors = recordingVectors(resolve(benchRoot, '..', '..'));
for (const f of readdirSync(join(benchRoot, 'engines')).filter((n) => n.endsWith('.mjs')).sort()) {
  if (wanted && !wanted.includes(basename(f, '.mjs'))) continue;
  const engine = (await import(pathToFileURL(join(benchRoot, 'engines', f)).href)).default;
  const { agree, total, wrong } = await agreeOnVectors(engine, vectors);
  console.log(`${engine.name}: agree ${agree}/${total} conformance cases on recordings`);
  for (const w of wrong) console.log(`  ${w}`);
}
