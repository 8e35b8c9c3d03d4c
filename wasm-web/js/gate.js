// The typed API of the recgate npm package over the wasm-bindgen glue.
//
// Nothing here decides anything: every answer comes from the Rust core
// (recgate-core) through the `LoadedPolicy` export. This file converts values
// between JavaScript and the core's wire formats, and keeps the per-call
// overhead small enough for list filtering (`encodeRows`) and for hot
// `check()` loops (results come back as a few integers in a shared buffer).

// The wire layout — the row columns and flags, the request words, the
// result bits of check(), the buffer sizes — is the wasm's own, read by name
// from its `layout_names()` / `layout_values()` exports when the module is bound
// (wasm-web/src/layout.rs):
// there is no second copy of a number here.
/** u32 columns per row (from the bound module's layout). */
export let STRIDE = 0;
let NONE = 0;
let VALID = 0, LEGAL_HOLD = 0, SENSITIVE = 0, LIVE = 0, HAS_RETENTION = 0, CREATED_AT_TEXT = 0;
let C_MEDIA = 0, C_DIRECTION = 0, C_OWNER = 0, C_QUEUE = 0, C_REGION = 0, C_LINE = 0, C_CREATED_AT = 0;
let C_RETENTION = 0, C_DIVISIONS_AT = 0, C_DIVISIONS_LEN = 0, C_PARTICIPANTS_AT = 0, C_PARTICIPANTS_LEN = 0;
// Result bits of LoadedPolicy.check.
let ALLOW = 0, REDACT = 0, FULL = 0, NO_ID = 0, RETRY = 0, RESYNC = 0, REASON_SHIFT = 0;
// The request words of LoadedPolicy.check_words.
let REQ_WORDS = 0, REQ_PRINCIPAL = 0, REQ_ACTOR = 0, REQ_PERMISSION = 0, REQ_NOW = 0, REQ_KIND = 0;
let REQ_ID = 0, REQ_AUX = 0, REQ_RELATED_AT = 0, REQ_RELATED_LEN = 0, REQ_ROW = 0, REQ_LISTS = 0;
let KIND_RECORDING = 0, KIND_REPORT = 0;
// The `out` words of a decision: the rule's number, then 16 id bytes.
let OUT_GRANT = 0, OUT_ID = 0;
/** @type {Map<string, number>} resource types the words path carries */
let KINDS = new Map();
let TEXT_BYTES = 0; // the request string-table buffer, bytes
let ENDS = 0; // its string ends
/** @type {string[]} the SPEC §2 attributes of a recording, in the core's order */
let RECORDING_FIELDS = [];
/** @type {Map<string, Set<string>>} per resource type, the members the core reads (besides `type`) */
let RESOURCE_FIELDS = new Map();
/** @type {string[]} visibility names by code */
let VISIBILITY = [];

/** Reads the layout of a bound module into the names above. */
function readLayout(g) {
  const names = g.layout_names().split(',');
  const values = g.layout_values();
  const need = (k) => {
    const i = names.indexOf(k);
    if (i < 0) throw new Error(`recgate: the WebAssembly module's layout has no ${k}`);
    return values[i];
  };
  STRIDE = need('STRIDE'); NONE = need('NONE');
  VALID = need('VALID'); LEGAL_HOLD = need('LEGAL_HOLD'); SENSITIVE = need('SENSITIVE'); LIVE = need('LIVE');
  HAS_RETENTION = need('HAS_RETENTION'); CREATED_AT_TEXT = need('CREATED_AT_TEXT');
  C_MEDIA = need('MEDIA'); C_DIRECTION = need('DIRECTION'); C_OWNER = need('OWNER'); C_QUEUE = need('QUEUE');
  C_REGION = need('REGION'); C_LINE = need('LINE'); C_CREATED_AT = need('CREATED_AT'); C_RETENTION = need('RETENTION');
  C_DIVISIONS_AT = need('DIVISIONS_AT'); C_DIVISIONS_LEN = need('DIVISIONS_LEN');
  C_PARTICIPANTS_AT = need('PARTICIPANTS_AT'); C_PARTICIPANTS_LEN = need('PARTICIPANTS_LEN');
  if (need('FLAGS') !== 0) throw new Error('recgate: the row flags must be column 0');
  ALLOW = need('ALLOW'); REDACT = need('REDACT'); FULL = need('FULL'); NO_ID = need('NO_ID');
  RETRY = need('RETRY'); RESYNC = need('RESYNC'); REASON_SHIFT = need('REASON_SHIFT');
  REQ_WORDS = need('REQ_WORDS'); REQ_PRINCIPAL = need('REQ_PRINCIPAL'); REQ_ACTOR = need('REQ_ACTOR');
  REQ_PERMISSION = need('REQ_PERMISSION'); REQ_NOW = need('REQ_NOW'); REQ_KIND = need('REQ_KIND');
  REQ_ID = need('REQ_ID'); REQ_AUX = need('REQ_AUX'); REQ_RELATED_AT = need('REQ_RELATED_AT');
  REQ_RELATED_LEN = need('REQ_RELATED_LEN'); REQ_ROW = need('REQ_ROW'); REQ_LISTS = need('REQ_LISTS');
  KIND_RECORDING = need('KIND_RECORDING'); KIND_REPORT = need('KIND_REPORT');
  KINDS = new Map([['recording', KIND_RECORDING], ['queue', need('KIND_QUEUE')], ['user', need('KIND_USER')],
    ['role', need('KIND_ROLE')], ['schedule', need('KIND_SCHEDULE')], ['report', KIND_REPORT]]);
  TEXT_BYTES = need('TEXT'); ENDS = need('ENDS');
  OUT_GRANT = need('OUT_GRANT'); OUT_ID = need('OUT_ID');
  RECORDING_FIELDS = g.recording_fields().split(',');
  RESOURCE_FIELDS = new Map(['recording', 'annotation', 'report', 'queue', 'user', 'role', 'schedule']
    .map((kind) => [kind, new Set(g.resource_fields(kind).split(','))]));
  VISIBILITY = [];
  VISIBILITY[need('VISIBILITY_HIDDEN')] = 'hidden';
  VISIBILITY[need('VISIBILITY_METADATA')] = 'metadata';
  VISIBILITY[need('VISIBILITY_MEDIA')] = 'media';
}

