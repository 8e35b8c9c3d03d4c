// ─────────────────────────────────────────────────────────────────────────
//  THE "BROWSER SIDE" OF THE DEMO
//
//  This module never sees the organisation policy. At sign-in it receives
//  the user's principal slice from the server module (server.js) as JSON
//  text, builds its own Gate from it, and asks it which rows to show,
//  whether each row shows media or metadata only, the state of every player
//  control and the words for it, whether the session is refused, and how
//  long a recording is kept. It holds no policy logic of its own: every
//  state and every reason word comes from the package (the Rust core). The
//  server decides every action again with the whole policy.
//
//  This file boots the page, signs in, and draws the page again when the
//  slice or the clock changes; the panels are modules of their own: the
//  list (list.js), the player (player.js, its media in stage.js), what the
//  controls do (actions.js), the decision trace (trace.js) and the policy
//  workbench (workbench.js), sharing what the page holds (page-state.js).
// ─────────────────────────────────────────────────────────────────────────

import { init, Gate, PolicyError } from '@recgate/web';
import { DemoServer } from './server.js';
import { parseSessionKey } from './session.js';
import { icon } from './controls.js';
import { WhoCanPanel } from './whocan.js';
import { $, h, toast } from './dom.js';
import { fmtDate } from './format.js';
import { state } from './page-state.js';
import { renderList, setupListKeys } from './list.js';
import { bindPlayer, renderPlayer } from './player.js';
import { stopMedia } from './stage.js';
import { bindActions, onControl } from './actions.js';
import { renderExplain } from './trace.js';
import { renderSliceInfo, setupPolicyPanel } from './workbench.js';

// ── boot ───────────────────────────────────────────────────────────────

async function main() {
  await init();
  state.server = await DemoServer.load();
  state.whoCan = new WhoCanPanel($('#whocan'));
  state.whoCan.adopt(state.server.policyText).catch(() => {});
  const params = new URLSearchParams(location.search);
  state.now = params.get('now') ?? state.server.now;
  state.sessions = state.server.sessions();
  setupHeader();
  bindPlayer(onControl);
  bindActions(refresh);
  setupPolicyPanel(policyAdopted);
  setupListKeys();
  const wanted = params.get('user');
  const initial = state.sessions.find((s) => s.key === wanted) ?? state.sessions.find((s) => s.key === 'qa-1') ?? state.sessions[0];
  signIn(initial.key, params.get('rec'));
  document.body.dataset.ready = 'true';
}

function setupHeader() {
  buildUserSelect();
  $('#user').addEventListener('change', (e) => signIn(e.target.value));
  const clock = $('#now');
  clock.value = state.now.slice(0, 16);
  clock.addEventListener('change', () => {
    if (!clock.value) return;
    state.now = `${clock.value}:00Z`;
    refresh();
    toast(`Demo clock set to ${fmtDate(state.now)}`);
  });
}

function buildUserSelect() {
  const select = $('#user');
  const current = state.session?.key;
  select.replaceChildren();
  const groups = [
    ['Internal staff', (s) => s.kind === 'user' && !s.bpo && !s.disabled],
    ['BPO partner (EMEA)', (s) => s.kind === 'user' && s.bpo && !s.disabled],
    ['Integrations acting for a user', (s) => s.kind === 'impersonation'],
    ['Service accounts (signed in as themselves)', (s) => s.kind === 'service'],
    ['Disabled accounts', (s) => s.kind === 'user' && s.disabled],
  ];
  for (const [label, test] of groups) {
    const members = state.sessions.filter(test);
    if (!members.length) continue;
    select.append(h('optgroup', { label }, members.map((s) => h('option', { value: s.key }, `${s.name} — ${s.key.replace('>', ' → ')}`))));
  }
  if (current) select.value = current;
}

// ── sign-in: the browser gets a slice, never the organisation ──────────

function signIn(key, recId = null) {
  const session = state.sessions.find((s) => s.key === key) ?? { key, ...parseSessionKey(key), name: key, kind: 'user' };
  state.session = session;
  stopMedia();
  state.panel = null;
  state.last = null;
  state.selectedId = recId;
  $('#user').value = session.key;
  // What the network would carry: the slice as JSON text.
  receiveSlice(state.server.sliceFor(session));
}

