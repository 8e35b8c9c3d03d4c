// One request as words for `LoadedPolicy.check_words`: the hot path of
// `check()` and `can()`. The request's values go into the gate's request
// words and its new strings into its string table, numbered once and
// mirrored in the wasm (wasm-web/src/request.rs); a request of any other
// shape is decided from its JSON text (request-text.js), the core's own
// reading.

import { KEY_IGNORED, knownNearMiss, knownRecordingKey, skippable, wellFormed } from './members.js';
import { isPlain } from './request-text.js';

// The bound module's layout: see binding.js.
let STRIDE = 0, NONE = 0, VALID = 0, LEGAL_HOLD = 0, SENSITIVE = 0, LIVE = 0, HAS_RETENTION = 0, C_MEDIA = 0;
let C_DIRECTION = 0, C_OWNER = 0, C_QUEUE = 0, C_REGION = 0, C_LINE = 0, C_CREATED_AT = 0, C_RETENTION = 0;
let C_DIVISIONS_AT = 0, C_DIVISIONS_LEN = 0, C_PARTICIPANTS_AT = 0, C_PARTICIPANTS_LEN = 0, REQ_WORDS = 0;
let REQ_PRINCIPAL = 0, REQ_ACTOR = 0, REQ_PERMISSION = 0, REQ_NOW = 0, REQ_KIND = 0, REQ_ID = 0, REQ_AUX = 0;
let REQ_RELATED_AT = 0, REQ_RELATED_LEN = 0, REQ_ROW = 0, REQ_LISTS = 0, KIND_RECORDING = 0, KIND_REPORT = 0;
let ENDS = 0, KINDS = new Map();

/** Takes the bound module's layout (binding.js). */
export function bindRequestWords(layout) {
  ({ STRIDE, NONE, VALID, LEGAL_HOLD, SENSITIVE, LIVE, HAS_RETENTION, C_MEDIA, C_DIRECTION, C_OWNER, C_QUEUE,
    C_REGION, C_LINE, C_CREATED_AT, C_RETENTION, C_DIVISIONS_AT, C_DIVISIONS_LEN, C_PARTICIPANTS_AT,
    C_PARTICIPANTS_LEN, REQ_WORDS, REQ_PRINCIPAL, REQ_ACTOR, REQ_PERMISSION, REQ_NOW, REQ_KIND, REQ_ID,
    REQ_AUX, REQ_RELATED_AT, REQ_RELATED_LEN, REQ_ROW, REQ_LISTS, KIND_RECORDING, KIND_REPORT, ENDS, KINDS } = layout);
}

const ENCODER = new TextEncoder();

// Distinct strings a gate keeps numbered for check() (here and in its wasm
// request table); past this many it starts both again.
const REQUEST_STRINGS_MAX = 1 << 15;

/**
 * The request strings of a gate, numbered once and mirrored by its wasm
 * request table: a string already sent costs one lookup (a null-prototype
 * dictionary, see StringTable) and never crosses again. A string not sent
 * yet is written as UTF-8 into the gate's text buffer, with where it ends
 * in its ends buffer, and numbered provisionally: `commit()` once the wasm
 * table took the call's new strings, `rollback()` when the call did not
 * happen. `ok` turns false when a string cannot go this way (not valid
 * Unicode, no room): the request is then decided from its JSON.
 */
export class TextSink {
  constructor() {
    this.bytes = null;
    this.pos = 0;
    this.count = 0;
    this.ok = true;
    /**
     * The first member of the request's resource whose kind is not known
     * yet (`[type, name]`, set by encodeRequest when it gives up on one):
     * the gate asks the core about it once the request is decided, so the
     * next request with it stays on words.
     * @type {[string, string] | null}
     */
    this.unknown = null;
    this.forget();
  }

  /** Forgets every string (the wasm table must start again too: base 0). */
  forget() {
    this.index = Object.create(null);
    this.base = 0; // strings the wasm table holds
    this.fresh = []; // this call's new strings, numbered from `base`
  }

  /** Starts a call: this call's new strings go into `bytes`, their ends into `ends` from `endsAt`. */
  reset(bytes, ends, endsAt) {
    if (this.base > REQUEST_STRINGS_MAX) this.forget();
    this.bytes = bytes;
    this.ends = ends;
    this.endsAt = endsAt;
    this.pos = 0;
    this.count = 0;
    this.ok = true;
    this.unknown = null;
  }

