// The typed API of the recgate npm package over the wasm-bindgen glue.
//
// Nothing here decides anything: every answer comes from the Rust core
// (recgate-core) through the `WasmGate` export. This file converts values
// between JavaScript and the core's wire formats, and keeps the per-call
// overhead small enough for list filtering (`encodeRows`) and for hot
// `check()` loops (results come back as a few integers in a shared buffer).

export const STRIDE = 13; // u32 columns per row: keep in sync with wasm-web/src/rows.rs
const NONE = 0xffffffff;
const VALID = 1;
const LEGAL_HOLD = 2;
const SENSITIVE = 4;
const LIVE = 8;
const HAS_RETENTION = 16;

// Result bits of WasmGate.check (wasm-web/src/lib.rs).
const ALLOW = 1;
const REDACT = 2;
const FULL = 4;
const NO_ID = 8;
const RETRY = 16;
const REASON_SHIFT = 8;

// The request words of WasmGate.check_words (wasm-web/src/request.rs).
const REQ_WORDS = 256;
const REQ_ROW = 9;
const REQ_LISTS = REQ_ROW + STRIDE;
const KINDS = new Map([['recording', 0], ['queue', 1], ['user', 2], ['role', 3], ['schedule', 4], ['report', 5]]);

const VISIBILITY = ['hidden', 'metadata', 'media'];

/** The SPEC §2 attributes of a recording. */
const RECORDING_FIELDS = [
  'id', 'conversationId', 'media', 'direction', 'owner', 'participants', 'queue',
  'divisions', 'region', 'line', 'createdAt', 'retentionDays', 'legalHold',
  'sensitive', 'live', 'related',
];

/**
 * The attributes a visibility decision reads: all but `id`, `conversationId`
 * and `related` (which only names what a delete cascades to).
 */
const VISIBILITY_FIELDS = RECORDING_FIELDS.filter((k) => k !== 'id' && k !== 'conversationId' && k !== 'related');

const ENCODER = new TextEncoder();
// Strings a gate keeps numbered between visible() calls; past this many, it
// starts a new table (memory stays bounded, a few MB, when every list brings
// new strings; a 100,000-row list with a distinct createdAt per row fits).
const ROW_STRINGS_MAX = 1 << 17;
const TEXT_BYTES = 8192; // WasmGate's request string-table buffer (wasm-web/src/lib.rs TEXT)
const ENDS = 256; // its string ends (wasm-web/src/lib.rs ENDS)

const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * The 16 bytes of `u8` from `at` as 32 lowercase hex digits, made as one flat
 * string: half the time of concatenating 16 two-digit strings, which builds
 * a chain of 15 intermediate strings per decision.
 */
function hexId(u8, at) {
  const d = HEX_DIGITS;
  const hi = (i) => d[u8[at + i] >>> 4];
  const lo = (i) => d[u8[at + i] & 15];
  return String.fromCharCode(
    hi(0), lo(0), hi(1), lo(1), hi(2), lo(2), hi(3), lo(3), hi(4), lo(4), hi(5), lo(5), hi(6), lo(6), hi(7), lo(7),
    hi(8), lo(8), hi(9), lo(9), hi(10), lo(10), hi(11), lo(11), hi(12), lo(12), hi(13), lo(13), hi(14), lo(14), hi(15), lo(15),
  );
}

/** @type {any} the initialised wasm-bindgen glue module */
let glue = null;
/** @type {string[]} reason codes by index */
let reasonCodes = [];
/** @type {WebAssembly.Memory | null} the module's memory */
let memory = null;

/** Binds the API to an initialised glue module (called by index.js / bundler.js). */
export function bind(g) {
  reasonCodes = JSON.parse(g.reasons());
  memory = g.wasm_memory();
  glue = g;
}

/** Whether the wasm module is ready. */
export function isReady() {
  return glue !== null;
}

function needGlue() {
  if (glue === null) {
    throw new Error('recgate: the WebAssembly module is not initialised yet — `await init()` (or `await ready()`) first, or `initSync(bytes)`');
  }
  return glue;
}

/** A policy document was refused; `errors` lists every problem with its JSON pointer. */
export class PolicyError extends Error {
  /** @param {{path: string, message: string}[]} errors */
  constructor(errors) {
    const lines = errors.map((e) => `  ${e.path === '' ? '(document)' : e.path}: ${e.message}`);
    super(`invalid policy (${errors.length} problem${errors.length === 1 ? '' : 's'})\n${lines.join('\n')}`);
    this.name = 'PolicyError';
    /** @type {{path: string, message: string}[]} */
    this.errors = errors;
  }
}

