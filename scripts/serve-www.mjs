#!/usr/bin/env node
// The demo's static server: Node only, no dependencies, 127.0.0.1 only.
//
//   node scripts/serve-www.mjs [--port 8080]      (--port 0: any free port)
//
// Serves
//   /                 www/            the demo page
//   /wasm-web/js/     wasm-web/js/    the package's ES modules
//   /wasm-web/pkg-web/ wasm-web/pkg-web/  its wasm-pack output (build it with wasm-web/build.sh)
//   /examples/        examples/       the sample organisation (acme.json)
//   /api/             the analysis API (scripts/analysis-api.mjs): who-can and the access review, by the CLI
// and prints the URL on stdout as its first line. Stops on SIGINT/SIGTERM.

import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analysisApi } from './analysis-api.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';

function usage(msg) {
  if (msg) console.error(`serve-www: ${msg}`);
  console.error('usage: node scripts/serve-www.mjs [--port N]   (N = 0 picks a free port; default $PORT or 8080)');
  process.exit(2);
}

let port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') port = Number(args[++i]);
  else if (args[i].startsWith('--port=')) port = Number(args[i].slice(7));
  else if (args[i] === '-h' || args[i] === '--help') usage();
  else usage(`unknown argument ${args[i]}`);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) usage('the port must be a number from 0 to 65535');

// URL prefix → directory. The longest matching prefix wins.
const MOUNTS = [
  ['/wasm-web/js/', join(root, 'wasm-web', 'js')],
  ['/wasm-web/pkg-web/', join(root, 'wasm-web', 'pkg-web')],
  ['/examples/', join(root, 'examples')],
  ['/', join(root, 'www')],
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file for a URL path, or null when it is outside every mount. */
function locate(pathname) {
  for (const [prefix, dir] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    let rel = pathname.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(dir, rel));
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    // The demo's tests are not part of the site.
    if (prefix === '/' && file.startsWith(join(dir, 'test') + sep)) return null;
    return file;
  }
  return null;
}

const api = analysisApi(root);

const server = createServer((req, res) => {
  if (api.owns(req.url ?? '')) return api.handle(req, res);
  const send = (status, text) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, `http://${HOST}`).pathname);
  } catch {
    return send(400, 'bad request\n');
  }
  if (pathname.includes('\0')) return send(400, 'bad request\n');
  const file = locate(pathname);
  if (!file) return send(404, 'not found\n');
  let st;
  try {
    st = statSync(file);
  } catch {
    return send(404, 'not found\n');
  }
  if (!st.isFile()) return send(404, 'not found\n');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': st.size,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
});

server.on('error', (e) => {
  console.error(`serve-www: ${e.message}`);
  process.exit(1);
});

server.listen(port, HOST, () => {
  const { port: actual } = server.address();
  console.log(`recgate demo: http://${HOST}:${actual}/`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
