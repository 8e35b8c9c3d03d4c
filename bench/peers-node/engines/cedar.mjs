// The Cedar engine of the peer benchmark (@cedar-policy/cedar-wasm, Node build). The org is
// translated to Cedar once, natively, by bench/peers's `cedar-export` (encoding:
// bench/peers/CEDAR.md): ORG_DIR/cedar/policies.cedar and ORG_DIR/cedar/entities.json. load()
// preparses the policy set into cedar-wasm's cache and indexes the entities; check() turns the
// request's recording into a Cedar entity, cuts the slice of org entities the decision can
// read (principal, owner, participants, queue and their ancestors; only the principal with its
// attributes) and calls statefulIsAuthorized — the preparsed set and per-request slices of
// issue #6.
// visible() is left out: at ~ms per decision, 100,000 rows take minutes per principal.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { packageVersion } from '../lib/versions.mjs';

const version = packageVersion('@cedar-policy/cedar-wasm');
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const exporter = process.env.CEDAR_EXPORT ?? join(repoRoot, 'bench', 'peers', 'target', 'release', 'cedar-export');

const key = (type, id) => `${type}::${id}`;

// recgate refuses requests with unknown fields (invalid_request): a misspelt `actor` must not
// turn an impersonated call into a direct one. The translation reads requests the same way.
const REQUEST_FIELDS = new Set(['principal', 'actor', 'permission', 'resource', 'now']);
const RECORDING_FIELDS = new Set(['type', 'id', 'conversationId', 'media', 'direction', 'owner', 'participants', 'queue',
  'divisions', 'region', 'line', 'createdAt', 'retentionDays', 'legalHold', 'sensitive', 'live', 'related']);
const onlyFields = (obj, allowed) => Object.keys(obj).every((k) => allowed.has(k));

/** ORG_DIR/cedar/*, exported again when missing or older than policy.json. */
function ensureExported(orgDir) {
  const out = join(orgDir, 'cedar');
  const policies = join(out, 'policies.cedar');
  const entities = join(out, 'entities.json');
  const stale = (f) => !existsSync(f) || statSync(f).mtimeMs < statSync(join(orgDir, 'policy.json')).mtimeMs;
  if (stale(policies) || stale(entities)) {
    if (!existsSync(exporter)) {
      throw new Error(`cedar engine: ${exporter} is missing; build it: cargo build --release --manifest-path bench/peers/Cargo.toml`);
    }
    execFileSync(exporter, [orgDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return { policies, entities };
}

/** Epoch milliseconds of an RFC 3339 time, or NaN. */
const parseTime = (s) => (typeof s === 'string' ? Date.parse(s) : NaN);

/** The recording as a Cedar entity, defaults filled as in bench/peers/src/requests.rs. */
function recordingEntity(rec, homeRegion) {
  const attrs = {};
  if (rec.media !== undefined) attrs.media = rec.media;
  if (rec.direction !== undefined) attrs.direction = rec.direction;
  if (rec.owner !== undefined) attrs.owner = { __entity: { type: 'User', id: rec.owner } };
  attrs.participants = (rec.participants ?? []).map((p) => ({ __entity: { type: 'User', id: p } }));
  if (rec.queue !== undefined) attrs.queue = { __entity: { type: 'Queue', id: rec.queue } };
  attrs.divisions = rec.divisions ?? ['home'];
  attrs.region = rec.region ?? homeRegion;
  if (rec.line !== undefined) attrs.line = rec.line;
  if (rec.createdAt !== undefined) attrs.createdAt = parseTime(rec.createdAt);
  if (rec.retentionDays !== undefined) attrs.retentionDays = rec.retentionDays;
  attrs.legalHold = rec.legalHold ?? false;
  attrs.sensitive = rec.sensitive ?? false;
  attrs.live = rec.live ?? false;
  return { uid: { type: 'Recording', id: rec.id }, attrs, parents: [] };
}

export default {
  name: `Cedar (@cedar-policy/cedar-wasm ${version})`,
  async load(orgDir) {
    const files = ensureExported(orgDir);
    const policy = JSON.parse(readFileSync(join(orgDir, 'policy.json'), 'utf8'));
    const psetId = resolve(orgDir);
    const parsed = cedar.preparsePolicySet(psetId, { staticPolicies: readFileSync(files.policies, 'utf8') });
    if (parsed.type !== 'success') {
      throw new Error(`cedar engine: policy set rejected: ${parsed.errors.map((e) => e.message).join('; ')}`);
    }
    // Policies on recordings read the principal's attributes only; every other slice entity is
    // reached by == or `in`, so it is passed bare (uid and parents): Cedar parses every
    // attribute it is given, and a queue's member list is most of a slice's bytes.
    const byKey = new Map();
    const bare = new Map();
    for (const e of JSON.parse(readFileSync(files.entities, 'utf8'))) {
      const k = key(e.uid.type, e.uid.id);
      byKey.set(k, e);
      bare.set(k, { uid: e.uid, attrs: {}, parents: e.parents });
    }
    return { psetId, byKey, bare, homeRegion: policy.settings?.homeRegion ?? 'us-east-1' };
  },
  check(state, request) {
    if (request.actor !== undefined && request.actor !== request.principal) {
      throw new Error('cedar engine: impersonation is not encoded (see bench/peers/CEDAR.md)');
    }
    const rec = request.resource;
    if (rec?.type !== 'recording') {
      throw new Error(`cedar engine: only recording requests are translated, not ${rec?.type}`);
    }
    if (!onlyFields(request, REQUEST_FIELDS) || !onlyFields(rec, RECORDING_FIELDS)) return false;
    const now = parseTime(request.now);
    // recgate refuses a request whose times it cannot read (invalid_request).
    if (Number.isNaN(now) || typeof rec.id !== 'string' || (rec.createdAt !== undefined && Number.isNaN(parseTime(rec.createdAt)))) return false;
    // The slice: these entities and all their ancestors.
    const entities = [recordingEntity(rec, state.homeRegion)];
    const seen = new Set();
    const principalKey = key('User', request.principal);
    const stack = [principalKey];
    if (rec.owner !== undefined) stack.push(key('User', rec.owner));
    for (const p of rec.participants ?? []) stack.push(key('User', p));
    if (rec.queue !== undefined) stack.push(key('Queue', rec.queue));
    while (stack.length) {
      const k = stack.pop();
      if (seen.has(k)) continue;
      seen.add(k);
      const e = (k === principalKey ? state.byKey : state.bare).get(k);
      if (!e) continue;
      entities.push(e);
      for (const p of e.parents) stack.push(key(p.type, p.id));
    }
    const answer = cedar.statefulIsAuthorized({
      principal: { type: 'User', id: request.principal },
      action: { type: 'Action', id: request.permission },
      resource: { type: 'Recording', id: rec.id },
      context: { now },
      preparsedPolicySetId: state.psetId,
      entities,
    });
    if (answer.type !== 'success') {
      throw new Error(`cedar engine: ${answer.errors.map((e) => e.message).join('; ')}`);
    }
    return answer.response.decision === 'allow';
  },
  visible: null,
};
