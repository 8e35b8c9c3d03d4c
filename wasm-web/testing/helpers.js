// Shared by the package's Node tests (test/*.test.js): loads the package (the --target web
// build, instantiated synchronously from the .wasm on disk), finds the
// conformance vectors and runs the native CLI for comparison.

import { readFileSync, readdirSync, existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { initSync } from '../js/index.js';

export { Gate, PolicyError } from '../js/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const pkgRoot = resolve(here, '..');
export const repoRoot = resolve(pkgRoot, '..');

const wasmPath = join(pkgRoot, 'pkg-web', 'recgate_web_bg.wasm');
if (!existsSync(wasmPath)) {
  throw new Error(`${wasmPath} is missing: build the package first (wasm-web/build.sh or scripts/test-web.sh)`);
}
initSync(readFileSync(wasmPath));

export const CLI = process.env.RECGATE_CLI ?? join(repoRoot, 'target', 'release', 'recgate');

/**
 * Every conformance vector file: tests/vectors/*.json, then the contract's own
 * vectors beside the SPEC (shared/spec/vectors/*.json) unless a file of the same
 * name is already in tests/vectors.
 */
export function vectorFiles() {
  const dirs = [join(repoRoot, 'tests', 'vectors'), resolve(repoRoot, '..', 'shared', 'spec', 'vectors')];
  const seen = new Set();
  const files = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      if (seen.has(name)) continue;
      seen.add(name);
      files.push(join(dir, name));
    }
  }
  return files;
}

/** The vectors of one file: a vector object, or `{ vectors: [...] }`. */
export function readVectors(file) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const list = Array.isArray(doc.vectors) ? doc.vectors : [doc];
  return list.map((v, i) => ({ ...v, label: `${basename(file)}#${i}${v.name ? ` (${v.name})` : ''}` }));
}

let scratch = null;
function tmp(name, text) {
  scratch ??= mkdtempSync(join(tmpdir(), 'recgate-web-test-'));
  const p = join(scratch, name);
  writeFileSync(p, text);
  return p;
}
process.on('exit', () => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function cli(args, input) {
  return execFileSync(CLI, args, { encoding: 'utf8', input, maxBuffer: 64 << 20, timeout: 60_000 });
}

/** `recgate eval`: one decision per request, in order. */
export function cliEval(policy, requests) {
  const p = tmp('policy.json', JSON.stringify(policy));
  const r = tmp('requests.jsonl', requests.map((q) => JSON.stringify(q)).join('\n') + '\n');
  return cli(['eval', '--policy', p, '--requests', r]).trim().split('\n').map((l) => JSON.parse(l));
}

/** `recgate explain --format json` of one request: `{ decision, steps, words }`. */
export function cliExplain(policy, request) {
  const p = tmp('policy.json', JSON.stringify(policy));
  const r = tmp('request.json', JSON.stringify(request));
  return JSON.parse(cli(['explain', '--policy', p, '--request', r, '--format', 'json']));
}

/** `recgate hash`. */
export function cliHash(policy) {
  return cli(['hash', tmp('policy.json', JSON.stringify(policy))]).trim();
}

/** `recgate lint --format json`. */
export function cliLint(policy) {
  return JSON.parse(cli(['lint', tmp('policy.json', JSON.stringify(policy)), '--format', 'json']));
}

/** `recgate validate --format json` (exits 1 on an invalid policy; the JSON is still printed). */
export function cliValidate(policy) {
  const p = tmp('policy.json', typeof policy === 'string' ? policy : JSON.stringify(policy));
  try {
    return JSON.parse(cli(['validate', p, '--format', 'json']));
  } catch (e) {
    if (e.stdout) return JSON.parse(e.stdout);
    throw e;
  }
}

/** A decision without its random id. */
export function withoutId(d) {
  const { decisionId, ...rest } = d;
  return rest;
}

/** Deterministic pseudo-random numbers for generated cases. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