const ENCODER = new TextEncoder();
// Strings a gate keeps numbered between visible() calls; past this many, it
// starts a new table (memory stays bounded, a few MB, when every list brings
// new strings; a 100,000-row list with a distinct createdAt per row fits).
const ROW_STRINGS_MAX = 1 << 17;

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
  readLayout(g);
  reasonCodes = JSON.parse(g.reasons());
  memory = g.wasm_memory();
  nearMisses = new Map();
  rowKeys = Object.create(null);
  rowKeyCount = 0;
  glue = g;
}

/**
 * Per resource type, whether each member name that recgate does not read is
 * a near-miss of one it does (the core's answer, asked once per name): a
 * near-miss makes the resource unreadable; any other member is skipped.
 * @type {Map<string, Map<string, boolean>>}
 */
let nearMisses = new Map();

/** Whether `key`, not a field of a `kind` resource, is a near-miss of one (the core decides). */
function isNearMiss(kind, key) {
  let known = nearMisses.get(kind);
  if (known === undefined) nearMisses.set(kind, (known = new Map()));
  let near = known.get(key);
  if (near === undefined) {
    near = glue.near_miss(kind, key) !== '';
    // Member names come from data: keep the cache bounded.
    if (known.size < 4096) known.set(key, near);
  }
  return near;
}

/** isNearMiss without asking the core: `undefined` for a name not asked about yet. */
function knownNearMiss(kind, key) {
  return nearMisses.get(kind)?.get(key);
}

/**
 * The first member of a request's resource whose kind the words path does
 * not know yet (set by encodeRequest when it gives up on one): asked about
 * once the request is decided, so the next request with it stays on words.
 * @type {[string, string] | null}
 */
let unknownMember = null;

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

/**
 * `resource` as the core reads it: its `type`, the members recgate reads
 * (a nested recording pruned the same way) and, as `null`, the near-misses
 * of one (the core refuses the resource by the member's name, whatever its
 * value). Members recgate ignores are left out, so their values need not be
 * JSON data (a `Date`, a function), unless a string in one is not valid
 * Unicode (skippable). Anything else is returned as it is, for the core to
 * refuse.
 */
function prunedResource(resource, kind = resource?.type) {
  if (!isPlain(resource)) return resource;
  const fields = RESOURCE_FIELDS.get(kind);
  if (fields === undefined) return resource;
  const out = {};
  for (const k of Object.keys(resource)) {
    const v = resource[k];
    if (k === 'type' || fields.has(k)) {
      out[k] = kind === 'annotation' && k === 'recording' ? prunedResource(v, 'recording') : v;
    } else if (isNearMiss(kind, k)) {
      out[k] = null;
    } else if (!skippable(v, k)) {
      // Not valid Unicode: the core refuses it wherever it is (skippable).
      out[k] = v;
    }
  }
  return out;
}

/** JSON text of a request for the core, its resource pruned (prunedResource); '' when it is not JSON data. */
function requestText(request) {
  if (!isPlain(request) || !isPlain(request.resource)) return jsonText(request);
  return jsonText({ ...request, resource: prunedResource(request.resource) });
}

/** The RFC 3339 text of `now`; '' (undecidable: deny) when it is not a string or a valid Date. */
let clockMs = -1;
let clockText = '';

/**
 * The current time as RFC 3339 text, made once per millisecond: formatting
 * a Date costs several times a whole decision, and hot loops that leave
 * `now` out ask many times a millisecond.
 */
function currentTime() {
  const ms = Date.now();
  if (ms !== clockMs) {
    clockText = new Date(ms).toISOString();
    clockMs = ms;
  }
  return clockText;
}

function nowText(now) {
  if (now === undefined) return currentTime();
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

/**
 * The principal and the actor (`undefined`: the principal acts for itself)
 * of `who`: a principal's id, or `{ principal, actor }`. An id that is not a
 * string reads as `''`, which no policy has: unknown, refused.
 */
function askerOf(who) {
  if (who !== null && typeof who === 'object') {
    const actor = who.actor;
    return [principalText(who.principal), actor == null ? undefined : principalText(actor)];
  }
  return [principalText(who), undefined];
}

/**
 * A recording's JSON for the core: its SPEC §2 attributes (and `type`); of
 * its other members, only the near-misses of an attribute (with `null`:
 * the core refuses the recording by the member's name, whatever its value).
 * The rest recgate does not read, so their values need not even be JSON.
 * `''` when it is not an object. `idOptional`: a row without `id` reads as
 * `id: ''` (visibility decisions do not read it).
 */
function recordingText(rec, idOptional = false) {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return '';
  const picked = idOptional ? { id: '' } : {};
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    const c = recordingKey(k);
    if (c === KEY_FIELD || c === KEY_TYPE) {
      if (v !== undefined) picked[k] = v;
    } else if (c === KEY_NEAR_MISS) {
      picked[k] = null;
    }
  }
  return jsonText(picked);
}

// Members of a row whose names memberCheck remembers from the rows before.
const SHAPE_MEMBERS = 64;

