// ─────────────────────────────────────────────────────────────────────────
//  THE "SERVER SIDE" OF THE DEMO
//
//  In a real deployment this module is your recordings API. It alone holds
//  the whole organisation policy (examples/acme.json) and the recordings
//  store. It gives the browser two things only:
//    • the signed-in user's principal slice (SPEC §5: gate.slice(user)),
//      never the whole organisation, so a BPO agent cannot learn internal
//      headcount, roles or groups;
//    • the recordings that user may see, media stripped from metadata-only
//      rows.
//  Every action (play, delete, blackout, bookmark, …) is decided again here
//  with the whole policy before it changes anything: the browser's gate only
//  decides what to show.
//
//  It runs in the same page so the demo needs no backend; app.js talks to
//  it only through the methods below, passing JSON text where a network
//  would.
// ─────────────────────────────────────────────────────────────────────────

import { Gate, PolicyError } from '@recgate/web';
import { bookmarkResource, recordingResource, requestFor, sessionKey } from './session.js';

const clone = (v) => JSON.parse(JSON.stringify(v));

/** What a metadata-only row keeps of `details`: no media, transcript, bookmarks or customer. */
function metadataOnly(rec) {
  const { details, ...attrs } = rec;
  return { ...clone(attrs), details: { title: details?.title ?? rec.id, durationSec: details?.durationSec ?? 0, metadataOnly: true } };
}

export class DemoServer {
  #policyText;
  #policy;
  #gate;
  #store;
  #sessions;
  #fields;

  /** @param {string} policyText the organisation policy  @param {object} dataset www/data/recordings.json */
  constructor(policyText, dataset) {
    this.#store = clone(dataset.recordings);
    this.#sessions = dataset.sessions ?? [];
    // The store's schema: which attribute an administrative action writes.
    this.#fields = dataset.fields ?? {};
    this.now = dataset.now;
    const result = this.updatePolicy(policyText);
    if (!result.ok) throw new PolicyError(result.errors);
  }

  /** Fetches the organisation policy and the recordings dataset. */
  static async load({ policyUrl = '/examples/acme.json', dataUrl = '/data/recordings.json' } = {}) {
    const [policy, data] = await Promise.all([fetch(policyUrl), fetch(dataUrl)]);
    if (!policy.ok) throw new Error(`could not load ${policyUrl}: HTTP ${policy.status}`);
    if (!data.ok) throw new Error(`could not load ${dataUrl}: HTTP ${data.status}`);
    return new DemoServer(await policy.text(), await data.json());
  }

  // ── policy administration ──────────────────────────────────────────────

  /** The organisation policy as last accepted. */
  get policyText() {
    return this.#policyText;
  }

  get revision() {
    return this.#gate.revision;
  }

  get revisionHash() {
    return this.#gate.revisionHash;
  }

  /**
   * Validates a new organisation policy; when valid, it replaces the current
   * one at once. Returns `{ok: true, lint}` or `{ok: false, errors}`.
   */
  updatePolicy(text) {
    let gate;
    try {
      gate = Gate.fromPolicy(text);
    } catch (e) {
      if (e instanceof PolicyError) return { ok: false, errors: e.errors };
      throw e;
    }
    const old = this.#gate;
    this.#gate = gate;
    this.#policyText = text;
    this.#policy = JSON.parse(text);
    if (old) old.free();
    return { ok: true, lint: gate.lint(), revision: gate.revision, hash: gate.revisionHash };
  }

  /** The lint findings of the policy in force (SPEC §7). */
  lint() {
    return this.#gate.lint();
  }

  // ── sign-in ────────────────────────────────────────────────────────────

  /** Every way to sign in: each user of the organisation, then the dataset's integrations acting on behalf of a user. */
  sessions() {
    const users = this.#policy.users ?? {};
    const out = [];
    for (const [id, u] of Object.entries(users)) {
      out.push({
        key: id, actor: null, principal: id, name: u.name ?? id,
        kind: u.kind ?? 'user', bpo: u.bpo === true, disabled: u.disabled === true,
      });
    }
    for (const s of this.#sessions) {
      if (!users[s.actor] || !users[s.principal]) continue;
      const session = { actor: s.actor, principal: s.principal };
      out.push({
        key: sessionKey(session), ...session,
        name: `${users[s.actor].name ?? s.actor} acting for ${users[s.principal].name ?? s.principal}`,
        kind: 'impersonation', bpo: users[s.principal].bpo === true, disabled: false, note: s.note ?? '',
      });
    }
    return out;
  }

