// Types of the recgate npm package (the entry points "." — browser, Node ESM
// and CommonJS — and "./bundler"; "./react" has its own, js/react.d.ts).
// Field names and codes are those of the recgate/v1 contract (SPEC §1–§7).

// ───────────────────────────── catalog (SPEC §6) ─────────────────────────────

/** A permission of the catalog: what a request asks for. */
export type Permission =
  | 'recording:recording:view'
  | 'recording:recording:delete'
  | 'recording:recording:download'
  | 'recording:recording:blackout'
  | 'recording:recording:editRetention'
  | 'recording:recording:restore'
  | 'recording:recording:viewSensitiveData'
  | 'recording:screenRecording:view'
  | 'recording:screenRecording:delete'
  | 'recording:screenRecording:edit'
  | 'recording:screenRecording:download'
  | 'recording:metadata:view'
  | 'recording:annotation:view'
  | 'recording:annotation:add'
  | 'recording:annotation:edit'
  | 'recording:annotation:delete'
  | 'recording:deletionProtection:apply'
  | 'recording:deletionProtection:revoke'
  | 'conversation:transcript:view'
  | 'conversation:call:monitor'
  | 'recording:retentionPolicy:view'
  | 'recording:retentionPolicy:edit'
  | 'recording:recordingSchedule:view'
  | 'recording:recordingSchedule:add'
  | 'recording:recordingSchedule:edit'
  | 'recording:recordingSchedule:delete'
  | 'routing:queue:view'
  | 'routing:queue:edit'
  | 'routing:queue:join'
  | 'analytics:reportingData:view'
  | 'directory:user:view'
  | 'directory:user:add'
  | 'directory:user:edit'
  | 'directory:user:impersonate'
  | 'telephony:agent:access'
  | 'telephony:callControl:access'
  | 'authorization:role:view'
  | 'authorization:role:add'
  | 'authorization:role:edit'
  | 'authorization:role:delete'
  | 'recording:job:view'
  | 'recording:job:add'
  | 'recording:job:edit'
  | 'recording:job:delete'
  | 'recording:settings:view'
  | 'recording:settings:edit';

/**
 * A permission or a pattern (`recording:*:delete`, `*:*:*`) in a policy's
 * grants and denies. A pattern must match at least one catalog entry.
 */
export type PermissionPattern = Permission | `${string}:${string}:${string}`;

// ─────────────────────────── policy document (SPEC §1) ───────────────────────────

export type Media = 'audio' | 'screen' | 'chat' | 'email' | 'messaging';
export type Direction = 'inbound' | 'outbound';

/** Which resources a grant or deny reaches for the user holding it (SPEC §2). */
export type Scope = 'all' | 'self' | 'assigned' | 'lines' | { group: string } | { view: string };

/** Conditions: every present key must hold; each list means "any of". */
export interface When {
  queues?: string[];
  media?: Media[];
  directions?: Direction[];
}

export interface GrantRule {
  permission: PermissionPattern;
  /** Default `"all"`. */
  scope?: Scope;
  when?: When;
  /** Only meaningful on `recording:metadata:view` (SPEC §3 step 9). */
  crossRegion?: boolean;
}

export interface DenyRule {
  permission: PermissionPattern;
  scope?: Scope;
  when?: When;
}

export interface Role {
  name?: string;
  description?: string;
  inherits?: string[];
  system?: boolean;
  grants?: GrantRule[];
  denies?: DenyRule[];
}

export interface RoleAssignment {
  role: string;
  /** Default `["home"]`; `["*"]` means every division. */
  divisions?: string[];
}

export interface User {
  name?: string;
  description?: string;
  kind?: 'user' | 'service';
  roles?: RoleAssignment[];
  /** Default `"home"`. */
  division?: string;
  /** Default `settings.homeRegion`. */
  region?: string;
  bpo?: boolean;
  lines?: string[];
  revokedSessions?: string[];
  disabled?: boolean;
}

export interface Division {
  name?: string;
  description?: string;
}

export interface Group {
  name?: string;
  description?: string;
  members?: string[];
  bpo?: boolean;
}

export interface Queue {
  name?: string;
  description?: string;
  division: string;
  members?: string[];
  groups?: string[];
}