/**
 * Refuses what JSON cannot carry exactly: a value with toJSON (a Date), a
 * number that is not finite, a function or symbol, `undefined` in an array.
 * JSON.stringify would quietly turn these into other values (an invalid Date
 * into null: "never expires"); here they make the input unreadable instead.
 */
function strictReplacer(key, value) {
  const original = this[key];
  if (typeof original === 'object' && original !== null && typeof original.toJSON === 'function') throw new TypeError('not a JSON value');
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('not a JSON number');
      return value;
    case 'function':
    case 'symbol':
      throw new TypeError('not a JSON value');
    case 'undefined':
      if (Array.isArray(this)) throw new TypeError('undefined in an array');
      return value;
    default:
      return value;
  }
}

/** JSON text of a request or recording; '' (unreadable: invalid_request) when it is not JSON data. */
function jsonText(value) {
  try {
    const text = JSON.stringify(value, strictReplacer);
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}

/** The RFC 3339 text of `now`; '' (undecidable: deny) when it is not a string or a valid Date. */
function nowText(now) {
  if (now === undefined) return new Date().toISOString();
  if (typeof now === 'string') return now;
  if (now instanceof Date) {
    return Number.isNaN(now.getTime()) ? '' : now.toISOString();
  }
  return '';
}

function principalText(p) {
  // Policy ids are never empty: a principal that is not a string is unknown.
  return typeof p === 'string' ? p : '';
}

/** A recording's attributes `fields` only, as JSON ('' when it is not an object). */
function recordingText(rec, fields = RECORDING_FIELDS) {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return '';
  const picked = fields === RECORDING_FIELDS ? {} : { id: '' };
  for (const k of fields) {
    if (rec[k] !== undefined) picked[k] = rec[k];
  }
  return jsonText(picked);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is valid Unicode (no lone surrogate): only then can it cross as UTF-8 unchanged. */
const wellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

function isStringArray(v) {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') return false;
  }
  return true;
}

/**
 * Distinct strings numbered in order of first use, for the wasm string table
 * they mirror. The index is a null-prototype object in dictionary mode rather
 * than a Map: V8 looks a string key up there two to three times faster (the
 * key is internalised once, then compared by identity). A table can outlive
 * its batch: `pending()` is what the wasm side does not hold yet.
 */
class StringTable {
  constructor() {
    this.reset();
  }

  /** Forgets every string (the wasm table must start again too). */
  reset() {
    // V8 makes null-prototype objects in dictionary mode from the start: no
    // chain of hidden classes as keys are added.
    this.index = Object.create(null);
    this.strings = [];
    this.sent = 0; // how many of `strings` the wasm table holds
    this.nul = false; // some string not yet sent contains NUL: send them as JSON
    this.bad = null; // Set of the numbers of strings that are not valid Unicode
  }

  id(s) {
    const i = this.index[s];
    return i === undefined ? this.add(s) : i;
  }

  add(s) {
    const i = this.strings.length;
    this.index[s] = i;
    if (wellFormed(s)) {
      this.strings.push(s);
      if (s.indexOf('\0') !== -1) this.nul = true;
    } else {
      // The core's JSON reader refuses such a string: a row using it is unreadable.
      (this.bad ??= new Set()).add(i);
      this.strings.push('');
    }
    return i;
  }

  /** The strings the wasm table does not hold yet: `{ base, table, count, tableIsJson }`. */
  pending() {
    const fresh = this.sent === 0 ? this.strings : this.strings.slice(this.sent);
    return {
      base: this.sent,
      table: this.nul ? JSON.stringify(fresh) : fresh.join('\0'),
      count: fresh.length,
      tableIsJson: this.nul,
    };
  }

  /** The wasm table now holds every string. */
  markSent() {
    this.sent = this.strings.length;
    this.nul = false;
  }
}

/** A growable Uint32Array. */
class U32List {
  constructor(capacity) {
    this.a = new Uint32Array(capacity);
    this.n = 0;
  }

  reserve(k) {
    if (this.n + k > this.a.length) {
      const bigger = new Uint32Array(Math.max(this.a.length * 2, this.n + k));
      bigger.set(this.a);
      this.a = bigger;
    }
  }
}

function usesBad(bad, cols, o, lists, from, to) {
  for (let c = 1; c <= 7; c++) if (bad.has(cols[o + c])) return true;
  for (let i = from; i < to; i++) if (bad.has(lists[i])) return true;
  return false;
}

/**
 * Writes the attributes every visibility decision reads (VISIBILITY_FIELDS)
 * into `cols`, all STRIDE words of every row (see wasm-web/src/rows.rs), and
 * the items of `divisions` and `participants` into `lists`. Each value's JSON
 * type is checked as the core's Recording deserializer checks it; a row that
 * fails is written not VALID and the core hides it. Other properties are not
 * read. `table` numbers the strings (it may hold strings of earlier calls);
 * `lists` is emptied first (it may be reused from call to call).
 */
export function encodeRows(rows, cols = new Uint32Array(rows.length * STRIDE), table = new StringTable(), lists = new U32List(rows.length * 2 + 16)) {
  const n = rows.length;
  lists.n = 0;
  let la = lists.a;
  let ln = 0;
  // Same-as-previous shortcuts: list rows repeat media, directions, regions,
  // queues, timestamps and divisions, and a participant is usually the owner.
  let lastMedia = null, lastMediaIx = 0, lastDir = null, lastDirIx = 0;
  let lastRegion = null, lastRegionIx = 0, lastQueue = null, lastQueueIx = 0;
  let lastCreated = null, lastCreatedIx = 0, lastDiv = null, lastDivIx = 0;
  let lastPart = null, lastPartIx = 0;
  for (let r = 0; r < n; r++) {
    const rec = rows[r];
    const o = r * STRIDE;
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      cols[o] = 0; // not VALID: the other words are never read
      continue;
    }
    const listsFrom = ln;
    let ok = true;
    let flags = VALID;
    let v = rec.media;
    if (v == null) cols[o + 1] = NONE;
    else if (v === lastMedia) cols[o + 1] = lastMediaIx;
    else if (typeof v === 'string') { lastMedia = v; cols[o + 1] = lastMediaIx = table.id(v); }
    else ok = false;
    v = rec.direction;
    if (v == null) cols[o + 2] = NONE;
    else if (v === lastDir) cols[o + 2] = lastDirIx;
    else if (typeof v === 'string') { lastDir = v; cols[o + 2] = lastDirIx = table.id(v); }
    else ok = false;
    const owner = rec.owner;
    let ownerIx = NONE;
    if (typeof owner === 'string') ownerIx = table.id(owner);
    else if (owner != null) ok = false;
    cols[o + 3] = ownerIx;
    v = rec.queue;
    if (v == null) cols[o + 4] = NONE;
    else if (v === lastQueue) cols[o + 4] = lastQueueIx;
    else if (typeof v === 'string') { lastQueue = v; cols[o + 4] = lastQueueIx = table.id(v); }
    else ok = false;
    v = rec.region;
    if (v == null) cols[o + 5] = NONE;
    else if (v === lastRegion) cols[o + 5] = lastRegionIx;
    else if (typeof v === 'string') { lastRegion = v; cols[o + 5] = lastRegionIx = table.id(v); }
    else ok = false;
    v = rec.line;
    if (v == null) cols[o + 6] = NONE;
    else if (typeof v === 'string') cols[o + 6] = table.id(v);
    else ok = false;
    v = rec.createdAt;
    if (v == null) cols[o + 7] = NONE;
    else if (v === lastCreated) cols[o + 7] = lastCreatedIx;
    else if (typeof v === 'string') { lastCreated = v; cols[o + 7] = lastCreatedIx = table.id(v); }
    else ok = false;
    v = rec.retentionDays;
    if (v == null) cols[o + 8] = 0;
    else if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
      cols[o + 8] = v;
      flags |= HAS_RETENTION;
    } else ok = false;
    // divisions: absent or null is NONE (the default, ["home"]).
    v = rec.divisions;
    cols[o + 9] = ln;
    if (v == null) cols[o + 10] = NONE;
    else if (Array.isArray(v)) {
      const len = v.length;
      if (ln + len > la.length) { lists.n = ln; lists.reserve(len); la = lists.a; }
      cols[o + 10] = len;
      for (let i = 0; i < len; i++) {
        const item = v[i];
        if (typeof item !== 'string') { ok = false; break; }
        la[ln++] = item === lastDiv ? lastDivIx : (lastDivIx = table.id(lastDiv = item));
      }
    } else ok = false;
    // participants: absent is empty; null is not a list.
    v = rec.participants;
    cols[o + 11] = ln;
    if (v === undefined) cols[o + 12] = 0;
    else if (Array.isArray(v)) {
      const len = v.length;
      if (ln + len > la.length) { lists.n = ln; lists.reserve(len); la = lists.a; }
      cols[o + 12] = len;
      for (let i = 0; i < len; i++) {
        const item = v[i];
        if (typeof item !== 'string') { ok = false; break; }
        la[ln++] = item === owner ? ownerIx : item === lastPart ? lastPartIx : (lastPartIx = table.id(lastPart = item));
      }
    } else ok = false;
    v = rec.legalHold;
    if (v === true) flags |= LEGAL_HOLD; else if (v !== undefined && v !== false) ok = false;
    v = rec.sensitive;
    if (v === true) flags |= SENSITIVE; else if (v !== undefined && v !== false) ok = false;
    v = rec.live;
    if (v === true) flags |= LIVE; else if (v !== undefined && v !== false) ok = false;
    if (ok && table.bad !== null && usesBad(table.bad, cols, o, la, listsFrom, ln)) ok = false;
    cols[o] = ok ? flags : 0;
  }
  lists.n = ln;
  return {
    rows: n,
    ...table.pending(),
    cols,
    lists: la.subarray(0, ln),
  };
}

