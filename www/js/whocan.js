// ─────────────────────────────────────────────────────────────────────────
//  "WHO CAN SEE THIS RECORDING?" — asked of the demo's Node server
//
//  The answer comes from `recgate who-can` (the Rust core, from every
//  principal's query plan) over the WHOLE organisation policy, through the
//  server's analysis API (scripts/analysis-api.mjs). The browser's slice plays
//  no part: it could not answer (a slice holds the signed-in user only), and
//  this page decides nothing here — it asks and renders.
//
//  SPEC §6 names the question: a recording is seen through its media's view
//  permission (screen or call) or, without media, its metadata.
// ─────────────────────────────────────────────────────────────────────────

import { recordingResource } from './session.js';

const STYLE = `
.whocan { margin-top: 18px; border-top: 1px solid var(--line); padding-top: 12px; }
.whocan h3 { font-size: 1rem; margin: 0; }
.whocan .whocan-list { list-style: none; margin: 6px 0 10px; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.whocan .whocan-list li { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; font-size: 0.85rem; }
.whocan .whocan-list code { font-size: 0.8rem; }
.whocan .whocan-grant { grid-column: 2; color: var(--muted); font-size: 0.8rem; }
.whocan .whocan-error { color: #a1160a; }
.whocan h4 { font-size: 0.85rem; margin: 8px 0 0; }
`;

const scopeText = (s) => (typeof s === 'string' ? s : JSON.stringify(s));
const grantText = (g) => (g ? `${g.role}: ${g.permission} (${scopeText(g.scope)})` : 'no grant named');

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

export class WhoCanPanel {
  #root;
  #ready = Promise.resolve();
  #ask = 0;

  /** @param {HTMLElement} root where the panel renders */
  constructor(root) {
    this.#root = root;
    if (!document.getElementById('whocan-style')) document.head.append(el('style', { id: 'whocan-style' }, STYLE));
  }

  /** Sends the organisation policy the page adopted to the server, which asks its questions of it. */
  adopt(policyText) {
    this.#ready = fetch('/api/policy', { method: 'PUT', body: policyText, headers: { 'content-type': 'application/json' } })
      .then(async (r) => {
        if (!r.ok) throw new Error(`the server did not adopt the policy (${r.status}): ${(await r.json().catch(() => ({}))).error ?? ''}`);
      });
    return this.#ready;
  }

  /** Asks who can see `rec` at `now` and renders the answer (null: nothing selected). */
  async show(rec, now) {
    const ask = ++this.#ask;
    const root = this.#root;
    if (!rec) {
      root.replaceChildren();
      return;
    }
    const heading = el('h3', { id: 'whocan-heading' }, 'Who can see this recording?');
    const note = el('p', { class: 'panel-note' }, 'Answered by the server from the whole policy (', el('code', {}, 'recgate who-can'), '), not from your slice.');
    root.replaceChildren(heading, note, el('p', { class: 'muted', 'data-state': 'loading' }, 'Asking the server…'));
    root.dataset.recording = rec.id;
    root.dataset.state = 'loading';
    try {
      await this.#ready;
      const resource = recordingResource(rec);
      // "Play" is the player's control: the core picks its permission by media.
      const [play, meta] = await Promise.all([{ control: 'play' }, { permission: 'recording:metadata:view' }].map(async (asked) => {
        const r = await fetch('/api/who-can', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...asked, resource, now }) });
        const body = await r.json();
        if (!r.ok) throw new Error(body.error ?? `HTTP ${r.status}`);
        return body;
      }));
      if (ask !== this.#ask) return;
      const players = new Set(play.principals.map((p) => p.principal));
      const metaOnly = meta.principals.filter((p) => !players.has(p.principal));
      root.replaceChildren(heading, note,
        el('h4', {}, `Play it (${play.permission})`), this.#list(play, play.principals, 'media'),
        el('h4', {}, 'See only that it exists (recording:metadata:view)'), this.#list(meta, metaOnly, 'metadata'),
        el('p', { class: 'muted' }, `Policy ${play.revision}, at ${play.now}.`));
      root.dataset.state = 'ready';
    } catch (e) {
      if (ask !== this.#ask) return;
      root.replaceChildren(heading, note, el('p', { class: 'whocan-error', role: 'alert' }, `The server could not answer: ${e.message}`));
      root.dataset.state = 'error';
    }
  }

  #list(answer, principals, kind) {
    const ul = el('ul', { class: 'whocan-list', 'data-kind': kind });
    if (!principals.length && !answer.actors.length) ul.append(el('li', { class: 'muted' }, 'Nobody.'));
    for (const p of principals) {
      const redact = p.obligations.some((o) => o.type === 'redact') ? ' · redacted' : '';
      ul.append(el('li', { 'data-principal': p.principal }, el('code', {}, p.principal), el('span', {}, p.name ?? ''),
        el('span', { class: 'whocan-grant' }, grantText(p.grant) + redact)));
    }
    if (kind === 'media' || answer.actors.some((a) => principals.some((p) => p.principal === a.principal))) {
      for (const a of answer.actors.filter((x) => principals.some((p) => p.principal === x.principal))) {
        ul.append(el('li', { 'data-actor': a.actor, 'data-principal': a.principal }, el('code', {}, a.actor), el('span', {}, `acting for ${a.principal}`),
          el('span', { class: 'whocan-grant' }, `impersonation: ${grantText(a.impersonation)}`)));
      }
    }
    return ul;
  }
}
