// Requests and recordings as the core's JSON text: the reference reading,
// which the words and row encoders must agree with. A value JSON would
// quietly change (a Date, NaN, a function) makes the input unreadable
// instead, and members recgate ignores are left out, so their values need
// not be JSON data.

import { isNearMiss, KEY_FIELD, KEY_NEAR_MISS, KEY_TYPE, recordingKey, skippable } from './members.js';

/** @type {Map<string, Set<string>>} per resource type, the members the core reads (besides `type`) */
let RESOURCE_FIELDS = new Map();

/** Takes the bound module's layout (binding.js). */
export function bindRequestText(layout) {
  ({ RESOURCE_FIELDS } = layout);
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
export function jsonText(value) {
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
export function requestText(request) {
  if (!isPlain(request) || !isPlain(request.resource)) return jsonText(request);
  return jsonText({ ...request, resource: prunedResource(request.resource) });
}

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

/** The RFC 3339 text of `now`; '' (undecidable: deny) when it is not a string or a valid Date. */
export function nowText(now) {
  if (now === undefined) return currentTime();
  if (typeof now === 'string') return now;
  if (now instanceof Date) {
    return Number.isNaN(now.getTime()) ? '' : now.toISOString();
  }
  return '';
}

export function principalText(p) {
  // Policy ids are never empty: a principal that is not a string is unknown.
  return typeof p === 'string' ? p : '';
}

/**
 * The principal and the actor (`undefined`: the principal acts for itself)
 * of `who`: a principal's id, or `{ principal, actor }`. An id that is not a
 * string reads as `''`, which no policy has: unknown, refused.
 */
export function askerOf(who) {
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
export function recordingText(rec, idOptional = false) {
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

/** Whether `o` is a plain object (an object literal, JSON.parse's, or null-prototype). */
export function isPlain(o) {
  if (o === null || typeof o !== 'object') return false;
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}