export interface View {
  name?: string;
  description?: string;
  queues?: string[];
  users?: string[];
  groups?: string[];
}

export type LicenseTier = 'collaborate' | 'communicate' | 'cx1' | 'cx2' | 'cx3';

export interface Settings {
  homeRegion?: string;
  /** Days; absent: nothing expires. */
  retentionDays?: { screen?: number; default?: number };
  tokenMaxAgeSeconds?: number;
  bpoExport?: boolean;
  recordingMode?: 'interactions' | 'continuous';
  interactionTypes?: string[];
  consentNotice?: boolean;
  /** Overrides of the license tier table: permission pattern → tier. */
  licenseTiers?: Record<string, LicenseTier>;
}

/** A recgate/v1 policy document: a whole organisation, or a principal slice (SPEC §5). */
/** `sliceOf` of a principal slice (docs/policy.md, "Slices"). */
export interface SliceOf {
  /** The principal the slice was made for (one of its users). */
  principal: string;
  /** SHA-256 (hex) of the canonical whole policy the slice was cut from. */
  revisionHash: string;
}

export interface Policy {
  schema: 'recgate/v1';
  revision: string;
  settings?: Settings;
  divisions?: Record<string, Division>;
  groups?: Record<string, Group>;
  queues?: Record<string, Queue>;
  views?: Record<string, View>;
  roles?: Record<string, Role>;
  users?: Record<string, User>;
  prerequisites?: Partial<Record<Permission, Permission[]>>;
  /** Present in a principal slice: whose it is and the whole policy's content hash. */
  sliceOf?: SliceOf;
}

// ─────────────────────────── resources and requests (SPEC §2) ───────────────────────────

/**
 * A recording's attributes, as the recordings store knows them. A row may
 * carry other members (titles, durations, links): recgate does not read
 * them — except a near-miss of one of these names (`legalhold`, `sensitve`),
 * which makes the recording unreadable (`invalid_request`, hidden).
 */
export interface Recording {
  id: string;
  conversationId?: string | null;
  media?: Media | null;
  direction?: Direction | null;
  /** The recorded agent. */
  owner?: string | null;
  participants?: string[];
  queue?: string | null;
  /** Default `["home"]`. */
  divisions?: string[] | null;
  /** Default: the policy's home region. */
  region?: string | null;
  line?: string | null;
  /** RFC 3339, e.g. `"2026-11-01T09:00:00Z"`. */
  createdAt?: string | null;
  /** Overrides `settings.retentionDays`. */
  retentionDays?: number | null;
  legalHold?: boolean;
  sensitive?: boolean;
  live?: boolean;
  /** Recordings deleted with this one (screen recordings, transcripts). */
  related?: string[];
  /** What the entity is: a recording copied from a request may say so (nothing else). */
  type?: 'recording';
}

export interface Annotation {
  /** What the annotation is; may be given when it is asked about on its own. */
  type?: 'annotation';
  id: string;
  author?: string | null;
  /** Default `"public"`. */
  visibility?: 'public' | 'private';
  recording: Recording;
}

export type Resource =
  | ({ type: 'recording' } & Recording)
  | ({ type: 'annotation' } & Annotation)
  | { type: 'queue'; id: string }
  | { type: 'user'; id: string }
  | { type: 'report'; user?: string | null; queue?: string | null }
  | { type: 'role'; id: string }
  | { type: 'schedule'; id: string };

/**
 * One authorization question. Unknown members of the request itself make it
 * `invalid_request` (a misspelt `actor` must never be ignored); a resource's
 * members recgate does not read are ignored, near-misses refused.
 */
export interface Request {
  /** On whose behalf the call is made. */
  principal: string;
  /** Who authenticated; the principal when absent. */
  actor?: string | null;
  permission: Permission;
  resource: Resource;
  /** RFC 3339. */
  now: string;
}

// ─────────────────────────────── decisions (SPEC §3, §4) ───────────────────────────────