  /** The number of `s` in the gate's request table. */
  add(s) {
    const known = this.index[s];
    if (known !== undefined) return known;
    const ix = this.once(s);
    if (this.ok) {
      this.index[s] = ix;
      this.fresh.push(s);
    }
    return ix;
  }

  /**
   * The number of `s` as a new string of this call, whatever was sent
   * before; not looked up, not numbered for later calls. `add` uses it for a
   * string not seen yet; encodeRequest for values that are nearly always
   * new (a recording's `id` and `conversationId`), where numbering would cost
   * a dictionary insertion per call and fill the table with strings asked
   * about once — and for the principal and the recording's owner: among
   * thousands of users, looking one up in a dictionary of thousands of
   * strings misses the caches here, and reading its numbered copy misses
   * them again in the wasm table, while the bytes just written are in cache
   * (check() over 20,000 distinct requests ×0.9).
   */
  once(s) {
    const bytes = this.bytes;
    const n = s.length;
    let pos = this.pos;
    const start = pos;
    if (pos + 3 * n > bytes.length || this.count === ENDS) {
      this.ok = false;
      return 0;
    }
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      bytes[pos++] = c;
    }
    if (i < n) {
      if (!wellFormed(s)) {
        this.ok = false;
        return 0;
      }
      pos = start + ENCODER.encodeInto(s, bytes.subarray(start)).written;
    }
    this.pos = pos;
    this.ends[this.endsAt + this.count] = pos;
    return this.base + this.count++;
  }

  /** The wasm table took this call's new strings. */
  commit() {
    this.base += this.count;
    // Most calls bring no new string: setting an array's length is a call
    // into the runtime (~2 % of a check()), testing it is not.
    if (this.fresh.length !== 0) this.fresh.length = 0;
  }

  /** This call's new strings did not reach the wasm table: unnumber them. */
  rollback() {
    for (const s of this.fresh) delete this.index[s];
    this.fresh.length = 0;
  }
}

/**
 * Writes a request of the usual shape into the request words `w` (from
 * word `at`) and its strings into `sink`, for LoadedPolicy.check_words. Returns
 * false when the request is not of that shape — an annotation, an unknown
 * field, a value of the wrong JSON type, a value JSON would convert (see
 * strictReplacer) — and must be decided from its JSON instead, which is the
 * core's reference reading.
 */
export function encodeRequest(req, w, at, sink) {
  if (!isPlain(req)) return false;
  let principal, actor, permission, resource, now;
  for (const k in req) {
    switch (k) {
      case 'principal': principal = req.principal; break;
      case 'actor': actor = req.actor; break;
      case 'permission': permission = req.permission; break;
      case 'resource': resource = req.resource; break;
      case 'now': now = req.now; break;
      default: return false;
    }
  }
  if (typeof principal !== 'string' || typeof permission !== 'string' || typeof now !== 'string') return false;
  w[at + REQ_PRINCIPAL] = sink.once(principal);
  if (actor == null) w[at + REQ_ACTOR] = NONE;
  else if (typeof actor === 'string') w[at + REQ_ACTOR] = sink.add(actor);
  else return false;
  w[at + REQ_PERMISSION] = sink.add(permission);
  w[at + REQ_NOW] = sink.add(now);
  if (!isPlain(resource)) return false;
  const type = resource.type;
  const kind = KINDS.get(type);
  if (kind === undefined) return false;
  w[at + REQ_KIND] = kind;
  w[at + REQ_ID] = NONE;
  w[at + REQ_AUX] = NONE;
  w[at + REQ_RELATED_AT] = 0;
  w[at + REQ_RELATED_LEN] = 0;
  if (kind === KIND_RECORDING) return encodeRecording(resource, w, at, sink);
  if (kind === KIND_REPORT) {
    for (const k in resource) {
      const v = resource[k];
      if (k === 'type') continue;
      if (k !== 'user' && k !== 'queue') {
        // Another member: skipped as the core skips it, unless a near-miss
        // (or not known yet: decided from the JSON, asked about after).
        const near = knownNearMiss(type, k);
        if (near !== false) {
          if (near === undefined) sink.unknown = [type, k];
          return false;
        }
        if (!skippable(v, k)) return false;
        continue;
      }
      if (v == null) continue;
      if (typeof v !== 'string') return false;
      w[at + (k === 'user' ? REQ_ID : REQ_AUX)] = sink.add(v);
    }
    return true;
  }
  for (const k in resource) {
    if (k === 'type' || k === 'id') continue;
    const near = knownNearMiss(type, k);
    if (near !== false) {
      if (near === undefined) sink.unknown = [type, k];
      return false;
    }
    if (!skippable(resource[k], k)) return false;
  }
  if (typeof resource.id !== 'string') return false;
  w[at + REQ_ID] = sink.add(resource.id);
  return true;
}

