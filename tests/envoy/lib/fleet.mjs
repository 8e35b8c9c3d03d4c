// What a fleet of Envoys is given in the tests: signing keys and signed
// policies made with the real CLI (`recgate keygen`, `recgate sign`), a
// policy server that sends a policy with its detached signature in the
// `x-recgate-signature` header (ETag over both), and a static file server
// for Wasm modules (`vm_config.code.remote`). All on 127.0.0.1.

import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot } from './envoy.mjs';

export const RECGATE = join(repoRoot, 'target', 'release', 'recgate');

/** A key pair made by `recgate keygen`: the secret key file, the public key (base64) and its id. */
export function keygen(dir) {
  const out = join(dir, `key-${Math.random().toString(36).slice(2)}.pem`);
  const made = JSON.parse(execFileSync(RECGATE, ['keygen', '--out', out, '--format', 'json']).toString());
  return { file: out, publicKey: made.publicKey, keyId: made.keyId };
}

/** A policy (object) signed by `recgate sign`: its text and its envelope (one line of JSON). */
export function signPolicy(dir, policy, key, serial) {
  const file = join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
  const text = JSON.stringify(policy);
  writeFileSync(file, text);
  const envelope = execFileSync(RECGATE, ['sign', '--key', key.file, file, '--serial', String(serial)]).toString().trim();
  return { text, envelope };
}

/** A scratch directory. */
export const scratch = (name) => mkdtempSync(join(tmpdir(), `recgate-${name}-`));

/**
 * A policy server sending `state.text` with `state.envelope` in
 * `x-recgate-signature` (none when null); the ETag covers both, so a new
 * signature alone is fetched too. `state.requests` counts polls, and
 * `state.changedAt` is when `set()` last changed what is served.
 */
export async function startSignedPolicyServer(signed) {
  const state = { text: signed.text, envelope: signed.envelope, requests: 0, changedAt: Date.now() };
  const etag = () => `"${createHash('sha256').update(state.text).update('\n').update(state.envelope ?? '').digest('hex').slice(0, 16)}"`;
  const server = createServer((req, res) => {
    state.requests += 1;
    const tag = etag();
    if (req.headers['if-none-match'] === tag) {
      res.writeHead(304, { etag: tag });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json', etag: tag, ...(state.envelope === null ? {} : { 'x-recgate-signature': state.envelope }) });
    return res.end(state.text);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    server, port: server.address().port, state,
    /** Serves another policy (and envelope) from now on. */
    set({ text, envelope }) {
      state.text = text;
      state.envelope = envelope;
      state.changedAt = Date.now();
    },
  };
}

/** Serves files by name from a map (`files[name] = Buffer`), counting requests; unknown names are 404. */
export async function startFileServer(files) {
  const state = { requests: [] };
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1);
    state.requests.push(name);
    const body = files[name];
    if (!body) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/wasm', 'content-length': body.length });
    return res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: server.address().port, state };
}

/** The SHA-256 of a file, hex (what `vm_config.code.remote.sha256` takes). */
export const sha256File = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * A policy rotation under load across a fleet: `workers` concurrent loops
 * per Envoy send `probe(envoy)` (which resolves `{ status, revision }`)
 * until every Envoy has answered with `revision` for `settleMs`, or
 * `timeoutMs` passes. `rotate()` is called once load runs. Resolves, per
 * Envoy, the ms from the rotation to its first answer from the new
 * revision and to its last answer from the old one, the request counts,
 * and every answer's status (for the no-5xx check).
 */
export async function rotateUnderLoad({ envoys, probe, rotate, revision, workers = 3, settleMs = 2500, timeoutMs = 20000, warmupMs = 500 }) {
  const per = envoys.map(() => ({ answers: [], firstNew: null, lastOld: null }));
  let rotatedAt = null;
  let stop = false;
  const loops = envoys.flatMap((envoy, e) => Array.from({ length: workers }, async () => {
    for (let i = 0; !stop && i < 200000; i += 1) {
      const sent = Date.now();
      let a;
      try {
        a = await probe(envoy);
      } catch (err) {
        a = { status: `error ${err.message}`, revision: null };
      }
      const at = Date.now();
      per[e].answers.push({ ...a, sent, at });
      if (rotatedAt === null || sent < rotatedAt) continue;
      if (a.revision === revision) per[e].firstNew ??= at - rotatedAt;
      else per[e].lastOld = at - rotatedAt;
    }
  }));
  await new Promise((r) => setTimeout(r, warmupMs));
  rotatedAt = Date.now();
  rotate();
  const deadline = rotatedAt + timeoutMs;
  while (Date.now() < deadline) {
    const now = Date.now() - rotatedAt;
    if (per.every((p) => p.firstNew !== null && now - Math.max(p.firstNew, p.lastOld ?? 0) >= settleMs)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  stop = true;
  await Promise.all(loops);
  return per.map((p) => ({
    firstNewMs: p.firstNew,
    lastOldMs: p.lastOld,
    requests: p.answers.length,
    statuses: p.answers.map((a) => a.status),
    answers: p.answers,
  }));
}