/**
 * The browser receives a slice. The first makes the page's one gate; every
 * later one — another sign-in, the policy edited in the workbench — goes
 * through gate.update(), whose 'updated' event renders the page again.
 */
function receiveSlice(text) {
  state.sliceText = text;
  state.slice = JSON.parse(text);
  if (state.gate) {
    state.gate.update(text);
    return;
  }
  state.gate = Gate.fromPolicy(text);
  state.gate.on('updated', sliceUpdated);
  sliceUpdated();
}

function sliceUpdated() {
  refresh();
  renderSliceInfo();
}

/** Reloads the rows from the server and decides everything again in the browser. */
function refresh() {
  const { server, session, gate, now } = state;
  const rows = server.listRecordings(session, now);
  const shown = gate.visible(session, rows, now);
  const access = gate.visibility(session, rows, now);
  state.access = new Map(rows.map((r, i) => [r.id, access[i]]));
  state.rows = shown;
  if (!shown.some((r) => r.id === state.selectedId)) {
    state.selectedId = shown[0]?.id ?? null;
    state.panel = null;
    state.last = null;
  }
  renderSessionBanner();
  renderList(select);
  renderPlayer();
  renderRevision();
  syncUrl();
}

function syncUrl() {
  const p = new URLSearchParams();
  p.set('user', state.session.key);
  if (state.selectedId) p.set('rec', state.selectedId);
  if (state.now !== state.server.now) p.set('now', state.now);
  history.replaceState(null, '', `?${p}`);
}

function renderRevision() {
  $('#revision').textContent = `policy ${state.gate.revision}`;
  // The slice names the organisation policy it was cut from: the hash the server enforces.
  $('#revision').title = `slice of the policy sha256 ${state.gate.sourceHash} (the slice itself: ${state.gate.revisionHash})`;
  $('#revision').dataset.inForce = String(state.gate.sourceHash === state.server.revisionHash);
}

function renderSessionBanner() {
  const { session, gate, now } = state;
  const banner = $('#session-banner');
  const refusal = gate.refusal(session, now);
  banner.replaceChildren();
  banner.className = 'session-banner';
  banner.dataset.reason = refusal?.reason ?? '';
  let text = '';
  if (refusal) {
    banner.classList.add('bad');
    text = `Session refused: ${refusal.words} (${refusal.reason}). Every request of this session is denied.`;
  } else if (session.actor) {
    // Step 3's line, as every explanation of this session's requests tells it.
    banner.classList.add('info');
    const step3 = gate.sessionSteps(session, now).filter((l) => l.step === 3).at(-1);
    text = `${session.actor} authenticated and acts on behalf of ${session.principal}: ${step3?.text ?? ''}.`;
  }
  if (session.note) text += ` ${session.note}`;
  banner.hidden = text === '';
  if (text) banner.append(h('span', { html: icon('info') }), h('span', {}, text.trim()));
}

/** Selects the row `id`: its player, decided again, the URL, and focus on the row. */
function select(id) {
  if (state.selectedId === id) return;
  stopMedia();
  state.selectedId = id;
  state.panel = null;
  state.last = null;
  renderList(select);
  renderPlayer();
  syncUrl();
  const b = $(`#rows button[data-id="${CSS.escape(id)}"]`);
  if (b) b.focus();
}

/** The server adopted an edited policy: sign in again (a new slice), keeping the selection and the trace. */
function policyAdopted(text) {
  state.whoCan.adopt(text).catch(() => {});
  state.sessions = state.server.sessions();
  buildUserSelect();
  const key = state.sessions.some((s) => s.key === state.session.key) ? state.session.key : state.sessions[0].key;
  const keep = state.selectedId;
  const last = state.last;
  signIn(key, keep);
  if (last && state.selectedId === keep) {
    state.last = last;
    renderExplain();
  }
}

main().catch((e) => {
  const msg = e instanceof PolicyError ? e.message : `${e?.message ?? e}`;
  $('#fatal').hidden = false;
  $('#fatal').textContent = `The demo could not start: ${msg}`;
  console.error(e);
});