/**
 * The string table of one request, written as UTF-8 straight into the gate's
 * text buffer, back to back, with where each ends in its ends buffer. `ok`
 * turns false when a string cannot go this way (not valid Unicode, no room):
 * the request is then decided from its JSON.
 */
class TextSink {
  constructor() {
    this.bytes = null;
    this.pos = 0;
    this.count = 0;
    this.ok = true;
  }

  reset(bytes, ends, endsAt) {
    this.bytes = bytes;
    this.ends = ends;
    this.endsAt = endsAt;
    this.pos = 0;
    this.count = 0;
    this.ok = true;
  }

  /** Appends `s`; returns its number. */
  add(s) {
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
    return this.count++;
  }
}

function isPlain(o) {
  if (o === null || typeof o !== 'object') return false;
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

/**
 * Writes a request of the usual shape into the request words `w` (from
 * word `at`) and its strings into `sink`, for WasmGate.check_words. Returns
 * false when the request is not of that shape — an annotation, an unknown
 * field, a value of the wrong JSON type, a value JSON would convert (see
 * strictReplacer) — and must be decided from its JSON instead, which is the
 * core's reference reading.
 */
function encodeRequest(req, w, at, sink) {
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
  w[at] = sink.add(principal);
  if (actor == null) w[at + 1] = NONE;
  else if (typeof actor === 'string') w[at + 1] = sink.add(actor);
  else return false;
  w[at + 2] = sink.add(permission);
  w[at + 3] = sink.add(now);
  if (!isPlain(resource)) return false;
  const kind = KINDS.get(resource.type);
  if (kind === undefined) return false;
  w[at + 4] = kind;
  w[at + 5] = NONE;
  w[at + 6] = NONE;
  w[at + 7] = 0;
  w[at + 8] = 0;
  if (kind === 0) return encodeRecording(resource, w, at, sink);
  if (kind === 5) {
    for (const k in resource) {
      const v = resource[k];
      if (k === 'type') continue;
      if (k !== 'user' && k !== 'queue') return false;
      if (v == null) continue;
      if (typeof v !== 'string') return false;
      w[at + (k === 'user' ? 5 : 6)] = sink.add(v);
    }
    return true;
  }
  for (const k in resource) {
    if (k !== 'type' && k !== 'id') return false;
  }
  if (typeof resource.id !== 'string') return false;
  w[at + 5] = sink.add(resource.id);
  return true;
}

/** The recording part of encodeRequest: the row columns and the list words. */
function encodeRecording(r, w, at, sink) {
  const o = at + REQ_ROW;
  const listBase = at + REQ_LISTS;
  const listEnd = at + REQ_WORDS;
  let ln = 0;
  let flags = VALID;
  for (let c = 1; c < STRIDE; c++) w[o + c] = NONE;
  w[o + 8] = 0;
  w[o + 9] = 0;
  w[o + 11] = 0;
  w[o + 12] = 0;
  for (const k in r) {
    const v = r[k];
    let col = -1;
    switch (k) {
      case 'type': continue;
      case 'id':
        if (typeof v !== 'string') return false;
        w[at + 5] = sink.add(v);
        continue;
      case 'conversationId':
        if (v == null) continue;
        if (typeof v !== 'string') return false;
        w[at + 6] = sink.add(v);
        continue;
      case 'media': col = 1; break;
      case 'direction': col = 2; break;
      case 'owner': col = 3; break;
      case 'queue': col = 4; break;
      case 'region': col = 5; break;
      case 'line': col = 6; break;
      case 'createdAt': col = 7; break;
      case 'retentionDays':
        if (v == null) continue;
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) return false;
        w[o + 8] = v;
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
        const lenAt = k === 'divisions' ? o + 10 : k === 'participants' ? o + 12 : at + 8;
        w[lenAt - 1] = ln;
        w[lenAt] = v.length;
        for (let i = 0; i < v.length; i++) {
          const item = v[i];
          if (typeof item !== 'string') return false;
          w[listBase + ln++] = sink.add(item);
        }
        continue;
      }
      default:
        return false;
    }
    if (v == null) continue;
    if (typeof v !== 'string') return false;
    w[o + col] = sink.add(v);
  }
  if (typeof r.id !== 'string') return false;
  w[o] = flags;
  return true;
}