  /**
   * The response body of "GET /me/policy": the principal slice of whoever
   * authenticated (the actor for an integration). SPEC §5: an
   * impersonator's slice carries the users it may act for.
   */
  sliceFor(session) {
    return JSON.stringify(this.#gate.slice(session.actor ?? session.principal));
  }

  /** Counts for the page's "what the browser holds" note. */
  orgStats() {
    const p = this.#policy;
    return {
      users: Object.keys(p.users ?? {}).length,
      roles: Object.keys(p.roles ?? {}).length,
      groups: Object.keys(p.groups ?? {}).length,
      queues: Object.keys(p.queues ?? {}).length,
      bytes: new TextEncoder().encode(this.#policyText).length,
      recordings: this.#store.length,
    };
  }

  // ── recordings API ─────────────────────────────────────────────────────

  /** "GET /recordings": what the session may see, media stripped from metadata-only rows. */
  listRecordings(session, now = this.now) {
    const access = this.#gate.visibility(session, this.#store, now);
    const rows = [];
    this.#store.forEach((rec, i) => {
      if (access[i] === 'media') rows.push(clone(rec));
      else if (access[i] === 'metadata') rows.push(metadataOnly(rec));
    });
    return rows;
  }

  #find(id) {
    return this.#store.find((r) => r.id === id) ?? null;
  }

  /**
   * Decides one control of one recording with the whole policy: the core
   * picks the control's permission (`controls()`), then decides it on the
   * recording — or on `bookmark`, for the bookmark controls.
   */
  #authorize(session, control, id, now, bookmark) {
    const rec = this.#find(id);
    if (!rec) return { rec: null, decision: { allow: false, reason: 'unknown_resource', grant: null, obligations: [] } };
    const state = this.#gate.controls(session, rec, now)[control];
    if (state.permission === null || state.status === 'notApplicable') {
      return { rec, decision: { allow: false, reason: 'invalid_request', grant: null, obligations: [] } };
    }
    const resource = bookmark ? bookmarkResource(rec, bookmark) : recordingResource(rec);
    const decision = this.#gate.check(requestFor(session, state.permission, resource, now));
    return { rec, decision, state };
  }

  /**
   * Whether sensitive parts of `rec` must be removed for this session: what
   * the core's decision to play it says (its `redact` obligation) — a
   * transcript and a live stream follow recording access.
   */
  #redacted(session, rec, now) {
    const play = this.#gate.controls(session, rec, now).play;
    return play.obligations.some((o) => o.type === 'redact');
  }

  /** The media's content with sensitive parts removed when `redact`. */
  #content(rec, redact) {
    const d = clone(rec.details ?? {});
    const script = d.script ?? [];
    const redactions = [];
    script.forEach((line, i) => {
      if (!line.sensitive) return;
      const end = i + 1 < script.length ? script[i + 1].at : d.durationSec;
      redactions.push({ start: line.at, end });
      if (redact) line.text = null;
    });
    if (redact && d.screen?.sensitiveField) d.screen.fields[d.screen.sensitiveField] = null;
    return {
      id: rec.id, media: rec.media, durationSec: d.durationSec ?? 0, createdAt: rec.createdAt,
      redacted: redact, redactions: redact ? redactions : [], blackouts: d.blackouts ?? [],
      script, screen: d.screen ?? null, email: d.email ?? null, customer: d.customer ?? '',
    };
  }

  /** "GET /recordings/:id/media": the media, redacted when the decision carries a redact obligation. */
  media(session, id, now = this.now) {
    const { rec, decision } = this.#authorize(session, 'play', id, now);
    if (!decision.allow) return { decision };
    const redact = decision.obligations.some((o) => o.type === 'redact');
    return { decision, content: this.#content(rec, redact) };
  }

  /** "GET /recordings/:id/live": the live stream (sensitive parts follow the session's sensitive-data access). */
  monitor(session, id, now = this.now) {
    const { rec, decision } = this.#authorize(session, 'monitorLive', id, now);
    if (!decision.allow) return { decision };
    return { decision, content: this.#content(rec, this.#redacted(session, rec, now)) };
  }

  /** "GET /recordings/:id/download": allowed only unredacted (SPEC §3 step 12 refuses sensitive exports). */
  download(session, id, now = this.now) {
    const { rec, decision } = this.#authorize(session, 'download', id, now);
    if (!decision.allow) return { decision };
    return { decision, content: this.#content(rec, false) };
  }

  /** "GET /recordings/:id/transcript". */
  transcript(session, id, now = this.now) {
    const { rec, decision } = this.#authorize(session, 'transcript', id, now);
    if (!decision.allow) return { decision };
    return { decision, content: this.#content(rec, this.#redacted(session, rec, now)) };
  }

  /** "GET /recordings/:id/bookmarks": each bookmark decided on its own (private ones of others are left out). */
  annotations(session, id, now = this.now) {
    const rec = this.#find(id);
    if (!rec) return { decision: { allow: false, reason: 'unknown_resource', grant: null, obligations: [] } };
    const state = this.#gate.controls(session, rec, now).viewBookmarks;
    const decision = { allow: state.allowed, reason: state.reason ?? 'invalid_request', grant: null, obligations: [] };
    if (!decision.allow) return { decision };
    const list = (rec.details?.annotations ?? []).filter((a) => this.#authorize(session, 'viewBookmarks', id, now, a).decision.allow);
    return { decision, annotations: clone(list) };
  }

  /** "POST /recordings/:id/bookmarks". */
  addAnnotation(session, id, { at, text, visibility }, now = this.now) {
    const rec = this.#find(id);
    const annotation = { id: `ann-${Date.now().toString(36)}`, author: session.principal, visibility };
    const { decision } = this.#authorize(session, 'bookmark', id, now, annotation);
    if (!decision.allow) return { decision };
    rec.details.annotations = rec.details.annotations ?? [];
    rec.details.annotations.push({ ...annotation, at, text });
    return { decision, annotation: clone({ ...annotation, at, text }) };
  }

  /** "DELETE /recordings/:id": removes the recording and, per the cascade obligation, its related recordings. */
  delete(session, id, now = this.now) {
    const { decision } = this.#authorize(session, 'delete', id, now);
    if (!decision.allow) return { decision };
    const cascade = decision.obligations.filter((o) => o.type === 'cascade').flatMap((o) => o.ids);
    const gone = new Set([id, ...cascade]);
    const deleted = this.#store.filter((r) => gone.has(r.id)).map((r) => r.id);
    this.#store = this.#store.filter((r) => !gone.has(r.id));
    return { decision, deleted, cascade };
  }

  /** "POST /recordings/:id/blackout": irreversibly silences a span of the media. */
  blackout(session, id, { start, end }, now = this.now) {
    const { rec, decision } = this.#authorize(session, 'blackout', id, now);
    if (!decision.allow) return { decision };
    rec.details.blackouts = rec.details.blackouts ?? [];
    rec.details.blackouts.push({ start, end, by: session.principal });
    return { decision };
  }

  /** "PUT /recordings/:id/retention": days, or null for the organisation default. */
  setRetention(session, id, days, now = this.now) {
    const { rec, decision } = this.#authorize(session, 'editRetention', id, now);
    if (!decision.allow) return { decision };
    const field = this.#fields.retention;
    if (typeof field !== 'string') return { decision: { ...decision, allow: false, reason: 'resource_unavailable' } };
    if (days === null) delete rec[field];
    else rec[field] = days;
    return { decision };
  }

  /** "POST /recordings/:id/legal-hold": applies or releases deletion protection. */
  toggleLegalHold(session, id, now = this.now) {
    const { rec, decision } = this.#authorize(session, 'legalHold', id, now);
    if (!decision.allow) return { decision };
    if (rec.legalHold) delete rec.legalHold;
    else rec.legalHold = true;
    return { decision, legalHold: rec.legalHold === true };
  }
}
