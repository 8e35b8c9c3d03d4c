// Member names of the objects the package is given: which ones the core
// reads, which ones it refuses as a near-miss of one it reads (`legalhold`,
// `sensitve`: never ignored, or a typo could widen a decision), and which
// ones it ignores; and whether a string can reach the core at all (valid
// Unicode). The core classifies each name once (`near_miss`); the answers
// are kept here, bounded, because names come from data.

import { glue } from './binding.js';

/** @type {string[]} the SPEC §2 attributes of a recording, in the core's order */
let RECORDING_FIELDS = [];

/**
 * Per resource type, whether each member name that recgate does not read is
 * a near-miss of one it does (the core's answer, asked once per name): a
 * near-miss makes the resource unreadable; any other member is skipped.
 * @type {Map<string, Map<string, boolean>>}
 */
let nearMisses = new Map();

/** Whether `key`, not a field of a `kind` resource, is a near-miss of one (the core decides). */
export function isNearMiss(kind, key) {
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
export function knownNearMiss(kind, key) {
  return nearMisses.get(kind)?.get(key);
}

// Members of a row whose names memberCheck remembers from the rows before.
const SHAPE_MEMBERS = 64;

// What a member name of a recording row is, for the row encoders.
export const KEY_IGNORED = 0;
export const KEY_FIELD = 1; // a SPEC §2 attribute
export const KEY_NEAR_MISS = 2; // a near-miss of one (the core decides): the row is unreadable
export const KEY_TYPE = 3; // `type`: the row is unreadable unless it says "recording"
/** @type {Record<string, number>} member name → KEY_*; a null-prototype dictionary (see StringTable) */
let rowKeys = Object.create(null);
let rowKeyCount = 0;

/**
 * What the member `k` of a recording is, as far as it is known without
 * asking the core (KEY_*), or `undefined`: the words encoders use it, which
 * must not call into wasm while they write into its memory.
 */
export function knownRecordingKey(k) {
  return rowKeys[k];
}

/** What the member `k` of a recording is (KEY_*), asking the core once for a new name. */
export function recordingKey(k) {
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
export const wellFormed = typeof String.prototype.isWellFormed === 'function'
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
export function skippable(v, name, depth = 0) {
  if (!wellFormed(name)) return false;
  if (typeof v === 'string') return wellFormed(v);
  if (v === null || typeof v !== 'object') return true;
  if (depth === SKIPPED_DEPTH) return false;
  for (const k in v) if (!skippable(v[k], k, depth + 1)) return false;
  return true;
}

/**
 * A row's member names remembered from the rows before, by position, for
 * `memberCheck`: the names that need no second look (ignored members and
 * attributes). Unknown slots hold an attribute's name, which needs none
 * either. A packed array of strings, of a fixed length: V8 compares a name
 * with an element of a growing or mixed array at up to twice the cost.
 */
export function harmlessNames() {
  return new Array(SHAPE_MEMBERS).fill(RECORDING_FIELDS[0]);
}

// What memberCheck says of a row.
export const MEMBERS_READABLE = 0;
export const MEMBERS_REFUSED = 1; // a near-miss of an attribute, or a `type` that is not "recording"
export const MEMBERS_UNKNOWN = 2; // a name `classify` does not know

/**
 * Whether the core would refuse a member of `rec` (MEMBERS_*), each name
 * classified by `classify` (recordingKey, or knownRecordingKey where wasm
 * must not be called) unless it is where `harmless` has it. Rows of one list
 * share their members, so a name costs a pointer comparison, not a lookup.
 */
export function memberCheck(rec, harmless, classify) {
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
export function hideUnreadable(rows, codes, which = null) {
  const harmless = harmlessNames();
  const n = which === null ? codes.length : which.length;
  for (let i = 0; i < n; i++) {
    const r = which === null ? i : which[i];
    if (codes[r] !== 0 && memberCheck(rows[r], harmless, recordingKey) !== MEMBERS_READABLE) codes[r] = 0;
  }
  return codes;
}

/** hideUnreadable for a list to be prepared: one byte per row, 1 where the row is unreadable. */
export function unreadableRows(rows) {
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

/** Takes the bound module's layout (binding.js) and forgets every name's answer: a new module is asked again. */
export function bindMembers(layout) {
  RECORDING_FIELDS = layout.RECORDING_FIELDS;
  nearMisses = new Map();
  rowKeys = Object.create(null);
  rowKeyCount = 0;
}
