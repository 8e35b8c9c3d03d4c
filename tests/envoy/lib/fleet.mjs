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