export type Reason =
  | 'allow'
  | 'invalid_request'
  | 'unknown_principal'
  | 'principal_disabled'
  | 'unknown_resource'
  | 'impersonation_denied'
  | 'expired'
  | 'legal_hold'
  | 'private_annotation'
  | 'denied'
  | 'no_permission'
  | 'out_of_division'
  | 'out_of_scope'
  | 'condition_unmet'
  | 'region'
  | 'prerequisite_missing'
  | 'no_access'
  | 'bpo_restricted'
  | 'sensitive'
  | 'token_missing'
  | 'token_expired'
  | 'token_too_old'
  | 'session_revoked'
  | 'route_unknown'
  | 'resource_unavailable'
  | 'token_invalid'
  | 'bulk_restricted'
  | 'conversation_ended';

/** What an enforcement point must do along with an allow. */
export type Obligation =
  | { type: 'redact' }
  | { type: 'cascade'; ids: string[] };

/** The grant that allowed, or the deny that matched. */
export interface Grant {
  role: string;
  /** The permission or pattern as the policy writes it. */
  permission: PermissionPattern;
  scope: Scope;
}

/** A decision, exactly as SPEC §4 and `recgate eval`. */
export interface Decision {
  allow: boolean;
  reason: Reason;
  revision: string;
  grant: Grant | null;
  obligations: Obligation[];
  /** 128 random bits, 32 hex digits. */
  decisionId: string;
}

export interface ExplainStep {
  /** The SPEC §3 step (1–13). */
  step: number;
  text: string;
}

export interface Explanation {
  decision: Decision;
  steps: ExplainStep[];
  /** The steps and the outcome as lines of text. */
  text: string;
  /**
   * The decision in words for people, from the core ("outside your group
   * support-us", "blocked: retention expired 2026-12-21"); for an allow, its
   * obligations ("sensitive parts redacted"), empty when it has none.
   */
  words: string;
}

/**
 * Who asks: a principal's id, or a session in which `actor` (who
 * authenticated) acts on behalf of `principal` (SPEC §2). From SPEC §3 step 3
 * on, the principal's roles decide; steps 2–3 may refuse the session.
 */
export type Who = string | Session;

export interface Session {
  principal: string;
  /** Who authenticated; the principal when absent. */
  actor?: string | null;
}

/** Why a session can decide nothing at all (SPEC §3 steps 2–3). */
export interface Refusal {
  reason: 'unknown_principal' | 'principal_disabled' | 'impersonation_denied';
  /** In words, from the core ("svc-us may not act for b-em-1"). */
  words: string;
}

/** A recording as the policy reads it, its defaults applied (SPEC §1–§2). */
export interface EffectiveRecording {
  /** Its divisions (`["home"]` when it names none). */
  divisions: string[];
  /** Its region (the policy's home region when it names none). */
  region: string;
  retention: Retention;
}

/** How long a recording is kept under the policy (SPEC §3 step 4). */
export interface Retention {
  /** The days that apply (the recording's own, else `defaultDays`); `null`: kept for ever. */
  days: number | null;
  /** `settings.retentionDays` for the recording's media. */
  defaultDays: number | null;
  /** When it expires (RFC 3339); `null` when it never does (legal hold, no `createdAt`, no period). */
  until: string | null;
  legalHold: boolean;
}

// ───────────────────────────── player controls ─────────────────────────────

export type ControlName =
  | 'play'
  | 'download'
  | 'delete'
  | 'blackout'
  | 'bookmark'
  | 'viewBookmarks'
  | 'transcript'
  | 'monitorLive'
  | 'editRetention'
  | 'legalHold';

/** Reason codes of a denied control. */
export type DenyReason = Exclude<Reason, 'allow'>;

interface ControlCommon {
  /** The permission this control needs on this recording; `null` when the recording could not be read. */
  permission: Permission | null;
  /**
   * Whether the principal holds any grant of that permission at all (denies,
   * scopes and conditions aside): `false` means no role ever gives it to them.
   */
  granted: boolean;
  /**
   * The state in words, from the core — why the control is disabled or does
   * not apply, or the obligations of an allow; empty for an allow without any.
   * When the principal holds no grant of the permission at all, the words
   * say so even where an earlier step (legal hold, retention) decided.
   */
  words: string;
}

