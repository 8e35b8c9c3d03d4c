// The bound wasm-bindgen module: its glue, its memory and its wire layout.
//
// The layout — the row columns and flags, the request words, the result bits
// of check(), the buffer sizes, the reason codes — is the wasm's own, read by
// name from its `layout_names()` / `layout_values()` exports when the module
// is bound (wasm-web/src/layout.rs): there is no second copy of a number in
// JavaScript. Each module that reads the layout on a hot path takes its own
// copy of the values it uses when the module is bound (`bind…(layout)`): V8
// reads a module's own variable faster than an imported binding, and a
// check() reads some thirty of them (×1.07–1.10 when they were imported).

/** @type {any} the initialised wasm-bindgen glue module */
export let glue = null;
/** @type {WebAssembly.Memory | null} the module's memory */
export let memory = null;

/**
 * The layout of a bound module: every constant by its JavaScript name.
 * @typedef {Record<string, any>} Layout
 */

/** Reads the layout of a bound module. @returns {Layout} */
function readLayout(g) {
  const names = g.layout_names().split(',');
  const values = g.layout_values();
  const need = (k) => {
    const i = names.indexOf(k);
    if (i < 0) throw new Error(`recgate: the WebAssembly module's layout has no ${k}`);
    return values[i];
  };
  if (need('FLAGS') !== 0) throw new Error('recgate: the row flags must be column 0');
  const l = {
    // Rows (rows.rs): u32 columns per row, the flags of column 0, the columns.
    STRIDE: need('STRIDE'), NONE: need('NONE'),
    VALID: need('VALID'), LEGAL_HOLD: need('LEGAL_HOLD'), SENSITIVE: need('SENSITIVE'), LIVE: need('LIVE'),
    HAS_RETENTION: need('HAS_RETENTION'), CREATED_AT_TEXT: need('CREATED_AT_TEXT'),
    C_MEDIA: need('MEDIA'), C_DIRECTION: need('DIRECTION'), C_OWNER: need('OWNER'), C_QUEUE: need('QUEUE'),
    C_REGION: need('REGION'), C_LINE: need('LINE'), C_CREATED_AT: need('CREATED_AT'), C_RETENTION: need('RETENTION'),
    C_DIVISIONS_AT: need('DIVISIONS_AT'), C_DIVISIONS_LEN: need('DIVISIONS_LEN'),
    C_PARTICIPANTS_AT: need('PARTICIPANTS_AT'), C_PARTICIPANTS_LEN: need('PARTICIPANTS_LEN'),
    // Result bits of LoadedPolicy.check.
    ALLOW: need('ALLOW'), REDACT: need('REDACT'), FULL: need('FULL'), NO_ID: need('NO_ID'),
    RETRY: need('RETRY'), RESYNC: need('RESYNC'), REASON_SHIFT: need('REASON_SHIFT'),
    // The request words of LoadedPolicy.check_words (request.rs).
    REQ_WORDS: need('REQ_WORDS'), REQ_PRINCIPAL: need('REQ_PRINCIPAL'), REQ_ACTOR: need('REQ_ACTOR'),
    REQ_PERMISSION: need('REQ_PERMISSION'), REQ_NOW: need('REQ_NOW'), REQ_KIND: need('REQ_KIND'),
    REQ_ID: need('REQ_ID'), REQ_AUX: need('REQ_AUX'), REQ_RELATED_AT: need('REQ_RELATED_AT'),
    REQ_RELATED_LEN: need('REQ_RELATED_LEN'), REQ_ROW: need('REQ_ROW'), REQ_LISTS: need('REQ_LISTS'),
    KIND_RECORDING: need('KIND_RECORDING'), KIND_REPORT: need('KIND_REPORT'),
    // The request string-table buffer (bytes) and its string ends (words).
    TEXT_BYTES: need('TEXT'), ENDS: need('ENDS'),
    // The `out` words of a decision: the rule's number, then 16 id bytes.
    OUT_GRANT: need('OUT_GRANT'), OUT_ID: need('OUT_ID'),
  };
  /** @type {Map<string, number>} resource types the words path carries */
  l.KINDS = new Map([['recording', l.KIND_RECORDING], ['queue', need('KIND_QUEUE')], ['user', need('KIND_USER')],
    ['role', need('KIND_ROLE')], ['schedule', need('KIND_SCHEDULE')], ['report', l.KIND_REPORT]]);
  /** @type {string[]} the SPEC §2 attributes of a recording, in the core's order */
  l.RECORDING_FIELDS = g.recording_fields().split(',');
  /** @type {Map<string, Set<string>>} per resource type, the members the core reads (besides `type`) */
  l.RESOURCE_FIELDS = new Map(['recording', 'annotation', 'report', 'queue', 'user', 'role', 'schedule']
    .map((kind) => [kind, new Set(g.resource_fields(kind).split(','))]));
  /** @type {string[]} visibility names by code */
  l.VISIBILITY = [];
  l.VISIBILITY[need('VISIBILITY_HIDDEN')] = 'hidden';
  l.VISIBILITY[need('VISIBILITY_METADATA')] = 'metadata';
  l.VISIBILITY[need('VISIBILITY_MEDIA')] = 'media';
  /** @type {string[]} reason codes by index */
  l.REASONS = JSON.parse(g.reasons());
  return l;
}

/** Binds an initialised glue module; returns its layout, for each module to take what it reads. */
export function bindModule(g) {
  const layout = readLayout(g);
  memory = g.wasm_memory();
  glue = g;
  return layout;
}

/** Whether the wasm module is ready. */
export function isReady() {
  return glue !== null;
}

/** The glue, or an error that says how to initialise it. */
export function needGlue() {
  if (glue === null) {
    throw new Error('recgate: the WebAssembly module is not initialised yet — `await init()` (or `await ready()`) first, or `initSync(bytes)`');
  }
  return glue;
}
