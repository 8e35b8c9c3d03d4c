// Envoy configuration for the filter's decisions in Envoy's own
// observability, as docs/envoy-filter.md gives it to operators: a file
// access log reading each field as filter state and as dynamic metadata,
// the header_to_metadata filter that turns the filter's carrier headers
// into dynamic metadata (and removes them), and the stats_tags that give
// the filter's stats Prometheus labels.

import { readFileSync, existsSync } from 'node:fs';

/** The decision fields the filter writes (wasm-proxy/src/metadata.rs). */
export const FIELDS = ['decision_id', 'reason', 'principal', 'actor', 'revision', 'permission'];

/** A file access log at `path`, one JSON object per request. */
export const accessLogTo = (path) => [{
  name: 'envoy.access_loggers.file',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
    path,
    log_format: {
      json_format: {
        status: '%RESPONSE_CODE%',
        path: '%REQ(:PATH)%',
        leaked: '%RESP(x-recgate-meta-reason)%',
        ...Object.fromEntries(FIELDS.map((f) => [`fs_${f}`, `%FILTER_STATE(wasm.recgate.${f}:PLAIN)%`])),
        ...Object.fromEntries(FIELDS.map((f) => [`dm_${f}`, `%DYNAMIC_METADATA(recgate:${f})%`])),
      },
    },
  },
}];

/**
 * Envoy's header_to_metadata filter, placed before recgate (so that it sees
 * responses after recgate): each `x-recgate-meta-<field>` response header
 * becomes dynamic metadata `recgate:<field>` and is removed.
 */
export const decisionMetadataFilter = () => ({
  name: 'envoy.filters.http.header_to_metadata',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.header_to_metadata.v3.Config',
    response_rules: FIELDS.map((f) => ({
      header: `x-recgate-meta-${f.replace(/_/g, '-')}`,
      on_header_present: { metadata_namespace: 'recgate', key: f, type: 'STRING' },
      remove: true,
    })),
  },
});

/** Labels for the filter's stats on /stats/prometheus (Envoy prefixes Wasm stats with `wasmcustom.`). */
export const recgateStatsTags = [
  { tag_name: 'outcome', regex: '^wasmcustom\\.recgate\\.decisions\\.((allow|deny|shadow_deny)\\.)' },
  { tag_name: 'reason', regex: '^wasmcustom\\.recgate\\.decisions\\.(?:allow|deny|shadow_deny)\\.((\\w+)\\.)' },
  { tag_name: 'route', regex: '^wasmcustom\\.recgate\\.decisions\\.(?:allow|deny|shadow_deny)\\.\\w+\\.((\\w+))$' },
  { tag_name: 'reason', regex: '^wasmcustom\\.recgate\\.policy\\.reload_failures\\.((\\w+))$' },
  { tag_name: 'revision', regex: '^wasmcustom\\.recgate\\.policy\\.active\\.((\\w+)\\.)' },
  { tag_name: 'hash', regex: '^wasmcustom\\.recgate\\.policy\\.active\\.\\w+\\.((\\w+))$' },
];

/** The access log's lines once it has at least `n` (Envoy flushes about once a second). */
export async function readAccessLog(path, n, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length >= n || Date.now() > deadline) return lines.map((l) => JSON.parse(l));
    await new Promise((r) => setTimeout(r, 200));
  }
}
