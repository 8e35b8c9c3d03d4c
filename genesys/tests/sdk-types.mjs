#!/usr/bin/env node
// Type-checks a Genesys Cloud org export against the official SDK's models
// (npm purecloud-platform-client-v2 262.0.0, index.d.ts) with tsc: every
// file of the export is imported as JSON and passed to a check that accepts
// exactly the SDK type of the API response it stands for — a missing required
// field, a wrong type, or a field the model does not have (a typo) fails.
//
//   node genesys/tests/sdk-types.mjs DIR     exit 0 when every file checks
//
// The .ts is written to a temporary directory and removed afterwards.

import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = process.argv[2] && resolve(process.argv[2]);
if (!dir) {
  console.error('usage: node genesys/tests/sdk-types.mjs EXPORT_DIR');
  process.exit(2);
}

// Export path (relative, '/'-separated) → the SDK model of that response.
const MODELS = [
  [/^authorization\/roles(-[\w.-]+)?\.json$/, 'OrganizationRoleEntityListing'],
  [/^authorization\/divisions(-[\w.-]+)?\.json$/, 'AuthzDivisionEntityListing'],
  [/^authorization\/subjects\/[^/]+\.json$/, 'AuthzSubject'],
  [/^authorization\/policies(-[\w.-]+)?\.json$/, 'AuthorizationPolicyEntityListing'],
  [/^users(-[\w.-]+)?\.json$/, 'UserEntityListing'],
  [/^groups(-[\w.-]+)?\.json$/, 'GroupEntityListing'],
  [/^groups\/[^/]+\/members(-[\w.-]+)?\.json$/, 'UserEntityListing'],
  [/^routing\/queues(-[\w.-]+)?\.json$/, 'QueueEntityListing'],
  [/^routing\/queues\/[^/]+\/members(-[\w.-]+)?\.json$/, 'QueueMemberEntityListing'],
  [/^oauth\/clients(-[\w.-]+)?\.json$/, 'OAuthClientEntityListing'],
];
const NOT_GENESYS = new Set(['recgate-overlay.json', 'README.md']);

function files(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const checks = [];
const unknown = [];
for (const file of files(dir).sort()) {
  const rel = relative(dir, file).split('\\').join('/');
  if (NOT_GENESYS.has(rel)) continue;
  const model = MODELS.find(([re]) => re.test(rel))?.[1];
  if (model) checks.push([file, model, rel]);
  else unknown.push(rel);
}
if (unknown.length) {
  console.error(`sdk-types: files that are no API response of the export layout: ${unknown.join(', ')}`);
  process.exit(1);
}
if (!checks.some(([, m]) => m === 'OrganizationRoleEntityListing')) {
  console.error('sdk-types: the export has no authorization/roles.json');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'recgate-sdk-types-'));
try {
  const lines = [
    "import platformClient from 'purecloud-platform-client-v2';",
    '// S must be the SDK type T, and have no field T does not (deeply).',
    'type Exact<T, S> = S extends readonly (infer E)[]',
    '  ? T extends readonly (infer TE)[] ? readonly Exact<TE, E>[] : never',
    '  : S extends object',
    '    ? { [K in keyof S]: K extends keyof T ? Exact<NonNullable<T[K]>, S[K]> : never }',
    '    : S;',
    'function sdk<T>() {',
    '  return <S extends T>(value: S & Exact<T, S>): S => value;',
    '}',
  ];
  checks.forEach(([file, model, rel], i) => {
    lines.push(`// ${rel}`);
    lines.push(`import f${i} from ${JSON.stringify(file)};`);
    lines.push(`sdk<platformClient.Models.${model}>()(f${i});`);
  });
  writeFileSync(join(work, 'export.ts'), lines.join('\n') + '\n');
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, esModuleInterop: true, resolveJsonModule: true,
      module: 'commonjs', moduleResolution: 'node', target: 'es2020', types: [],
      typeRoots: [], baseUrl: root, paths: { 'purecloud-platform-client-v2': [join(root, 'node_modules', 'purecloud-platform-client-v2')] },
    },
    files: ['export.ts'],
  }));
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', join(work, 'tsconfig.json')], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    console.error(`sdk-types: ${dir} does not match the SDK's models (tsc exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`sdk-types: ${checks.length} files of ${relative(process.cwd(), dir) || dir} match purecloud-platform-client-v2's models`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