/** One control's state: enabled, disabled by the decision, or not applicable to this recording. */
export type ControlState =
  | (ControlCommon & {
      status: 'allowed';
      allowed: true;
      reason: 'allow';
      /** Obligations of the allow (redact on play, cascade on delete). */
      obligations: Obligation[];
    })
  | (ControlCommon & {
      status: 'denied';
      allowed: false;
      reason: DenyReason;
      obligations: [];
    })
  | (ControlCommon & {
      /** The control does not apply (monitoring a finished call, blacking out a screen recording): no decision, no reason code. */
      status: 'notApplicable';
      allowed: false;
      reason: null;
      obligations: [];
    });

/** Every player control's state, keyed by control name. */
export type Controls = { [K in ControlName]: ControlState };

export type Visibility = 'media' | 'metadata' | 'hidden';

// ───────────────────────────── lint and validation ─────────────────────────────

export type LintRuleId =
  | 'system-role-inheritance'
  | 'impersonate-scope-all'
  | 'bpo-reporting-scope-all'
  | 'bpo-queue-scope-all'
  | 'bpo-flag-missing'
  | 'cross-region-media'
  | 'agent-can-view-screens'
  | 'destructive-spread'
  | 'record-all'
  | 'retention-range'
  | 'consent-notice-off'
  | 'token-max-age'
  | 'unused-role'
  | 'over-privileged';

export interface LintFinding {
  id: LintRuleId;
  severity: 'info' | 'warning' | 'error';
  /** JSON pointer of the element at fault. */
  path: string;
  message: string;
  /** How to fix it, in one line. */
  fix: string;
}

/** One problem in a policy document. */
export interface ValidationError {
  /** JSON pointer (RFC 6901); `""` is the whole document. */
  path: string;
  message: string;
}

/**
 * What `visible()` reads of a row: a recording's attributes but `id`,
 * `conversationId` and `related`, which decide nothing about visibility.
 */
export type VisibilityAttributes = Omit<Recording, 'id' | 'conversationId' | 'related'> & Partial<Pick<Recording, 'id' | 'conversationId' | 'related'>>;

/** Recordings encoded once by `gate.prepare()`, usable with any gate. */
export class RecordingSet<R extends VisibilityAttributes = VisibilityAttributes> {
  private constructor();
  /** Number of recordings. */
  readonly length: number;
  /** The recordings, in the order given to `prepare`. */
  readonly recordings: readonly R[];
  /** Releases the set's wasm memory now instead of at garbage collection. */
  free(): void;
}

/** Thrown by `Gate.fromPolicy`: every problem of the document, each with its JSON pointer. */
export class PolicyError extends Error {
  readonly name: 'PolicyError';
  readonly errors: ValidationError[];
  constructor(errors: ValidationError[]);
}

// ─────────────────────────────── the gate ───────────────────────────────

/** A timestamp: RFC 3339 text or a Date. Where optional, it defaults to the current time. */
export type Now = string | Date;

export interface LoadOptions {
  /** Largest accepted policy document in bytes (default 16 MiB). */
  maxBytes?: number;
}

/**
 * A loaded policy and every question that can be asked of it. In a browser,
 * load the signed-in user's principal slice, never the whole organisation.
 */
export class Gate {
  private constructor();

  /**
   * Validates and compiles a policy (JSON text or object; a whole policy or a
   * principal slice). Throws a `PolicyError` listing every problem.
   */
  static fromPolicy(policy: Policy | string, options?: LoadOptions): Gate;

  /** The policy's `revision`. */
  readonly revision: string;
  /**
   * SHA-256 of the canonical policy (hex), equal to `recgate hash` of the
   * same document. A slice is another document: its hash is not the
   * organisation's (compare `sourceHash`).
   */
  readonly revisionHash: string;
  /**
   * The content hash of the whole policy this gate decides for: for a
   * principal slice, the organisation policy's (`sliceOf.revisionHash`, what
   * the server's `recgate hash` prints); otherwise `revisionHash`.
   */
  readonly sourceHash: string;

