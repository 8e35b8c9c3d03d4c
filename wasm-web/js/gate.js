// The typed API of the recgate npm package over the wasm-bindgen glue.
//
// Nothing here decides anything: every answer comes from the Rust core
// (recgate-core) through the `WasmGate` export. This file converts values
// between JavaScript and the core's wire formats, and keeps the per-call
// overhead small enough for list filtering (`encodeRows`) and for hot
// `check()` loops (results come back as a few integers in a shared buffer).

const STRIDE = 13; // u32 columns per row: keep in sync with wasm-web/src/rows.rs
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
const REASON_SHIFT = 8;

const VISIBILITY = ['hidden', 'metadata', 'media'];

/** The SPEC §2 attributes of a recording, in the order the core reads them. */
const RECORDING_FIELDS = [
  'id', 'conversationId', 'media', 'direction', 'owner', 'participants', 'queue',
  'divisions', 'region', 'line', 'createdAt', 'retentionDays', 'legalHold',
  'sensitive', 'live', 'related',
];

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

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

/** A recording's SPEC §2 attributes only, as JSON ('' when it is not an object). */
function recordingText(rec) {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return '';
  const picked = {};
  for (const k of RECORDING_FIELDS) {
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
 * Writes the attributes every visibility decision reads into columns (see
 * wasm-web/src/rows.rs). Each value's JSON type is checked as the core's
 * Recording deserializer checks it; a row that fails is marked not VALID and
 * the core hides it. Properties outside SPEC §2 are not read.
 */
export function encodeRows(rows) {
  const n = rows.length;
  const cols = new Uint32Array(n * STRIDE);
  let lists = new Uint32Array(n * 2 + 16);
  let ln = 0;
  const index = new Map();
  const strings = [];
  let nul = false;
  // Strings that are not valid Unicode: the core's JSON reader refuses them,
  // so a row using one is not readable.
  const bad = new Set();
  let badUses = 0;
  const str = (s) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      index.set(s, i);
      if (!wellFormed(s)) {
        bad.add(i);
        strings.push('');
      } else {
        strings.push(s);
        if (s.indexOf('\0') !== -1) nul = true;
      }
    }
    if (bad.size !== 0 && bad.has(i)) badUses++;
    return i;
  };
  const push = (items) => {
    if (ln + items.length > lists.length) {
      const bigger = new Uint32Array(Math.max(lists.length * 2, ln + items.length));
      bigger.set(lists);
      lists = bigger;
    }
    for (let i = 0; i < items.length; i++) lists[ln++] = str(items[i]);
  };
  // Same-as-previous shortcuts: list rows repeat regions, media and queues.
  let lastMedia, lastMediaIx, lastDir, lastDirIx, lastRegion, lastRegionIx;
  for (let r = 0; r < n; r++) {
    const rec = rows[r];
    const o = r * STRIDE;
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) continue; // not VALID
    const badBefore = badUses;
    let ok = typeof rec.id === 'string' && wellFormed(rec.id);
    let flags = 0;
    let v = rec.media;
    if (v == null) cols[o + 1] = NONE;
    else if (v === lastMedia) cols[o + 1] = lastMediaIx;
    else if (typeof v === 'string') { lastMedia = v; cols[o + 1] = lastMediaIx = str(v); }
    else ok = false;
    v = rec.direction;
    if (v == null) cols[o + 2] = NONE;
    else if (v === lastDir) cols[o + 2] = lastDirIx;
    else if (typeof v === 'string') { lastDir = v; cols[o + 2] = lastDirIx = str(v); }
    else ok = false;
    v = rec.owner;
    if (v == null) cols[o + 3] = NONE;
    else if (typeof v === 'string') cols[o + 3] = str(v);
    else ok = false;
    v = rec.queue;
    if (v == null) cols[o + 4] = NONE;
    else if (typeof v === 'string') cols[o + 4] = str(v);
    else ok = false;
    v = rec.region;
    if (v == null) cols[o + 5] = NONE;
    else if (v === lastRegion) cols[o + 5] = lastRegionIx;
    else if (typeof v === 'string') { lastRegion = v; cols[o + 5] = lastRegionIx = str(v); }
    else ok = false;
    v = rec.line;
    if (v == null) cols[o + 6] = NONE;
    else if (typeof v === 'string') cols[o + 6] = str(v);
    else ok = false;
    v = rec.createdAt;
    if (v == null) cols[o + 7] = NONE;
    else if (typeof v === 'string') cols[o + 7] = str(v);
    else ok = false;
    v = rec.retentionDays;
    if (v != null) {
      if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
        cols[o + 8] = v;
        flags |= HAS_RETENTION;
      } else ok = false;
    }
    v = rec.divisions;
    if (v == null) cols[o + 10] = NONE;
    else if (isStringArray(v)) { cols[o + 9] = ln; cols[o + 10] = v.length; push(v); }
    else ok = false;
    v = rec.participants;
    if (v !== undefined) {
      if (isStringArray(v)) { cols[o + 11] = ln; cols[o + 12] = v.length; push(v); }
      else ok = false;
    }
    v = rec.legalHold;
    if (v === true) flags |= LEGAL_HOLD; else if (v !== undefined && v !== false) ok = false;
    v = rec.sensitive;
    if (v === true) flags |= SENSITIVE; else if (v !== undefined && v !== false) ok = false;
    v = rec.live;
    if (v === true) flags |= LIVE; else if (v !== undefined && v !== false) ok = false;
    // Read by no visibility decision, but part of a readable recording.
    v = rec.conversationId;
    if (v != null && (typeof v !== 'string' || !wellFormed(v))) ok = false;
    v = rec.related;
    if (v !== undefined && !(isStringArray(v) && v.every(wellFormed))) ok = false;
    if (ok && badUses === badBefore) cols[o] = flags | VALID;
  }
  return {
    rows: n,
    table: nul ? JSON.stringify(strings) : strings.join('\0'),
    count: strings.length,
    tableIsJson: nul,
    cols,
    lists: lists.subarray(0, ln),
  };
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
  #mem = null;
  #u32 = null;
  #u8 = null;
  #outWord = 0;

  /** Use `Gate.fromPolicy`. */
  constructor(g, w) {
    this.#g = g;
    this.#memory = memory;
    this.#w = w;
    this.#revision = w.revision();
    this.#outWord = w.out_ptr() >>> 2;
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

  #views() {
    const buffer = this.#memory.buffer;
    if (buffer !== this.#mem) {
      this.#mem = buffer;
      this.#u32 = new Uint32Array(buffer);
      this.#u8 = new Uint8Array(buffer);
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
    const decisionId = HEX[u8[b]] + HEX[u8[b + 1]] + HEX[u8[b + 2]] + HEX[u8[b + 3]]
      + HEX[u8[b + 4]] + HEX[u8[b + 5]] + HEX[u8[b + 6]] + HEX[u8[b + 7]]
      + HEX[u8[b + 8]] + HEX[u8[b + 9]] + HEX[u8[b + 10]] + HEX[u8[b + 11]]
      + HEX[u8[b + 12]] + HEX[u8[b + 13]] + HEX[u8[b + 14]] + HEX[u8[b + 15]];
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
    return this.#decision(this.#w.check(jsonText(request), true));
  }

  /** Decides one request given as JSON text, the exact path of `recgate eval`. */
  checkJson(text) {
    return JSON.parse(this.#w.decide_json(typeof text === 'string' ? text : ''));
  }

  /** Whether `principal` may do `permission` on `resource` (at `now`, default: the current time). */
  can(principal, permission, resource, now) {
    const text = jsonText({ principal, permission, resource, now: nowText(now) });
    return (this.#w.check(text, false) & ALLOW) !== 0;
  }

  /** How a request is decided, step by step: `{decision, steps: [{step, text}], text}`. */
  explain(request) {
    return JSON.parse(this.#w.explain(jsonText(request)));
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

  /** One byte per recording: 0 hidden, 1 metadata only, 2 media. */
  visibilityCodes(principal, recordings, now) {
    if (!Array.isArray(recordings)) throw new TypeError('recgate: recordings must be an array');
    const e = encodeRows(recordings);
    return this.#w.visibility(principalText(principal), nowText(now), e.table, e.count, e.tableIsJson, e.cols, e.lists);
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
    const out = [];
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] !== 0) out.push(recordings[i]);
    }
    return out;
  }

  /**
   * The reference for `visibility()`: one recording read by the core's JSON
   * deserializer (SPEC §2 attributes only). Slow; for tests and debugging.
   */
  visibilityOf(principal, recording, now) {
    return VISIBILITY[this.#w.visibility_json(principalText(principal), recordingText(recording), nowText(now))] ?? 'hidden';
  }

  /** Releases the wasm memory of this gate now rather than at garbage collection. */
  free() {
    this.#w.free();
  }
}
