// Pass-through routes against a real servlet container: embedded Tomcat 10.1
// (Debian's libtomcat10-embed-java, compiled with javac here) resolves
// `/healthz/..;/api/v2/…` to the API path — shown directly — while the filter,
// with `passThrough: ["/healthz"]` (the documented example), refuses it, lets
// `/healthz` itself through with client x-recgate-* headers stripped, and
// does not take `/healthzX` for `/healthz`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

import { makeIssuer } from './lib/jwt.mjs';
import { startAttributes } from './lib/servers.mjs';
import { startEnvoy, repoRoot } from './lib/envoy.mjs';

const JAR = '/usr/share/java/tomcat10-embed-core.jar';
const ANNOTATIONS = '/usr/share/java/jakarta-annotation-api.jar';
const policy = JSON.parse(readFileSync(join(repoRoot, 'examples', 'acme.json'), 'utf8'));
const idp = makeIssuer();
let tomcat;
let tomcatPort;
const seen = [];
let attrs;
let envoy;

before(async () => {
  for (const jar of [JAR, ANNOTATIONS]) assert.ok(existsSync(jar), `${jar} is missing: scripts/setup.sh installs libtomcat10-embed-java and libjakarta-annotation-api-java`);
  const dir = mkdtempSync(join(tmpdir(), 'recgate-tomcat-app-'));
  execFileSync('javac', ['-cp', JAR, '-d', dir, join(repoRoot, 'tests', 'envoy', 'tomcat', 'RecordingsApi.java')]);
  tomcat = spawn('java', ['-cp', `${dir}:${JAR}:${ANNOTATIONS}`, 'RecordingsApi'], { stdio: ['ignore', 'pipe', 'pipe'] });
  tomcatPort = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`Tomcat did not start: ${buf}`)), 30000);
    tomcat.stdout.on('data', (d) => {
      buf += d;
      for (const line of buf.split('\n')) {
        const m = /^PORT (\d+)/.exec(line);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
        if (line.startsWith('{')) { try { seen.push(JSON.parse(line)); } catch { /* partial */ } }
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
    tomcat.on('exit', (c) => reject(new Error(`Tomcat exited ${c}`)));
  });
  attrs = await startAttributes();
  envoy = await startEnvoy({
    jwks: idp.jwks, upstreamPort: tomcatPort, attributesPort: attrs.port, upstreamTrailers: false,
    plugin: { policy, passThrough: ['/healthz'], attributes: { cluster: 'recgate_attributes' } },
  });
});

after(async () => {
  await envoy?.stop();
  attrs?.server.close();
  tomcat?.kill('SIGKILL');
});

/** A request sent byte for byte; resolves the status. */
function raw(port, method, path, headers = [], body = '') {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.setTimeout(5000, () => { sock.destroy(); resolve('timeout'); });
    sock.on('data', (d) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m && got.includes('\r\n\r\n')) { sock.destroy(); resolve(Number(m[1])); }
    });
    sock.on('error', () => resolve('reset'));
    const len = body ? [`content-length: ${Buffer.byteLength(body)}`, 'content-type: application/json'] : [];
    sock.write(`${method} ${path} HTTP/1.1\r\nhost: api\r\nconnection: close\r\n${[...headers, ...len].join('\r\n')}${headers.length + len.length ? '\r\n' : ''}\r\n${body}`);
  });
}

const TRICK = '/healthz/..;/api/v2/conversations/c-2/recordings/rec-uk-call-1';
const settle = () => new Promise((r) => setTimeout(r, 200));

test('Tomcat itself resolves /healthz/..;/api/… to the API path', async () => {
  const before = seen.length;
  assert.equal(await raw(tomcatPort, 'GET', TRICK), 200);
  await settle();
  const got = seen.slice(before);
  assert.equal(got.at(-1).resolved, '/api/v2/conversations/c-2/recordings/rec-uk-call-1');
});

test('through the filter the same request, a read or a write, is refused and Tomcat never sees it', async () => {
  const before = seen.length;
  assert.equal(await raw(envoy.url.split(':').pop(), 'GET', TRICK), 400);
  assert.equal(await raw(envoy.url.split(':').pop(), 'PUT', TRICK, [], '{"deleteDate":"2026-12-24T00:00:00Z"}'), 400);
  assert.equal(await raw(envoy.url.split(':').pop(), 'GET', '/healthz/.;/api/v2/conversations/c-2/recordings/rec-uk-call-1'), 400);
  await settle();
  assert.deepEqual(seen.slice(before), [], 'nothing reached the servlet container');
});

test('/healthz passes through, without client x-recgate-* headers; /healthzX is not /healthz', async () => {
  const port = envoy.url.split(':').pop();
  const before = seen.length;
  assert.equal(await raw(port, 'GET', '/healthz', ['x-recgate-principal: sradmin-1']), 200);
  assert.equal(await raw(port, 'GET', '/healthz/live'), 200);
  assert.equal(await raw(port, 'GET', '/healthzX/api/v2/conversations/c-2/recordings/rec-uk-call-1'), 403);
  await settle();
  const got = seen.slice(before);
  assert.deepEqual(got.map((s) => s.resolved), ['/healthz', '/healthz/live']);
  assert.equal(got[0].principal, null, 'the forged x-recgate-principal was stripped');
});