/**
 * Recordings encoded once for repeated visibility decisions (`gate.prepare`):
 * a snapshot of the rows' attributes when it was made.
 */
export class RecordingSet {
  #g;
  #rows;
  #recordings;

  /** Use `gate.prepare(recordings)`. */
  constructor(g, rows, recordings) {
    this.#g = g;
    this.#rows = rows;
    this.#recordings = recordings;
  }

  /** Number of recordings. */
  get length() {
    return this.#recordings.length;
  }

  /** The recordings, in the order given to `prepare`. */
  get recordings() {
    return this.#recordings;
  }

  /** @internal the wasm rows, for a gate of the same module instance */
  rowsFor(g) {
    if (g !== this.#g) throw new TypeError('recgate: this RecordingSet was prepared by another instance of the module');
    if (this.#rows === null) throw new TypeError('recgate: this RecordingSet was freed');
    return this.#rows;
  }

  /** Releases the wasm memory of this set now rather than at garbage collection. */
  free() {
    this.#rows?.free();
    this.#rows = null;
  }
}

/**
 * A loaded policy — a principal slice in a browser, or a whole organisation
 * on a server — and every question that can be asked of it.
 */
export class Gate {
  #g;
  #memory;
  #w;
  #revision;
  #hash = null;
  #grants = [];
  #u32 = null;
  #u8 = null;
  #outWord = 0;
  #wordsAt = 0;
  #textAt = 0;
  #endsAt = 0;
  #text = null;
  #sink = new TextSink();
  #rowStrings = new StringTable();
  #rowLists = new U32List(1024);

  /** Use `Gate.fromPolicy`. */
  constructor(g, w) {
    this.#g = g;
    this.#memory = memory;
    this.#w = w;
    this.#revision = w.revision();
    this.#outWord = w.out_ptr() >>> 2;
    this.#wordsAt = w.words_ptr() >>> 2;
    this.#textAt = w.text_ptr();
    this.#endsAt = w.ends_ptr() >>> 2;
  }

  /**
   * Validates and compiles a policy document (JSON text or an object): a
   * whole policy or a principal slice. Throws a PolicyError listing every
   * problem with its JSON pointer.
   */
  static fromPolicy(policy, options = {}) {
    const g = needGlue();
    const text = typeof policy === 'string' ? policy : jsonText(policy);
    if (text === '') {
      throw new PolicyError([{ path: '', message: 'the policy is not a JSON document (expected an object or JSON text)' }]);
    }
    const maxBytes = options.maxBytes ?? 0;
    if (!Number.isInteger(maxBytes) || maxBytes < 0 || maxBytes > 0xffffffff) {
      throw new RangeError('recgate: options.maxBytes must be a whole number of bytes');
    }
    let w;
    try {
      w = g.WasmGate.load(text, maxBytes);
    } catch (e) {
      if (typeof e !== 'string') throw e;
      const failure = JSON.parse(e);
      if (failure.fatal) throw new Error(`recgate: ${failure.fatal}`);
      throw new PolicyError(failure.errors);
    }
    return new Gate(g, w);
  }

  /** The policy's `revision`, reported in every decision. */
  get revision() {
    return this.#revision;
  }

  /** SHA-256 of the canonical policy, hex: equal to `recgate hash` for the same policy. */
  get revisionHash() {
    if (this.#hash === null) this.#hash = this.#w.content_hash();
    return this.#hash;
  }

  /**
   * Views of the wasm memory, made again after it grew. Growing detaches the
   * old buffer, which empties every view of it: testing a view's length costs
   * ~1 ns where the `memory.buffer` getter costs ~17 (twice per check()).
   */
  #views() {
    if (this.#u32 === null || this.#u32.length === 0) {
      const buffer = this.#memory.buffer;
      this.#u32 = new Uint32Array(buffer);
      this.#u8 = new Uint8Array(buffer);
      this.#text = new Uint8Array(buffer, this.#textAt, TEXT_BYTES);
    }
  }

  #grant(n) {
    let g = this.#grants[n];
    if (g === undefined) {
      g = JSON.parse(this.#w.grant_json(n));
      this.#grants[n] = g;
    }
    // A fresh object per decision: callers may keep or change what they get.
    return { role: g.role, permission: g.permission, scope: typeof g.scope === 'string' ? g.scope : { ...g.scope } };
  }

  #decision(code) {
    if (code & NO_ID) throw new Error('recgate: no secure random source for a decision id');
    this.#views();
    const at = this.#outWord;
    const u8 = this.#u8;
    const b = (at + 1) << 2;
    const decisionId = hexId(u8, b);
    if (code & FULL) {
      const d = JSON.parse(this.#w.last_json());
      d.decisionId = decisionId;
      return d;
    }
    const n = this.#u32[at];
    return {
      allow: (code & ALLOW) !== 0,
      reason: reasonCodes[code >>> REASON_SHIFT] ?? 'invalid_request',
      revision: this.#revision,
      grant: n === 0 ? null : this.#grant(n),
      obligations: code & REDACT ? [{ type: 'redact' }] : [],
      decisionId,
    };
  }

  /**
   * Decides one request (SPEC §3) — the same decision as `recgate eval`.
   * A malformed request is a decision with reason `invalid_request`, never a throw.
   */
  check(request) {
    return this.#decision(this.#ask(request, true));
  }

  /** Decides `request`: from words when it has the usual shape, else from its JSON. */
  #ask(request, withId) {
    this.#views();
    const sink = this.#sink;
    sink.reset(this.#text, this.#u32, this.#endsAt);
    if (encodeRequest(request, this.#u32, this.#wordsAt, sink) && sink.ok) {
      const code = this.#w.check_words(sink.pos, sink.count, withId);
      if ((code & RETRY) === 0) return code;
    }
    return this.#w.check(jsonText(request), withId);
  }

  /** Decides one request given as JSON text, the exact path of `recgate eval`. */
  checkJson(text) {
    return JSON.parse(this.#w.decide_json(typeof text === 'string' ? text : ''));
  }

  /** Whether `principal` may do `permission` on `resource` (at `now`, default: the current time). */
  can(principal, permission, resource, now) {
    return (this.#ask({ principal, permission, resource, now: nowText(now) }, false) & ALLOW) !== 0;
  }

  /** How a request is decided, step by step: `{decision, steps: [{step, text}], text}`. */
  explain(request) {
    return JSON.parse(this.#w.explain(jsonText(request)));
  }

  /**
   * The query plan for `principal` and a recording permission at `now` (default: the
   * current time): a filter true for exactly the recordings they may be allowed,
   * and the redact filter beside it (docs/query-plans.md).
   */
  plan(principal, permission, now) {
    try {
      return JSON.parse(this.#w.plan(principalText(principal), String(permission), nowText(now)));
    } catch (e) {
      if (typeof e === 'string') throw new RangeError(`recgate: ${e}`);
      throw e;
    }
  }

  /** The lint findings of the policy (SPEC §7). */
  lint() {
    return JSON.parse(this.#w.lint());
  }

  /** The smallest policy that decides everything `principal` asks as this one does (SPEC §5). */
  slice(principal) {
    try {
      return JSON.parse(this.#w.slice(principalText(principal)));
    } catch (e) {
      if (typeof e === 'string') throw new RangeError(`recgate: ${e}`);
      throw e;
    }
  }

  /**
   * The state of every player control for `principal` on `recording`,
   * keyed by control name. The core picks each control's permission from the
   * recording's media.
   */
  controls(principal, recording, now) {
    const list = JSON.parse(this.#w.controls(principalText(principal), recordingText(recording), nowText(now)));
    const out = {};
    for (const c of list) {
      out[c.control] = { allowed: c.allowed, reason: c.reason, permission: c.permission, obligations: c.obligations };
    }
    return out;
  }

  /**
   * Encodes `recordings` into columns in wasm memory, numbering their strings
   * in `strings` (and their list items in `lists`, when given); returns what
   * `visibility` needs besides the columns.
   */
  #encode(recordings, strings, lists) {
    if (!Array.isArray(recordings)) throw new TypeError('recgate: recordings must be an array or a RecordingSet');
    const words = recordings.length * STRIDE;
    // The columns are written straight into wasm memory (no copy); nothing
    // calls into wasm while they are written, so the memory cannot grow under them.
    const at = this.#w.cols_buffer(words);
    return encodeRows(recordings, new Uint32Array(this.#memory.buffer, at, words), strings, lists);
  }

  /**
   * Encodes recordings once for repeated visibility decisions: pass the set
   * to `visible`, `visibility` or `visibilityCodes` of any gate instead of the
   * array. A snapshot: prepare again after the recordings change.
   */
  prepare(recordings) {
    const e = this.#encode(recordings, new StringTable());
    const rows = this.#w.prepare(e.table, e.count, e.tableIsJson, e.lists);
    return new RecordingSet(this.#g, rows, recordings.slice());
  }

  /** One byte per recording: 0 hidden, 1 metadata only, 2 media. */
  visibilityCodes(principal, recordings, now) {
    const p = principalText(principal);
    const t = nowText(now);
    if (recordings instanceof RecordingSet) {
      return this.#w.visibility_of_rows(p, t, recordings.rowsFor(this.#g));
    }
    if (!Array.isArray(recordings)) throw new TypeError('recgate: recordings must be an array or a RecordingSet');
    // Someone who may see no recording at all (whatever the rows hold) needs no encoding.
    if (this.#w.sees_nothing(p, t)) return new Uint8Array(recordings.length);
    // The gate keeps the strings of earlier calls numbered (here and in its
    // wasm table): a string already seen costs one lookup and never crosses again.
    const strings = this.#rowStrings;
    if (strings.strings.length > ROW_STRINGS_MAX) strings.reset();
    for (let attempt = 0; attempt < 2; attempt++) {
      const e = this.#encode(recordings, strings, this.#rowLists);
      const codes = this.#w.visibility(p, t, e.table, e.count, e.tableIsJson, e.base, e.lists);
      if (codes.length === e.rows) {
        strings.markSent();
        return codes;
      }
      // The wasm table did not hold what this one sent before (it emptied
      // itself): number everything again, once.
      strings.reset();
    }
    return new Uint8Array(recordings.length); // every row hidden: fail closed
  }

  /** 'media' | 'metadata' | 'hidden' for each recording, in input order. */
  visibility(principal, recordings, now) {
    const codes = this.visibilityCodes(principal, recordings, now);
    const out = new Array(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = VISIBILITY[codes[i]] ?? 'hidden';
    return out;
  }

  /**
   * The recordings `principal` may see — their media, or their metadata
   * (`recording:metadata:view`) — in input order (the same objects).
   */
  visible(principal, recordings, now) {
    const codes = this.visibilityCodes(principal, recordings, now);
    const rows = recordings instanceof RecordingSet ? recordings.recordings : recordings;
    const out = [];
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] !== 0) out.push(rows[i]);
    }
    return out;
  }

  /**
   * The reference for `visibility()`: one recording's visibility attributes
   * read by the core's JSON deserializer. Slow; for tests and debugging.
   */
  visibilityOf(principal, recording, now) {
    return VISIBILITY[this.#w.visibility_json(principalText(principal), recordingText(recording, VISIBILITY_FIELDS), nowText(now))] ?? 'hidden';
  }

  /** Releases the wasm memory of this gate now rather than at garbage collection. */
  free() {
    this.#w.free();
  }
}
