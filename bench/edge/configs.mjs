// The Envoy configurations compared by bench/edge/run.mjs, and the requests
// they are measured on — the real Genesys Cloud recording API's routes and
// shapes (the filter's default route table): one `Recording` by
// GET /api/v2/conversations/{conversationId}/recordings/{recordingId}, and a
// conversation's recordings as a JSON array of `Recording`, facts from the
// attributes service per recording or per conversation (cached for reads).
// Every configuration has jwt_authn in front and answers from
// `direct_response` routes, so the upstream never limits the figures: what
// differs is only the filter between jwt_authn and the router.

import { join } from 'node:path';

import { fixtures, apiRecording } from '../../tests/envoy/lib/servers.mjs';
import { repoRoot, wasmFilter } from '../../tests/envoy/lib/envoy.mjs';

export const PRINCIPAL = 'qa-1';
/** List pages measured by default (issue #14: 100 / 1,000 / 10,000 entities). */
export const LIST_SIZES = [100, 1000, 10000];

// qa-1 (QA screen viewer for the group support-us) may open the screen recording
// of a-us-1, not the one of a-uk-1 (which recgate hides: 404 not_found, the
// API's answer for a recording one may not see): both decided on facts the
// attributes service gave once and the filter's cache then holds.
const ALLOW_PATH = '/api/v2/conversations/c-1/recordings/rec-us-screen-1';
const DENY_PATH = '/api/v2/conversations/c-2/recordings/rec-uk-screen-1';
const listConversation = (n) => `c-bench-${n}`;
const listPath = (n) => `/api/v2/conversations/${listConversation(n)}/recordings`;

/**
 * The requests measured: what each one is, and the status every
 * configuration must answer (`before`, a second recgate build, answers as
 * recgate does). Native RBAC sees a role and a path, not the recording's
 * owner: it lets the deny scenario's GET through, as no filter does.
 */
export function scenarios(sizes = LIST_SIZES) {
  const all200 = { none: 200, empty: 200, rbac: 200, recgate: 200 };
  return [
    { name: 'allow', method: 'GET', path: ALLOW_PATH, expect: all200, what: 'allow: GET one `Recording` (facts cached), 200, body checked' },
    { name: 'deny', method: 'GET', path: DENY_PATH, expect: { ...all200, recgate: 404 }, what: 'deny: GET a recording of another group (facts cached), 404 `not_found` — hidden, as the API hides it (RBAC and no filter: 200)' },
    ...sizes.map((n) => ({ name: `list-${n}`, entities: n, method: 'GET', path: listPath(n), expect: all200, what: `list: GET a conversation's ${n.toLocaleString('en')} recordings (JSON array of \`Recording\`)` })),
  ];
}

/**
 * The recordings store of the tests, plus one conversation per list size
 * whose recordings cycle the fixtures' attributes (owner, queue, media…),
 * each copy with its own id: some are the principal's to see and the rest
 * are not. The attributes service answers from the same data.
 */
export function benchData(sizes = LIST_SIZES) {
  const data = fixtures();
  const base = [...data.recordings];
  for (const n of sizes) {
    for (let i = 0; i < n; i += 1) {
      const r = base[i % base.length];
      data.recordings.push({ ...r, id: `${r.id}-${n}-${i}`, conversationId: listConversation(n), related: undefined });
    }
  }
  return data;
}

/** The list page of size `n` as the API returns it: a JSON array of `Recording`. */
export function listBody(data, n) {
  return JSON.stringify(data.recordings.filter((r) => r.conversationId === listConversation(n)).map((r) => apiRecording(r, data)));
}

/**
 * What recgate must leave of page `n` for PRINCIPAL, read from the policy
 * rather than from the filter: qa-1's recording grants (qa-screen-viewer:
 * recording and screen recording view) are scoped to the group support-us,
 * so exactly the recordings owned by its members remain.
 */
export function expectedVisible(policy, data, n) {
  const members = new Set(policy.groups['support-us'].members);
  return data.recordings.filter((r) => r.conversationId === listConversation(n) && members.has(r.owner)).map((r) => r.id);
}

/** The single recording the allow scenario opens, as the API returns it. */
export function allowedRecording(data) {
  return apiRecording(data.recordings.find((r) => r.id === 'rec-us-screen-1'), data);
}

const json = [{ header: { key: 'content-type', value: 'application/json' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }];

/** Routes that answer themselves: HTTP filters still run before the router. */
export function routeConfig(data, sizes = LIST_SIZES) {
  const one = (id) => JSON.stringify(apiRecording(data.recordings.find((r) => r.id === id), data));
  const lists = sizes.map((n) => ({ path: listPath(n), body: listBody(data, n) }));
  const largest = Math.max(0, ...lists.map((l) => Buffer.byteLength(l.body)));
  return {
    // The default cap on a direct response body is 4 KiB.
    max_direct_response_body_size_bytes: largest + 1024,
    virtual_hosts: [{
      name: 'api',
      domains: ['*'],
      routes: [
        { match: { path: ALLOW_PATH }, direct_response: { status: 200, body: { inline_string: one('rec-us-screen-1') } }, response_headers_to_add: json },
        { match: { path: DENY_PATH }, direct_response: { status: 200, body: { inline_string: one('rec-uk-screen-1') } }, response_headers_to_add: json },
        ...lists.map((l) => ({ match: { path: l.path }, direct_response: { status: 200, body: { inline_string: l.body } }, response_headers_to_add: json })),
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

/**
 * recgate's plugin configuration: the sample policy inline, the default
 * (real API) routes, facts cached for the whole run, decision log off;
 * limits raised so the 10,000-entity page (~4 MB) and its facts are read.
 */
export function recgatePlugin(policy) {
  // RECGATE_BENCH_PLUGIN='{"decisionMetadata":{"filterState":false}}' measures a configuration variant.
  const extra = process.env.RECGATE_BENCH_PLUGIN ? JSON.parse(process.env.RECGATE_BENCH_PLUGIN) : {};
  return {
    policy,
    attributes: { cluster: 'recgate_attributes', cacheTtlSeconds: 3600, maxBytes: 16 << 20 },
    listFilter: { maxBodyBytes: 16 << 20 },
    decisionLog: false,
    ...extra,
  };
}

/** The probe filter of bench/edge/hostcalls/ (built separately; see README.md). */
export const PROBE = join(repoRoot, 'target', 'edge-hostcalls', 'wasm32-wasip1', 'release', 'recgate_edge_hostcalls.wasm');

/** recgate built with the `hostcall-census` feature (see README.md): host calls per request by kind. */
export const CENSUS = join(repoRoot, 'target', 'edge-census', 'wasm32-wasip1', 'release', 'recgate_proxy.wasm');

/** The probe as an HTTP filter; `config` is `<op> <n>` (`none 0`: an empty Rust proxy-wasm filter). */
export const probeFilter = (config) => wasmFilter('probe', PROBE, config);
