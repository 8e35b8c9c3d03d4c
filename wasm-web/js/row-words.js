// Lists of recordings as row columns for `visible()`: each row's attributes
// written straight into wasm memory (wasm-web/src/rows.rs), each string
// numbered once per gate, the rows the core's prefilter proves hidden
// written hidden after one read, and each row's value types and member
// names checked as the core's deserializer checks them.

import { harmlessNames, knownRecordingKey, memberCheck, MEMBERS_REFUSED, MEMBERS_UNKNOWN, wellFormed } from './members.js';

// The bound module's layout: see binding.js.
let STRIDE = 0, NONE = 0, VALID = 0, LEGAL_HOLD = 0, SENSITIVE = 0, LIVE = 0, HAS_RETENTION = 0;
let CREATED_AT_TEXT = 0, C_MEDIA = 0, C_DIRECTION = 0, C_OWNER = 0, C_QUEUE = 0, C_REGION = 0, C_LINE = 0;
let C_CREATED_AT = 0, C_RETENTION = 0, C_DIVISIONS_AT = 0, C_DIVISIONS_LEN = 0, C_PARTICIPANTS_AT = 0;
let C_PARTICIPANTS_LEN = 0;

/** Takes the bound module's layout (binding.js). */
export function bindRows(layout) {
  ({ STRIDE, NONE, VALID, LEGAL_HOLD, SENSITIVE, LIVE, HAS_RETENTION, CREATED_AT_TEXT, C_MEDIA, C_DIRECTION,
    C_OWNER, C_QUEUE, C_REGION, C_LINE, C_CREATED_AT, C_RETENTION, C_DIVISIONS_AT, C_DIVISIONS_LEN,
    C_PARTICIPANTS_AT, C_PARTICIPANTS_LEN } = layout);
}

// Strings a gate keeps numbered between visible() calls; past this many, it
// starts a new table (memory stays bounded, a few MB, when every list brings
// new strings; a 100,000-row list with a distinct createdAt per row fits).
export const ROW_STRINGS_MAX = 1 << 17;

/**
 * Distinct strings numbered in order of first use, for the wasm string table
 * they mirror. The index is a null-prototype object in dictionary mode rather
 * than a Map: V8 looks a string key up there two to three times faster (the
 * key is internalised once, then compared by identity). A table can outlive
 * its batch: `pending()` is what the wasm side does not hold yet.
 */
export class StringTable {
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
export class GrowableArray {
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
export function sampleStep(length) {
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
export class RowSkip {
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
export const HIDE_ALL = Symbol('recgate: every row hidden');

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