/** The recording part of encodeRequest: the row columns and the list words. */
function encodeRecording(r, w, at, sink) {
  const o = at + REQ_ROW;
  const listBase = at + REQ_LISTS;
  const listEnd = at + REQ_WORDS;
  let ln = 0;
  let flags = VALID;
  let owner = null, ownerIx = 0;
  for (let c = 0; c < STRIDE; c++) w[o + c] = NONE;
  w[o + C_RETENTION] = 0;
  w[o + C_DIVISIONS_AT] = 0;
  w[o + C_PARTICIPANTS_AT] = 0;
  w[o + C_PARTICIPANTS_LEN] = 0;
  for (const k in r) {
    const v = r[k];
    let col = -1;
    switch (k) {
      case 'type': continue;
      case 'id':
        if (typeof v !== 'string') return false;
        w[at + REQ_ID] = sink.once(v);
        continue;
      case 'conversationId':
        if (v == null) continue;
        if (typeof v !== 'string') return false;
        w[at + REQ_AUX] = sink.once(v);
        continue;
      case 'media': col = C_MEDIA; break;
      case 'direction': col = C_DIRECTION; break;
      case 'owner':
        if (v == null) continue;
        if (typeof v !== 'string') return false;
        owner = v;
        w[o + C_OWNER] = ownerIx = sink.once(v);
        continue;
      case 'queue': col = C_QUEUE; break;
      case 'region': col = C_REGION; break;
      case 'line': col = C_LINE; break;
      case 'createdAt': col = C_CREATED_AT; break;
      case 'retentionDays':
        if (v == null) continue;
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) return false;
        w[o + C_RETENTION] = v;
        flags |= HAS_RETENTION;
        continue;
      case 'legalHold': case 'sensitive': case 'live':
        if (v === undefined || v === false) continue;
        if (v !== true) return false;
        flags |= k === 'legalHold' ? LEGAL_HOLD : k === 'sensitive' ? SENSITIVE : LIVE;
        continue;
      case 'divisions': case 'participants': case 'related': {
        if (v === undefined || (v === null && k === 'divisions')) continue;
        if (!Array.isArray(v) || listBase + ln + v.length > listEnd) return false;
        const lenAt = k === 'divisions' ? o + C_DIVISIONS_LEN : k === 'participants' ? o + C_PARTICIPANTS_LEN : at + REQ_RELATED_LEN;
        const fromAt = k === 'divisions' ? o + C_DIVISIONS_AT : k === 'participants' ? o + C_PARTICIPANTS_AT : at + REQ_RELATED_AT;
        w[fromAt] = ln;
        w[lenAt] = v.length;
        for (let i = 0; i < v.length; i++) {
          const item = v[i];
          if (typeof item !== 'string') return false;
          w[listBase + ln++] = item === owner ? ownerIx : sink.add(item);
        }
        continue;
      }
      default: {
        // A member recgate does not read: skipped, as the core skips it —
        // unless it is a near-miss of an attribute, which the core refuses
        // (or not known yet: decided from the JSON, asked about after).
        const c = knownRecordingKey(k);
        if (c !== KEY_IGNORED) {
          if (c === undefined) sink.unknown = ['recording', k];
          return false;
        }
        if (!skippable(v, k)) return false;
        continue;
      }
    }
    if (v == null) continue;
    if (typeof v !== 'string') return false;
    w[o + col] = sink.add(v);
  }
  if (typeof r.id !== 'string') return false;
  w[o] = flags;
  return true;
}