  /** Decides a request. Malformed input gives reason `invalid_request`; never throws for it. */
  check(request: Request): Decision;
  /** Decides a request given as JSON text (the exact path of `recgate eval`). */
  checkJson(text: string): Decision;
  /** Whether `who` may do `permission` on `resource`. */
  can(who: Who, permission: Permission, resource: Resource, now?: Now): boolean;
  /** `can()` with its reason and the core's words (`explain()`'s decision and words). */
  why(who: Who, permission: Permission, resource: Resource, now?: Now): Why;
  /** How a request is decided, step by step and in words. */
  explain(request: Request): Explanation;
  /** Why `who` can decide nothing at all (unknown, disabled, impersonation refused); `null` when they can. */
  refusal(who: Who, now?: Now): Refusal | null;
  /**
   * Who `who` is as SPEC §3 steps 2–3 find it: those steps' lines, as every `explain()` of the
   * session's requests tells them ("actor svc may impersonate ann (…); from here on ann's roles decide").
   */
  sessionSteps(who: Who, now?: Now): ExplainStep[];
  /** A recording as this policy reads it, defaults applied; `null` when the recording cannot be read. */
  effective(recording: Recording): EffectiveRecording | null;
  /** The policy's lint findings. */
  lint(): LintFinding[];
  /** The principal's slice (SPEC §5). Throws a RangeError for an unknown principal. */
  slice(principal: string): Policy;
  /**
   * The query plan for a recording permission (docs/query-plans.md): a filter true for exactly
   * the recordings the principal may be allowed, and the redact filter beside it. Throws a
   * RangeError for a permission that is not a recording permission or an unreadable `now`.
   */
  plan(principal: string, permission: Permission, now?: Now): Plan;

  /** Every player control's state for `who` on `recording`, each in the core's words. */
  controls(who: Who, recording: Recording, now?: Now): Controls;

  /**
   * The recordings `who` may see (media, or metadata only), in input
   * order — the same objects. Rows may carry other properties (titles,
   * durations): recgate reads only its attributes. A row whose attributes
   * have the wrong type, or with a near-miss of one, is hidden; so is every
   * row of a refused session.
   */
  visible<R extends VisibilityAttributes>(who: Who, recordings: readonly R[] | RecordingSet<R>, now?: Now): R[];
  /** How much of each recording `who` may see, in input order. */
  visibility(who: Who, recordings: readonly VisibilityAttributes[] | RecordingSet, now?: Now): Visibility[];
  /** One byte per recording: 0 hidden, 1 metadata only, 2 media. */
  visibilityCodes(who: Who, recordings: readonly VisibilityAttributes[] | RecordingSet, now?: Now): Uint8Array;
  /**
   * Encodes recordings once for repeated visibility decisions (another
   * principal, another `now`, another gate): a snapshot of their attributes.
   */
  prepare<R extends VisibilityAttributes>(recordings: readonly R[]): RecordingSet<R>;
  /** `visibility()` of one recording through the core's JSON reader: the slow reference path. */
  visibilityOf(who: Who, recording: VisibilityAttributes, now?: Now): Visibility;

  /**
   * Replaces the policy (a new slice after an edit, a newer revision) and
   * tells every `on('updated')` listener. An invalid document throws a
   * `PolicyError` and the gate keeps the policy it had.
   */
  update(policy: Policy | string, options?: LoadOptions): void;
  /** Calls `listener` after every `update()`; returns the function that stops it. */
  on(event: 'updated', listener: (event: GateUpdated) => void): () => void;
  /** How many times `update()` replaced the policy (0 for a new gate). */
  readonly version: number;
  /** Whether the gate was freed; every call on a freed gate throws "this Gate was freed". */
  readonly freed: boolean;
  /**
   * One more holder; returns its release function. When the last holder
   * releases the gate it is freed on a later task, so a release followed at
   * once by a retain (React StrictMode's effect replay) keeps it.
   */
  retain(): () => void;
  /** Releases this gate's wasm memory now instead of at garbage collection; a second call does nothing. */
  free(): void;
}

/** What `gate.why()`, `useCan()` and `<Can>` give. */
export interface Why {
  allowed: boolean;
  reason: Reason;
  /** The core's words for the decision: why not, or the obligations of an allow ('' when there are none). */
  words: string;
  obligations: Obligation[];
  decision: Decision;
}

/** The event of `gate.on('updated', …)`. */
export interface GateUpdated {
  type: 'updated';
  gate: Gate;
  /** The new policy's `revision`. */
  revision: string;
  previousRevision: string;
  /** `gate.version` after this update. */
  version: number;
}

