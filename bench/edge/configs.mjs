// The three Envoy configurations compared by bench/edge/run.mjs, and the
// requests they are measured on. Every configuration has jwt_authn in front
// and answers from `direct_response` routes, so the upstream never limits the
// figures: what differs is only the filter between jwt_authn and the router.

import { join } from 'node:path';

import { fixtures } from '../../tests/envoy/lib/servers.mjs';
import { repoRoot, wasmFilter } from '../../tests/envoy/lib/envoy.mjs';

export const LIST_ENTITIES = 1000;
export const PRINCIPAL = 'qa-1';

// One recording the principal may view but not delete; its attributes come
// from the attributes service once and are then served from the filter's cache.
const RECORDING_PATH = '/api/v2/conversations/c-1/recordings/rec-us-screen-1';
const LIST_PATH = '/api/v2/conversations/c-bench/recordings';

/** The requests measured: what each one is, and the status every configuration must answer. */
export const SCENARIOS = [
  { name: 'allow', method: 'GET', path: RECORDING_PATH, expect: { none: 200, empty: 200, rbac: 200, recgate: 200 } },
  // Without an authorization filter nothing refuses, so the DELETE reaches the route (204).
  { name: 'deny', method: 'DELETE', path: RECORDING_PATH, expect: { none: 204, empty: 204, rbac: 403, recgate: 403 } },
  { name: 'list', method: 'GET', path: LIST_PATH, expect: { none: 200, empty: 200, rbac: 200, recgate: 200 } },
];

/**
 * A page of LIST_ENTITIES recordings in the API's own shape: the fixture
 * recordings cycled, each copy with its own id, so some are the principal's
 * to see and the rest are not.
 */
export function listPage() {
  const { recordings } = fixtures();
  const entities = Array.from({ length: LIST_ENTITIES }, (_, i) => {
    const r = recordings[i % recordings.length];
    return { ...r, id: `${r.id}-${i}`, mediaUris: [`https://media.acme.test/${r.id}-${i}`] };
  });
  return { entities, pageSize: LIST_ENTITIES, pageNumber: 1, total: LIST_ENTITIES, pageCount: 1 };
}

/**
 * What recgate must leave of the page for PRINCIPAL, read from the policy
 * rather than from the filter: qa-1's only recording grants
 * (qa-screen-viewer) are scoped to the group support-us, so exactly the
 * recordings owned by its members remain, whole.
 */
export function expectedVisible(policy, page) {
  const members = new Set(policy.groups['support-us'].members);
  return page.entities.filter((e) => members.has(e.owner)).map((e) => e.id);
}

const json = [{ header: { key: 'content-type', value: 'application/json' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }];

/** Routes that answer themselves: HTTP filters still run before the router. */
export function routeConfig(listBody) {
  const recording = JSON.stringify(fixtures().recordings.find((r) => r.id === 'rec-us-screen-1'));
  return {
    // The 1,000-entity page is ~0.3 MB; the default cap on a direct response body is 4 KiB.
    max_direct_response_body_size_bytes: Buffer.byteLength(listBody) + 1024,
    virtual_hosts: [{
      name: 'api',
      domains: ['*'],
      routes: [
        {
          match: { path: RECORDING_PATH, headers: [{ name: ':method', string_match: { exact: 'DELETE' } }] },
          direct_response: { status: 204 },
        },
        { match: { path: RECORDING_PATH }, direct_response: { status: 200, body: { inline_string: recording } }, response_headers_to_add: json },
        { match: { path: LIST_PATH }, direct_response: { status: 200, body: { inline_string: listBody } }, response_headers_to_add: json },
        { match: { prefix: '/' }, direct_response: { status: 404 } },
      ],
    }],
  };
}

/** The role names a user holds in the policy: the claim RBAC reads. */
export function rolesOf(policy, user) {
  return (policy.users[user]?.roles ?? []).map((r) => r.role);
}

/** Roles whose grants match `permission` (a grant's `*` segments are wildcards). */
function rolesGranting(policy, permissions) {
  const matches = (grant, wanted) => {
    const g = grant.split(':');
    const w = wanted.split(':');
    return g.length === w.length && g.every((part, i) => part === '*' || part === w[i]);
  };
  return Object.entries(policy.roles)
    .filter(([, role]) => (role.grants ?? []).some((g) => permissions.some((p) => matches(g.permission, p))))
    .map(([name]) => name);
}

const hasRole = (role) => ({
  metadata: {
    filter: 'envoy.filters.http.jwt_authn',
    path: [{ key: 'jwt_payload' }, { key: 'roles' }],
    value: { list_match: { one_of: { string_match: { exact: role } } } },
  },
});

const methodOnPrefix = (method, prefix) => ({
  and_rules: { rules: [{ header: { name: ':method', string_match: { exact: method } } }, { url_path: { path: { prefix } } }] },
});

/**
 * The nearest native check: a role from the token's `roles` claim (jwt_authn's
 * metadata), the path prefix and the method. The role lists are read from the
 * same policy: who holds any recording view grant may GET recordings, who holds
 * a delete grant may DELETE them. RBAC cannot see the recording's owner, queue
 * or division, nor filter a list: those are what recgate adds.
 */
export function rbacFilter(policy) {
  const prefix = '/api/v2/conversations/';
  const viewers = rolesGranting(policy, ['recording:recording:view', 'recording:screenRecording:view', 'recording:metadata:view']);
  const deleters = rolesGranting(policy, ['recording:recording:delete', 'recording:screenRecording:delete']);
  return {
    name: 'envoy.filters.http.rbac',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC',
      rules: {
        action: 'ALLOW',
        policies: {
          'recording-view': { permissions: [methodOnPrefix('GET', prefix)], principals: viewers.map(hasRole) },
          'recording-delete': { permissions: [methodOnPrefix('DELETE', prefix)], principals: deleters.map(hasRole) },
        },
      },
    },
  };
}

/** recgate's plugin configuration: the sample policy inline, attributes cached for the whole run. */
export function recgatePlugin(policy) {
  // RECGATE_BENCH_PLUGIN='{"decisionMetadata":{"filterState":false}}' measures a configuration variant.
  const extra = process.env.RECGATE_BENCH_PLUGIN ? JSON.parse(process.env.RECGATE_BENCH_PLUGIN) : {};
  return { policy, attributes: { cluster: 'recgate_attributes', cacheTtlSeconds: 3600 }, decisionLog: false, ...extra };
}

/** The probe filter of bench/edge/hostcalls/ (built separately; see README.md). */
export const PROBE = join(repoRoot, 'target', 'edge-hostcalls', 'wasm32-wasip1', 'release', 'recgate_edge_hostcalls.wasm');

/** The probe as an HTTP filter; `config` is `<op> <n>` (`none 0`: an empty Rust proxy-wasm filter). */
export const probeFilter = (config) => wasmFilter('probe', PROBE, config);