// What a member name of a recording row is, for the row encoders.
const KEY_IGNORED = 0;
const KEY_FIELD = 1; // a SPEC §2 attribute
const KEY_NEAR_MISS = 2; // a near-miss of one (the core decides): the row is unreadable
const KEY_TYPE = 3; // `type`: the row is unreadable unless it says "recording"
/** @type {Record<string, number>} member name → KEY_*; a null-prototype dictionary (see StringTable) */
let rowKeys = Object.create(null);
let rowKeyCount = 0;

/**
 * What the member `k` of a recording is, as far as it is known without
 * asking the core (KEY_*), or `undefined`: the words encoders use it, which
 * must not call into wasm while they write into its memory.
 */
function knownRecordingKey(k) {
  return rowKeys[k];
}

/** What the member `k` of a recording is (KEY_*), asking the core once for a new name. */
function recordingKey(k) {
  let c = rowKeys[k];
  if (c === undefined) {
    c = k === 'type' ? KEY_TYPE : RECORDING_FIELDS.includes(k) ? KEY_FIELD : isNearMiss('recording', k) ? KEY_NEAR_MISS : KEY_IGNORED;
    if (rowKeyCount < 4096) {
      rowKeys[k] = c;
      rowKeyCount++;
    }
  }
  return c;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is valid Unicode (no lone surrogate): only then can it cross as UTF-8 unchanged. */
const wellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

// Nesting past which a skipped member is not looked into (its request is
// decided from its JSON, which the core reads to a depth of 128).
const SKIPPED_DEPTH = 64;

/**
 * Whether a member recgate skips (`name`: `v`) reads as JSON text: its name
 * and every string in it, member names too, valid Unicode. The core parses
 * a request's whole JSON text, so a lone surrogate even in a skipped member
 * makes the request unreadable (typed_json.rs); such a request goes to the
 * JSON path, which says so.
 */
function skippable(v, name, depth = 0) {
  if (!wellFormed(name)) return false;
  if (typeof v === 'string') return wellFormed(v);
  if (v === null || typeof v !== 'object') return true;
  if (depth === SKIPPED_DEPTH) return false;
  for (const k in v) if (!skippable(v[k], k, depth + 1)) return false;
  return true;
}

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

  /** Numbers `s`, not numbered yet: the encoder looks it up in `index` first. */
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

/** A growable typed array (Uint32Array unless another constructor is given). */
class GrowableArray {
  constructor(capacity, Type = Uint32Array) {
    this.a = new Type(capacity);
    this.n = 0;
  }

  reserve(k) {
    if (this.n + k > this.a.length) {
      const bigger = new this.a.constructor(Math.max(this.a.length * 2, this.n + k));
      bigger.set(this.a);
      this.a = bigger;
    }
  }
}

// Timestamps as text (rows.rs CREATED_AT_TEXT). A real list gives nearly
// every row its own createdAt, and numbering each cost a lookup among as
// many strings (visible() ×0.7 on such a list); a list that repeats a few
// is cheaper numbered. Which one a list is, its own rows tell: 64 of them,
// spread over it (timesMostlyDistinct). A list taken for one that repeats
// numbers at most TIMES_NUMBERED new timestamps a call, then writes the
// rest as text.
const TIMES_NUMBERED = 4096;
const NO_TIMES = new Uint8Array(0);

// Rows a list's sample has (timesMostlyDistinct, visible()'s answer).
const SAMPLE_ROWS = 64;

/** The step between the rows of a sample of about SAMPLE_ROWS spread over `length`. */
function sampleStep(length) {
  return Math.max(1, Math.floor(length / SAMPLE_ROWS));
}

/** Whether most of the `createdAt` strings of SAMPLE_ROWS rows spread over `rows` differ. */
function timesMostlyDistinct(rows) {
  const step = sampleStep(rows.length);
  const seen = new Set();
  let strings = 0;
  for (let r = 0; r < rows.length; r += step) {
    const v = rows[r]?.createdAt;
    if (typeof v !== 'string') continue;
    strings++;
    seen.add(v);
  }
  return strings >= SAMPLE_ROWS / 4 && seen.size * 2 > strings;
}

/**
 * The core's row prefilter (`LoadedPolicy.row_prefilter`, the list plan's
 * RowPrefilter): a row whose every field of `fields` is present and holds
 * only strings, none of them in `values`, is hidden whatever else it holds,
 * so the encoder writes it hidden without reading the rest. The core proved
 * that from the plans; this only looks strings up. A row it does not cover
 * (a field absent, null or of another type) is encoded and decided in full.
 * A list where it skips few of the first rows stops using it.
 */
class RowSkip {
  constructor({ fields, values }) {
    this.fields = fields;
    /** null-prototype dictionary of `values` (see StringTable) */
    this.values = Object.create(null);
    for (const v of values) this.values[v] = true;
  }

  /** Whether `rec` (an object) is covered and names none of the values. */
  skips(rec) {
    const fields = this.fields;
    const values = this.values;
    for (let f = 0; f < fields.length; f++) {
      const v = rec[fields[f]];
      if (typeof v === 'string') {
        if (values[v] === true) return false;
      } else if (Array.isArray(v) && v.length !== 0) {
        for (let i = 0; i < v.length; i++) {
          const item = v[i];
          if (typeof item !== 'string' || values[item] === true) return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }
}

/** LoadedPolicy.list_shortcut's "hidden": every row of any list is hidden. */
const HIDE_ALL = Symbol('recgate: every row hidden');

// Rows a RowSkip is tried on before it is kept for the rest of a list, and
// how many of them it must skip: below that it costs more than it saves.
const SKIP_TRIAL_ROWS = 256;
const SKIP_TRIAL_MIN = 64;

function usesBad(bad, cols, o, lists, from, to) {
  for (const c of [C_MEDIA, C_DIRECTION, C_OWNER, C_QUEUE, C_REGION, C_LINE]) if (bad.has(cols[o + c])) return true;
  // A timestamp written as text is ASCII, never bad: its column is no string's number.
  if ((cols[o] & CREATED_AT_TEXT) === 0 && bad.has(cols[o + C_CREATED_AT])) return true;
  for (let i = from; i < to; i++) if (bad.has(lists[i])) return true;
  return false;
}

/**
 * Writes the attributes every visibility decision reads (all but `id`,
 * `conversationId` and `related`) into `cols`, all STRIDE words of every row
 * (see wasm-web/src/rows.rs), and the items of `divisions` and
 * `participants` into `lists`. Each value's JSON type is checked as the
 * core's Recording deserializer checks it; a row that fails, or that
 * `unreadable` (from unreadableRows) marks, is written not VALID and the core
 * hides it. Without `unreadable`, each row's members are checked too
 * (memberCheck) as far as their names are known: `late` lists the rows
 * with a name not yet classified, for hideUnreadable once wasm may be
 * called. Nothing here calls into wasm: `cols` may be a view of its memory.
 * `table` numbers the strings (it may hold strings of earlier calls);
 * `lists` is emptied first (it may be reused from call to call). Given
 * `timeText` (a GrowableArray of bytes, reused too), timestamps are written into
 * it as text where the list's own rows say so (see TIMES_NUMBERED).
 */
export function encodeRows(rows, cols = new Uint32Array(rows.length * STRIDE), table = new StringTable(), lists = new GrowableArray(rows.length * 2 + 16), unreadable = null, skip = null, timeText = null) {
  const n = rows.length;
  let skipped = 0;
  const harmless = harmlessNames();
  let late = null;
  // A string's number is `index[s] ?? table.add(s)`, written out at each
  // use: V8 stops inlining calls into a function this long, and a call per
  // string cost a fifth of the lookup.
  const index = table.index;
  let ta = timeText === null ? NO_TIMES : timeText.a;
  let tn = 0;
  let timesAsText = timeText !== null && timesMostlyDistinct(rows);
  let timesNumbered = 0;
  lists.n = 0;
  let la = lists.a;
  let ln = 0;
  // Every string is looked up, with no same-as-the-row-before shortcut but
  // one (a participant who is the owner): comparing two strings that differ
  // costs V8 about what the lookup costs, so the shortcuts lost more than
  // they saved (BENCHMARKS.md, 2026-12-02).
  for (let r = 0; r < n; r++) {
    const rec = rows[r];
    const o = r * STRIDE;
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      cols[o] = 0; // not VALID: the other words are never read
      continue;
    }
    if (skip !== null) {
      if (r === SKIP_TRIAL_ROWS && skipped < SKIP_TRIAL_MIN) skip = null;
      else if (skip.skips(rec)) {
        cols[o] = 0; // hidden, as the core proved
        skipped++;
        continue;
      }
    }
    const listsFrom = ln;
    let ok = true;
    let flags = VALID;
    let v = rec.media;
    if (v == null) cols[o + C_MEDIA] = NONE;
    else if (typeof v === 'string') cols[o + C_MEDIA] = (index[v] ?? table.add(v));
    else ok = false;
    v = rec.direction;
    if (v == null) cols[o + C_DIRECTION] = NONE;
    else if (typeof v === 'string') cols[o + C_DIRECTION] = (index[v] ?? table.add(v));
    else ok = false;
    const owner = rec.owner;
    let ownerIx = NONE;
    if (typeof owner === 'string') ownerIx = (index[owner] ?? table.add(owner));
    else if (owner != null) ok = false;
    cols[o + C_OWNER] = ownerIx;
    v = rec.queue;
    if (v == null) cols[o + C_QUEUE] = NONE;
    else if (typeof v === 'string') cols[o + C_QUEUE] = (index[v] ?? table.add(v));
    else ok = false;
    v = rec.region;
    if (v == null) cols[o + C_REGION] = NONE;
    else if (typeof v === 'string') cols[o + C_REGION] = (index[v] ?? table.add(v));
    else ok = false;
    v = rec.line;
    if (v == null) cols[o + C_LINE] = NONE;
    else if (typeof v === 'string') cols[o + C_LINE] = (index[v] ?? table.add(v));
    else ok = false;
    v = rec.createdAt;
    if (v == null) cols[o + C_CREATED_AT] = NONE;
    else if (typeof v !== 'string') ok = false;
    else if (!timesAsText) {
      let ix = index[v];
      if (ix === undefined) {
        ix = table.add(v);
        if (++timesNumbered === TIMES_NUMBERED && timeText !== null) timesAsText = true;
      }
      cols[o + C_CREATED_AT] = ix;
    } else {
      // As text, ended by NUL: ASCII only (a timestamp is; any other string
      // is numbered, for the core to refuse).
      const len = v.length;
      if (tn + len + 1 > ta.length) { timeText.n = tn; timeText.reserve(len + 1); ta = timeText.a; }
      let i = 0;
      for (; i < len; i++) {
        const c = v.charCodeAt(i);
        if (c === 0 || c > 0x7f) break;
        ta[tn + i] = c;
      }
      if (i === len) {
        ta[tn + len] = 0;
        cols[o + C_CREATED_AT] = tn;
        tn += len + 1;
        flags |= CREATED_AT_TEXT;
      } else cols[o + C_CREATED_AT] = index[v] ?? table.add(v);
    }
    v = rec.retentionDays;
    if (v == null) cols[o + C_RETENTION] = 0;
    else if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
      cols[o + C_RETENTION] = v;
      flags |= HAS_RETENTION;
    } else ok = false;
    // divisions: absent or null is NONE (the default, ["home"]).
    v = rec.divisions;
    cols[o + C_DIVISIONS_AT] = ln;
    if (v == null) cols[o + C_DIVISIONS_LEN] = NONE;
    else if (Array.isArray(v)) {
      const len = v.length;
      if (ln + len > la.length) { lists.n = ln; lists.reserve(len); la = lists.a; }
      cols[o + C_DIVISIONS_LEN] = len;
      for (let i = 0; i < len; i++) {
        const item = v[i];
        if (typeof item !== 'string') { ok = false; break; }
        la[ln++] = (index[item] ?? table.add(item));
      }
    } else ok = false;
    // participants: absent is empty; null is not a list.
    v = rec.participants;
    cols[o + C_PARTICIPANTS_AT] = ln;
    if (v === undefined) cols[o + C_PARTICIPANTS_LEN] = 0;
    else if (Array.isArray(v)) {
      const len = v.length;
      if (ln + len > la.length) { lists.n = ln; lists.reserve(len); la = lists.a; }
      cols[o + C_PARTICIPANTS_LEN] = len;
      for (let i = 0; i < len; i++) {
        const item = v[i];
        if (typeof item !== 'string') { ok = false; break; }
        la[ln++] = item === owner ? ownerIx : (index[item] ?? table.add(item));
      }
    } else ok = false;
    v = rec.legalHold;
    if (v === true) flags |= LEGAL_HOLD; else if (v !== undefined && v !== false) ok = false;
    v = rec.sensitive;
    if (v === true) flags |= SENSITIVE; else if (v !== undefined && v !== false) ok = false;
    v = rec.live;
    if (v === true) flags |= LIVE; else if (v !== undefined && v !== false) ok = false;
    if (ok && table.bad !== null) {
      cols[o] = flags; // usesBad reads CREATED_AT_TEXT
      if (usesBad(table.bad, cols, o, la, listsFrom, ln)) ok = false;
    }
    if (ok && unreadable !== null && unreadable[r] !== 0) ok = false;
    if (ok && unreadable === null) {
      // The members, while the row is at hand: a second pass over the rows
      // costs more. A name not yet classified is left for later (`late`).
      const m = memberCheck(rec, harmless, knownRecordingKey);
      if (m === MEMBERS_REFUSED) ok = false;
      else if (m === MEMBERS_UNKNOWN) (late ??= []).push(r);
    }
    cols[o] = ok ? flags : 0;
  }
  lists.n = ln;
  return {
    rows: n,
    ...table.pending(),
    cols,
    lists: la.subarray(0, ln),
    times: tn === 0 ? NO_TIMES : ta.subarray(0, tn),
    late,
  };
}

/**
 * A row's member names remembered from the rows before, by position, for
 * `memberCheck`: the names that need no second look (ignored members and
 * attributes). Unknown slots hold an attribute's name, which needs none
 * either. A packed array of strings, of a fixed length: V8 compares a name
 * with an element of a growing or mixed array at up to twice the cost.
 */
function harmlessNames() {
  return new Array(SHAPE_MEMBERS).fill(RECORDING_FIELDS[0]);
}

// What memberCheck says of a row.
const MEMBERS_READABLE = 0;
const MEMBERS_REFUSED = 1; // a near-miss of an attribute, or a `type` that is not "recording"
const MEMBERS_UNKNOWN = 2; // a name `classify` does not know

/**
 * Whether the core would refuse a member of `rec` (MEMBERS_*), each name
 * classified by `classify` (recordingKey, or knownRecordingKey where wasm
 * must not be called) unless it is where `harmless` has it. Rows of one list
 * share their members, so a name costs a pointer comparison, not a lookup.
 */
function memberCheck(rec, harmless, classify) {
  let m = 0;
  for (const k in rec) {
    if (harmless[m] !== k) {
      const c = classify(k);
      if (c === undefined) return MEMBERS_UNKNOWN;
      if (c === KEY_NEAR_MISS || (c === KEY_TYPE && rec.type !== 'recording')) return MEMBERS_REFUSED;
      // `type` is looked at in every row that has it: its value may differ.
      if (m < SHAPE_MEMBERS) harmless[m] = c === KEY_TYPE ? RECORDING_FIELDS[0] : k;
    }
    m++;
  }
  return MEMBERS_READABLE;
}

/**
 * Hides (sets to 0) the code of each row `which` lists (every row when
 * null) whose code is not 0 and that has a member the core would refuse
 * (memberCheck). Members recgate does not read are skipped, as the core
 * skips them. Only rows shown need looking at: a hidden row stays hidden.
 * May call into wasm (to classify a new name): never while a view of its
 * memory is being written.
 */
function hideUnreadable(rows, codes, which = null) {
  const harmless = harmlessNames();
  const n = which === null ? codes.length : which.length;
  for (let i = 0; i < n; i++) {
    const r = which === null ? i : which[i];
    if (codes[r] !== 0 && memberCheck(rows[r], harmless, recordingKey) !== MEMBERS_READABLE) codes[r] = 0;
  }
  return codes;
}

/** hideUnreadable for a list to be prepared: one byte per row, 1 where the row is unreadable. */
function unreadableRows(rows) {
  const flags = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const rec = rows[r];
    if (rec !== null && typeof rec === 'object') flags[r] = 1;
  }
  hideUnreadable(rows, flags);
  // hideUnreadable zeroed the unreadable ones among the objects.
  for (let r = 0; r < rows.length; r++) {
    const rec = rows[r];
    flags[r] = rec !== null && typeof rec === 'object' && flags[r] === 0 ? 1 : 0;
  }
  return flags;
}

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
class TextSink {
  constructor() {
    this.bytes = null;
    this.pos = 0;
    this.count = 0;
    this.ok = true;
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

function isPlain(o) {
  if (o === null || typeof o !== 'object') return false;
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

/**
 * Writes a request of the usual shape into the request words `w` (from
 * word `at`) and its strings into `sink`, for LoadedPolicy.check_words. Returns
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
          if (near === undefined) unknownMember = [type, k];
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
      if (near === undefined) unknownMember = [type, k];
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
          if (c === undefined) unknownMember = ['recording', k];
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
  /** @type {any} the LoadedPolicy; null once freed */
  #loaded;
  #revision;
  #hash = null;
  #sourceHash = null;
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
  #rowLists = new GrowableArray(1024);
  #rowTimes = new GrowableArray(1024, Uint8Array);
  /** the last list shortcut asked for: `{ key, skip }`, `skip` HIDE_ALL, a RowSkip or null */
  #shortcut = { key: null, skip: null };
  /** holders of `retain()` not yet released */
  #holders = 0;
  #version = 0;
  /** @type {Set<(event: object) => void>} `on('updated')` listeners */
  #listeners = new Set();

  /** Use `Gate.fromPolicy`. */
  constructor(g, w) {
    this.#g = g;
    this.#memory = memory;
    this.#adopt(w);
  }

  /** Takes `w` (a LoadedPolicy) as this gate's policy, forgetting what was cached for the previous one. */
  #adopt(w) {
    this.#loaded = w;
    this.#revision = w.revision();
    this.#hash = null;
    this.#sourceHash = null;
    this.#grants = [];
    this.#u32 = null; // the buffers moved: views are made again
    this.#outWord = w.out_ptr() >>> 2;
    this.#wordsAt = w.words_ptr() >>> 2;
    this.#textAt = w.text_ptr();
    this.#endsAt = w.ends_ptr() >>> 2;
    // The new policy's row and request tables are empty: number the strings again.
    this.#rowStrings.reset();
    this.#sink.forget();
    this.#shortcut = { key: null, skip: null };
  }

  /** The LoadedPolicy, or a clear error once the gate was freed. */
  get #w() {
    const w = this.#loaded;
    if (w === null) throw freedError();
    return w;
  }

  /**
   * Validates and compiles a policy document (JSON text or an object): a
   * whole policy or a principal slice. Throws a PolicyError listing every
   * problem with its JSON pointer.
   */
  static fromPolicy(policy, options = {}) {
    const g = needGlue();
    return new Gate(g, loadPolicy(g, policy, options));
  }

  /**
   * Replaces the policy this gate decides with (a new slice after the policy
   * was edited, a newer revision), then tells every `on('updated')` listener.
   * An invalid document throws a PolicyError and the gate keeps deciding with
   * the policy it had. Prepared RecordingSets stay valid.
   */
  update(policy, options = {}) {
    const old = this.#w;
    const previousRevision = this.#revision;
    const w = loadPolicy(this.#g, policy, options);
    this.#adopt(w);
    old.free();
    this.#version++;
    const event = { type: 'updated', gate: this, revision: this.#revision, previousRevision, version: this.#version };
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (e) {
        // One listener's failure must not keep the others from hearing of the update.
        reportLater(e);
      }
    }
  }

  /**
   * Calls `listener` after every `update()`; returns the function that
   * stops it (CASL's `ability.on('updated', …)`).
   */
  on(event, listener) {
    if (event !== 'updated') throw new TypeError(`recgate: a Gate has no '${String(event)}' event (only 'updated')`);
    if (typeof listener !== 'function') throw new TypeError('recgate: the listener must be a function');
    const entry = (e) => listener(e);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** How many times `update()` replaced the policy (0 for a new gate): a snapshot for `useSyncExternalStore`. */
  get version() {
    return this.#version;
  }

  /** Whether `free()` was called (or every holder released the gate). */
  get freed() {
    return this.#loaded === null;
  }

  /**
   * One more holder of this gate; returns its release function (calling it
   * again does nothing). When the last holder releases it, the gate is freed
   * on a later task — so a holder that lets go and takes it again at once
   * (React StrictMode runs every effect's cleanup and then the effect again)
   * keeps it. A gate never retained is freed by `free()` or by the garbage
   * collector.
   */
  retain() {
    this.#w; // eslint-disable-line no-unused-expressions -- throws once freed
    this.#holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holders === 0) {
        setTimeout(() => {
          if (this.#holders === 0 && this.#loaded !== null) this.free();
        }, 0);
      }
    };
  }

  /** The policy's `revision`, reported in every decision. */
  get revision() {
    this.#w; // eslint-disable-line no-unused-expressions -- throws once freed
    return this.#revision;
  }

  /** SHA-256 of the canonical policy, hex: equal to `recgate hash` for the same policy. */
  get revisionHash() {
    if (this.#hash === null) this.#hash = this.#w.content_hash();
    return this.#hash;
  }

  /**
   * The content hash of the whole policy this gate decides for: for a
   * principal slice, the hash of the organisation's policy it was cut from
   * (its `sliceOf.revisionHash`) — compare it with the server's `recgate
   * hash`; for any other policy, `revisionHash`.
   */
  get sourceHash() {
    if (this.#sourceHash === null) this.#sourceHash = this.#w.source_hash();
    return this.#sourceHash;
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
    const b = (at + OUT_ID) << 2;
    const decisionId = hexId(u8, b);
    if (code & FULL) {
      const d = JSON.parse(this.#w.last_json());
      d.decisionId = decisionId;
      return d;
    }
    const n = this.#u32[at + OUT_GRANT];
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
    const sink = this.#sink;
    // A resource member never seen before is asked about (a call into wasm)
    // between two attempts, never while the words are being written: each
    // attempt learns one more name, so this ends.
    // Before anything is written into the gate's buffers: a freed gate's
    // memory belongs to the allocator again.
    const w = this.#w;
    for (let attempt = 0; attempt < 64; attempt++) {
      this.#views();
      sink.reset(this.#text, this.#u32, this.#endsAt);
      unknownMember = null;
      if (encodeRequest(request, this.#u32, this.#wordsAt, sink) && sink.ok) {
        const code = w.check_words(sink.pos, sink.count, sink.base, withId);
        if (code & RESYNC) {
          // The wasm table emptied itself: number every string again.
          sink.forget();
          continue;
        }
        sink.commit();
        if ((code & RETRY) === 0) return code;
        break;
      }
      sink.rollback();
      if (unknownMember === null) break;
      const [kind, key] = unknownMember;
      if (kind === 'recording') recordingKey(key);
      else isNearMiss(kind, key);
      // A full cache keeps nothing new: the JSON path decides.
      if ((kind === 'recording' ? knownRecordingKey(key) : knownNearMiss(kind, key)) === undefined) break;
    }
    return w.check(requestText(request), withId);
  }

  /** Decides one request given as JSON text, the exact path of `recgate eval`. */
  checkJson(text) {
    return JSON.parse(this.#w.decide_json(typeof text === 'string' ? text : ''));
  }

  /**
   * Whether `who` — a principal's id, or `{ principal, actor }` for an actor
   * acting on the principal's behalf — may do `permission` on `resource`
   * (at `now`, default: the current time).
   */
  can(who, permission, resource, now) {
    const [principal, actor] = askerOf(who);
    const request = actor === undefined
      ? { principal, permission, resource, now: nowText(now) }
      : { principal, actor, permission, resource, now: nowText(now) };
    return (this.#ask(request, false) & ALLOW) !== 0;
  }

  /**
   * `can()` with its reason and the core's words, for a tooltip or a
   * message: `{ allowed, reason, words, obligations, decision }` (the
   * decision of `explain()`; words are empty on an allow without obligations).
   */
  why(who, permission, resource, now) {
    const [principal, actor] = askerOf(who);
    const request = actor === undefined
      ? { principal, permission, resource, now: nowText(now) }
      : { principal, actor, permission, resource, now: nowText(now) };
    const { decision, words } = this.explain(request);
    return { allowed: decision.allow, reason: decision.reason, words, obligations: decision.obligations, decision };
  }

  /**
   * Why `who` can decide nothing at all (SPEC §3 steps 2–3: an unknown or
   * disabled principal or actor, an impersonation refused), as
   * `{ reason, words }`; `null` when they can.
   */
  refusal(who, now) {
    const [principal, actor] = askerOf(who);
    const out = this.#w.refusal(principal, actor, nowText(now));
    return out === '' ? null : JSON.parse(out);
  }

  /**
   * A recording as this policy reads it, its defaults applied — `{
   * divisions, region, retention: { days, defaultDays, until, legalHold } }`,
   * `until` an RFC 3339 time or `null` when it never expires — or `null`
   * when the recording cannot be read.
   */
  effective(recording) {
    const out = this.#w.effective(recordingText(recording));
    return out === '' ? null : JSON.parse(out);
  }

  /** How a request is decided, step by step and in words: `{decision, steps: [{step, text}], text, words}`. */
  explain(request) {
    return JSON.parse(this.#w.explain(requestText(request)));
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
   * The state of every player control for `who` on `recording`, keyed by
   * control name: `{ status, allowed, reason, permission, granted, words,
   * obligations }`. The core picks each control's permission from the
   * recording's media and puts each state in words.
   */
  controls(who, recording, now) {
    const [principal, actor] = askerOf(who);
    const list = JSON.parse(this.#w.controls(principal, actor, recordingText(recording), nowText(now)));
    const out = {};
    for (const c of list) {
      out[c.control] = {
        status: c.status, allowed: c.allowed, reason: c.reason, permission: c.permission,
        granted: c.granted, words: c.words, obligations: c.obligations,
      };
    }
    return out;
  }

  /**
   * Encodes `recordings` into columns in wasm memory, numbering their strings
   * in `strings` (and their list items in `lists`, when given); returns what
   * `visibility` needs besides the columns.
   */
  #encode(recordings, strings, lists, unreadable = null, skip = null, times = null) {
    if (!Array.isArray(recordings)) throw new TypeError('recgate: recordings must be an array or a RecordingSet');
    const words = recordings.length * STRIDE;
    // The columns are written straight into wasm memory (no copy); nothing
    // calls into wasm while they are written, so the memory cannot grow under them.
    const at = this.#w.cols_buffer(words);
    return encodeRows(recordings, new Uint32Array(this.#memory.buffer, at, words), strings, lists, unreadable, skip, times);
  }

  /**
   * What the core says of any list `principal` (with `actor`) sees at `now`
   * (LoadedPolicy.list_shortcut): HIDE_ALL, a RowSkip, or null (read every
   * row). Asked once per principal, actor and time.
   */
  #listShortcut(principal, actor, now) {
    const key = JSON.stringify([principal, actor ?? null, now]);
    if (this.#shortcut.key !== key) {
      const text = this.#w.list_shortcut(principal, actor, now);
      const skip = text === 'hidden' ? HIDE_ALL : text === '' ? null : new RowSkip(JSON.parse(text));
      this.#shortcut = { key, skip };
    }
    return this.#shortcut.skip;
  }

  /**
   * Encodes recordings once for repeated visibility decisions: pass the set
   * to `visible`, `visibility` or `visibilityCodes` of any gate instead of the
   * array. A snapshot: prepare again after the recordings change.
   */
  prepare(recordings) {
    if (!Array.isArray(recordings)) throw new TypeError('recgate: recordings must be an array or a RecordingSet');
    // A set is decided again and again: its unreadable rows are found once, now.
    const e = this.#encode(recordings, new StringTable(), undefined, unreadableRows(recordings));
    const rows = this.#w.prepare(e.table, e.count, e.tableIsJson, e.lists);
    return new RecordingSet(this.#g, rows, recordings.slice());
  }

  /** One byte per recording: 0 hidden, 1 metadata only, 2 media. */
  visibilityCodes(who, recordings, now) {
    const [p, actor] = askerOf(who);
    const t = nowText(now);
    if (recordings instanceof RecordingSet) {
      return this.#w.visibility_of_rows(p, actor, t, recordings.rowsFor(this.#g));
    }
    if (!Array.isArray(recordings)) throw new TypeError('recgate: recordings must be an array or a RecordingSet');
    // Someone who may see no recording at all (whatever the rows hold) needs no encoding.
    const skip = this.#listShortcut(p, actor, t);
    if (skip === HIDE_ALL) return new Uint8Array(recordings.length);
    // The gate keeps the strings of earlier calls numbered (here and in its
    // wasm table): a string already seen costs one lookup and never crosses again.
    const strings = this.#rowStrings;
    if (strings.strings.length > ROW_STRINGS_MAX) strings.reset();
    for (let attempt = 0; attempt < 2; attempt++) {
      const e = this.#encode(recordings, strings, this.#rowLists, null, skip, this.#rowTimes);
      const codes = this.#w.visibility(p, actor, t, e.table, e.count, e.tableIsJson, e.base, e.lists, e.times);
      if (codes.length === e.rows) {
        strings.markSent();
        return e.late === null ? codes : hideUnreadable(recordings, codes, e.late);
      }
      // The wasm table did not hold what this one sent before (it emptied
      // itself): number everything again, once.
      strings.reset();
    }
    return new Uint8Array(recordings.length); // every row hidden: fail closed
  }

  /** 'media' | 'metadata' | 'hidden' for each recording, in input order. */
  visibility(who, recordings, now) {
    const codes = this.visibilityCodes(who, recordings, now);
    const out = new Array(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = VISIBILITY[codes[i]] ?? 'hidden';
    return out;
  }

  /**
   * The recordings `who` may see — their media, or their metadata
   * (`recording:metadata:view`) — in input order (the same objects).
   */
  visible(who, recordings, now) {
    const codes = this.visibilityCodes(who, recordings, now);
    const rows = recordings instanceof RecordingSet ? recordings.recordings : recordings;
    // When most rows are shown, a copy cut down in place takes a third of
    // the time of pushing onto an empty array, which grows it step by step;
    // when few are, pushing is cheaper. A sample of the rows tells
    // which (a wrong guess costs time, never a row). The answer is a plain
    // array whatever array the rows came in (an Array subclass's slice()
    // would make one of its own kind).
    let shown = 0;
    const step = sampleStep(codes.length);
    for (let i = 0; i < codes.length; i += step) shown += codes[i] !== 0 ? 1 : 0;
    if (shown * 2 * step < codes.length || Object.getPrototypeOf(rows) !== Array.prototype) {
      const out = [];
      for (let i = 0; i < codes.length; i++) if (codes[i] !== 0) out.push(rows[i]);
      return out;
    }
    const out = rows.slice(0, codes.length);
    let n = 0;
    for (let i = 0; i < codes.length; i++) if (codes[i] !== 0) out[n++] = rows[i];
    out.length = n;
    return out;
  }

  /**
   * The reference for `visibility()`: one recording's visibility attributes
   * read by the core's JSON deserializer. Slow; for tests and debugging.
   */
  visibilityOf(who, recording, now) {
    const [principal, actor] = askerOf(who);
    return VISIBILITY[this.#w.visibility_json(principal, actor, recordingText(recording, true), nowText(now))] ?? 'hidden';
  }

  /**
   * Releases the gate's WebAssembly memory now rather than at garbage
   * collection. Every later call on the gate throws "this Gate was freed";
   * calling free() again does nothing.
   */
  free() {
    const w = this.#loaded;
    if (w === null) return;
    this.#loaded = null;
    this.#listeners.clear();
    w.free();
  }
}

if (typeof Symbol.dispose === 'symbol') {
  // `using gate = Gate.fromPolicy(…)` frees it at the end of the block.
  Object.defineProperty(Gate.prototype, Symbol.dispose, {
    value() { this.free(); }, writable: true, configurable: true,
  });
}

function freedError() {
  return new Error('recgate: this Gate was freed (gate.free() was called, or every holder released it): '
    + 'load the policy again with Gate.fromPolicy, or keep the gate while it is in use');
}

/** Rethrows `e` outside the current call stack (reported, not swallowed). */
function reportLater(e) {
  if (typeof reportError === 'function') reportError(e);
  else setTimeout(() => { throw e; }, 0);
}

/** Validates and compiles a policy document into a LoadedPolicy, or throws PolicyError. */
function loadPolicy(g, policy, options) {
  const text = typeof policy === 'string' ? policy : jsonText(policy);
  if (text === '') {
    throw new PolicyError([{ path: '', message: 'the policy is not a JSON document (expected an object or JSON text)' }]);
  }
  const maxBytes = options?.maxBytes ?? 0;
  if (!Number.isInteger(maxBytes) || maxBytes < 0 || maxBytes > 0xffffffff) {
    throw new RangeError('recgate: options.maxBytes must be a whole number of bytes');
  }
  try {
    return g.LoadedPolicy.load(text, maxBytes);
  } catch (e) {
    if (typeof e !== 'string') throw e;
    const failure = JSON.parse(e);
    if (failure.fatal) throw new Error(`recgate: ${failure.fatal}`);
    throw new PolicyError(failure.errors);
  }
}