// ─────────────────────────────── initialisation ───────────────────────────────

/** Bytes of the .wasm. */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/**
 * A compiled `WebAssembly.Module`, where the environment's type library
 * declares `WebAssembly` (lib "dom", "webworker" or @types/node).
 */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer M } } ? M : never;

/** A fetch `Response`, where the environment's type library declares one. */
export type WasmResponse = typeof globalThis extends { Response: abstract new (...args: never[]) => infer R } ? R : never;

/** A fetch `Request`, where the environment's type library declares one. */
export type WasmRequest = typeof globalThis extends { Request: abstract new (...args: never[]) => infer R } ? R : never;

/** Where the .wasm is, or the module itself. */
export type WasmSource =
  | string
  | URL
  | WasmRequest
  | WasmResponse
  | WasmBytes
  | WasmModule
  | Promise<WasmResponse | WasmBytes | WasmModule>;

/**
 * Instantiates the WebAssembly module (once). Without an argument,
 * `recgate_web_bg.wasm` is fetched beside the glue module.
 */
export function init(input?: WasmSource | { module_or_path: WasmSource }): Promise<void>;
/** Instantiates the module synchronously from its bytes or a compiled module (Node, workers). */
export function initSync(module: WasmBytes | WasmModule | { module: WasmBytes | WasmModule }): void;
/** Resolves when the module is ready (initialising it from the default location if needed). */
export function ready(): Promise<void>;
export default init;

// ───────────────────────────── query plans ─────────────────────────────

/** A condition on one recording; false when the attribute it reads is absent. */
export type PlanCondition =
  | { attr: 'ownerIn' | 'participantIn' | 'queueIn' | 'divisionIn' | 'regionIn' | 'lineIn'; values: string[] }
  | { attr: 'mediaIn'; values: Media[] }
  | { attr: 'directionIn'; values: Direction[] }
  | { attr: 'legalHold' | 'sensitive' | 'live' }
  | { attr: 'expired'; now: number; screenDays: number | null; defaultDays: number | null };

/** A boolean filter over recordings. */
export type PlanFilter =
  | { op: 'always' }
  | { op: 'never' }
  | { op: 'and' | 'or'; args: PlanFilter[] }
  | { op: 'not'; args: PlanFilter }
  | { op: 'cond'; args: PlanCondition };

/** A principal's access to recordings, pushed down into a query. */
export interface Plan {
  revision: string;
  permission: Permission;
  filter: PlanFilter;
  redact: PlanFilter;
}

// ───────────────────────────── signed policies ─────────────────────────────

/** A detached signature over a policy's content hash (docs/signing.md). */
export interface SignatureEnvelope {
  format: 'recgate-signature/v1';
  /** The first 16 hex digits of the SHA-256 of the signer's public key. */
  keyId: string;
  /** The policy's content hash (`revisionHash`). */
  contentHash: string;
  /** Raised with every policy the signer signs; lower is older. */
  serial: number;
  /** Ed25519 signature of `signedMessage(contentHash, serial)`, base64. */
  signature: string;
}

/** Why a signed policy is refused. */
export type SignatureRefusal = 'malformed' | 'unknown_key' | 'bad_signature' | 'hash_mismatch' | 'stale';

export type SignatureVerdict =
  | { valid: true; keyId: string; serial: number; contentHash: string }
  | { valid: false; reason: SignatureRefusal; message: string };

/** `recgate-signature/v1`. */
export const SIGNATURE_FORMAT: 'recgate-signature/v1';

/** The bytes a signature covers (what a server signs with Ed25519). */
export function signedMessage(contentHash: string, serial: number): Uint8Array;

/**
 * Checks a policy's (or a slice's) detached signature with WebCrypto's Ed25519.
 * `trustedKeys`: base64 of the 32-byte public keys, or PEM `PUBLIC KEY` blocks.
 * Throws `TypeError` for a trusted key that cannot be read.
 */
export function verifyPolicySignature(
  policy: Gate | string,
  envelope: string | SignatureEnvelope,
  trustedKeys: readonly string[],
  options?: { minimumSerial?: number; subtle?: SubtleCrypto },
): Promise<SignatureVerdict>;
