// The typed API of the recgate npm package over the wasm-bindgen glue.
//
// Nothing here decides anything: every answer comes from the Rust core
// (recgate-core) through the `LoadedPolicy` export. A Gate turns each call
// into the core's input — words for check() and can() (request-words.js),
// row columns for visible() (row-words.js), JSON text for the rest
// (request-text.js) — and the core's answer back into JavaScript values.

import { bindModule, memory, needGlue } from './binding.js';
import {
  bindMembers, hideUnreadable, isNearMiss, knownNearMiss, knownRecordingKey, recordingKey, unreadableRows,
} from './members.js';
import { askerOf, bindRequestText, jsonText, nowText, principalText, recordingText, requestText } from './request-text.js';
import { bindRequestWords, encodeRequest, TextSink } from './request-words.js';
import { bindRows, encodeRows, GrowableArray, HIDE_ALL, ROW_STRINGS_MAX, RowSkip, sampleStep, StringTable } from './row-words.js';

export { isReady } from './binding.js';

// The bound module's layout: see binding.js.
let STRIDE = 0, ALLOW = 0, REDACT = 0, FULL = 0, NO_ID = 0, RETRY = 0, RESYNC = 0, REASON_SHIFT = 0;
let TEXT_BYTES = 0, OUT_GRANT = 0, OUT_ID = 0, VISIBILITY = [], REASONS = [];

/** Binds the API to an initialised glue module (called by index.js / bundler.js). */
export function bind(g) {
  const layout = bindModule(g);
  ({ STRIDE, ALLOW, REDACT, FULL, NO_ID, RETRY, RESYNC, REASON_SHIFT, TEXT_BYTES, OUT_GRANT, OUT_ID,
    VISIBILITY, REASONS } = layout);
  bindMembers(layout);
  bindRequestText(layout);
  bindRequestWords(layout);
  bindRows(layout);
}

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
      reason: REASONS[code >>> REASON_SHIFT] ?? 'invalid_request',
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
      if (sink.unknown === null) break;
      const [kind, key] = sink.unknown;
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
   * Who the session `who` is, as SPEC §3 steps 2–3 find it: their lines
   * (`[{ step, text }]`) as every `explain()` of its requests tells them
   * ("actor svc may impersonate ann (…); from here on ann's roles decide"),
   * for a banner in the core's words. Empty when `now` cannot be read.
   */
  sessionSteps(who, now) {
    const [principal, actor] = askerOf(who);
    return JSON.parse(this.#w.session_steps(principal, actor, nowText(now)));
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
