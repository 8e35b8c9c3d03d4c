// The demo server's analysis API: the questions asked of the whole
// organisation policy, answered by the recgate CLI (the Rust core), never by
// the page and never from a browser's slice.
//
//   PUT  /api/policy           body: a recgate/v1 policy — validated by the core (`recgate validate`); when
//                              valid it becomes the policy the questions below are asked of
//   POST /api/who-can          body: { permission | control, resource, now } → `recgate who-can --format json`
//   GET  /api/review.html      the access review (`recgate review --format html`), one self-contained page
//
// It starts with examples/acme.json, as the page does; the page sends the
// policy it adopts from the workbench. Bodies are bounded, every CLI run is
// bounded in time and output, and any failure is an error answer — never a
// partial one.
//
// It has no users to sign in, so it answers only the demo's own page: a
// request whose Host is not this loopback server (another site's page
// reaching it through a name that resolves to 127.0.0.1, "DNS rebinding")
// is refused with 403, and a body that is not declared JSON with 415 — a
// cross-site page can send text/plain without asking, but a JSON body needs
// the CORS preflight this server never grants.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAX_BODY = 16 << 20; // the core's default policy size limit
const CLI_MS = 20000;

/** Whether `host` (a Host header) names this server on the loopback interface. */
function loopbackHost(host, port) {
  if (typeof host !== 'string') return false;
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  const h = host.toLowerCase();
  return names.some((n) => h === `${n}:${port}` || (port === 80 && h === n));
}

function isJson(contentType) {
  return typeof contentType === 'string' && contentType.split(';')[0].trim().toLowerCase() === 'application/json';
}

export function analysisApi(root) {
  const cli = process.env.RECGATE_CLI || join(root, 'target', 'release', 'recgate');
  const work = mkdtempSync(join(tmpdir(), 'recgate-demo-api-'));
  const policyFile = join(work, 'policy.json');
  writeFileSync(policyFile, readFileSync(join(root, 'examples', 'acme.json')));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  let seq = 0;

  const run = (args, input) => new Promise((resolve) => {
    const child = execFile(cli, args, { timeout: CLI_MS, maxBuffer: 64 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, missing: err?.code === 'ENOENT' });
    });
    if (input !== undefined) child.stdin.end(input);
  });

  const send = (res, status, body, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const readBody = (req) => new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

  const cliFailed = (res, r) => {
    if (r.missing) return send(res, 503, { error: `the recgate CLI is not built (${cli}): cargo build --release -p recgate-cli` });
    return send(res, r.code === 2 ? 400 : 502, { error: (r.stderr || r.stdout || `recgate exited ${r.code}`).trim() });
  };

  async function policy(req, res) {
    const text = await readBody(req);
    const r = await run(['validate', '-', '--format', 'json'], text);
    if (r.missing) return cliFailed(res, r);
    let verdict;
    try {
      verdict = JSON.parse(r.stdout);
    } catch {
      return cliFailed(res, r);
    }
    if (r.code !== 0 || !verdict.valid) return send(res, 422, { ok: false, errors: verdict.errors ?? [] });
    writeFileSync(policyFile, text);
    return send(res, 200, { ok: true, revision: verdict.revision, hash: verdict.hash });
  }

  async function whoCan(req, res) {
    let q;
    try {
      q = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'the body must be JSON: { permission | control, resource, now }' });
    }
    const asked = typeof q?.permission === 'string' ? ['--permission', q.permission]
      : typeof q?.control === 'string' ? ['--control', q.control] : null;
    if (!asked || typeof q.resource !== 'object' || q.resource === null || typeof q.now !== 'string') {
      return send(res, 400, { error: 'the body must be { permission | control, resource, now }' });
    }
    const resourceFile = join(work, `resource-${++seq}.json`);
    writeFileSync(resourceFile, JSON.stringify(q.resource));
    try {
      const r = await run(['who-can', '--policy', policyFile, ...asked, '--resource', resourceFile, '--now', q.now, '--format', 'json']);
      if (r.code !== 0) return cliFailed(res, r);
      return send(res, 200, r.stdout);
    } finally {
      rmSync(resourceFile, { force: true });
    }
  }

  async function review(url, res) {
    const now = url.searchParams.get('now');
    const args = ['review', '--policy', policyFile, '--format', 'html'];
    if (now) args.push('--now', now);
    const r = await run(args);
    if (r.code !== 0) return cliFailed(res, r);
    return send(res, 200, r.stdout, 'text/html; charset=utf-8');
  }

  return {
    /** Whether a request is for this API. */
    owns: (rawUrl) => rawUrl.startsWith('/api/'),
    /** Answers it. */
    async handle(req, res) {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (!loopbackHost(req.headers.host, req.socket.localPort)) {
        return send(res, 403, { error: 'this API answers only the demo page served from 127.0.0.1 or localhost' });
      }
      if ((req.method === 'PUT' || req.method === 'POST') && !isJson(req.headers['content-type'])) {
        return send(res, 415, { error: 'the body must be sent as content-type: application/json' });
      }
      try {
        if (url.pathname === '/api/policy' && req.method === 'PUT') return await policy(req, res);
        if (url.pathname === '/api/who-can' && req.method === 'POST') return await whoCan(req, res);
        if (url.pathname === '/api/review.html' && (req.method === 'GET' || req.method === 'HEAD')) return await review(url, res);
        return send(res, 404, { error: `no ${req.method} ${url.pathname}` });
      } catch (e) {
        if (!res.headersSent) send(res, e.status ?? 500, { error: e.message });
      }
    },
  };
}
