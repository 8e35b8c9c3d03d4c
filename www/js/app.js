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
// ─────────────────────────────────────────────────────────────────────────

import { init, Gate, PolicyError } from '@recgate/web';
import { DemoServer } from './server.js';
import { bookmarkResource, parseSessionKey, recordingResource, requestFor } from './session.js';
import { controlLabel, controlText, icon } from './controls.js';
import { drawScreenFrame, drawWaveform, peaks, synthCall, synthScreen, wavBlob, SAMPLE_RATE } from './media.js';
import { WhoCanPanel } from './whocan.js';
import { asSession, callEdge, edgeReason, monitorPath } from './edge.js';

const $ = (sel, root = document) => root.querySelector(sel);

/** Creates an element: h('div.card', {attrs}, children…). */
function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'html') el.innerHTML = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const MEDIA_LABEL = { audio: 'Call', screen: 'Screen', chat: 'Chat', email: 'Email', messaging: 'Messaging' };
const MEDIA_ICON = {
  audio: '<path d="M5 10v4M9 7v10M13 4v16M17 8v8M21 11v2"/>',
  screen: '<path d="M3 5h18v11H3zM8 20h8M12 16v4"/>',
  chat: '<path d="M4 5h16v11H9l-5 4z"/>',
  email: '<path d="M3 6h18v12H3z"/><path d="m3 7 9 6 9-6"/>',
};
const mediaIcon = (m) => `<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${MEDIA_ICON[m] ?? MEDIA_ICON.audio}</svg>`;

const fmtTime = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const fmtDate = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }) + ' UTC';
};

// ── state ──────────────────────────────────────────────────────────────

const state = {
  server: null,
  sessions: [],
  session: null,
  gate: null, // the browser's gate: built from the slice only
  slice: null,
  sliceText: '',
  rows: [],
  access: new Map(),
  selectedId: null,
  now: '',
  content: null, // media of the selected recording, from the server
  panel: null, // 'bookmarks' | 'transcript' | null
  last: null, // { label, request } of the last decision shown in the trace panel
  media: null, // { el, url, levels, duration, raf }
  monitor: null,
};

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
  setupPolicyPanel();
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
  renderList();
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
    banner.classList.add('info');
    text = `${session.actor} authenticated and acts on behalf of ${session.principal}: from step 3 on, ${session.principal}'s roles decide.`;
  }
  if (session.note) text += ` ${session.note}`;
  banner.hidden = text === '';
  if (text) banner.append(h('span', { html: icon('info') }), h('span', {}, text.trim()));
}

// ── the recordings list ────────────────────────────────────────────────

function renderList() {
  const list = $('#rows');
  list.replaceChildren();
  const metadataOnly = state.rows.filter((r) => state.access.get(r.id) === 'metadata').length;
  $('#list-count').textContent = `${state.rows.length} shown${metadataOnly ? ` · ${metadataOnly} metadata only` : ''}`;
  if (!state.rows.length) {
    list.append(h('li.empty', {},
      h('strong', {}, 'No recordings for you'),
      h('span', {}, 'None of your roles lets you see any recording in the store. Try another user.')));
    return;
  }
  for (const rec of state.rows) {
    const access = state.access.get(rec.id);
    const selected = rec.id === state.selectedId;
    const flags = [];
    if (access === 'metadata') flags.push(h('span.flag.meta', { html: `${icon('lock')}Metadata only` }));
    if (rec.live) flags.push(h('span.flag.live', {}, 'Live'));
    if (rec.legalHold) flags.push(h('span.flag.hold', {}, 'Legal hold'));
    if (rec.sensitive) flags.push(h('span.flag.sens', {}, 'Sensitive'));
    const button = h('button.row', {
      type: 'button',
      'data-id': rec.id,
      'data-access': access,
      'aria-current': selected ? 'true' : null,
      'aria-label': `${rec.details?.title ?? rec.id}, ${MEDIA_LABEL[rec.media] ?? rec.media}${access === 'metadata' ? ', metadata only' : ''}`,
      tabindex: selected || (!state.selectedId && rec === state.rows[0]) ? '0' : '-1',
      onclick: () => select(rec.id),
    },
    h(`span.media-badge.m-${rec.media}`, { html: mediaIcon(rec.media) }),
    h('span.row-main', {},
      h('span.row-title', {}, rec.details?.title ?? rec.id),
      h('span.row-sub', {}, [rec.owner, rec.queue, fmtDate(rec.createdAt)].filter(Boolean).join(' · ')),
      flags.length ? h('span.row-flags', {}, flags) : null),
    h('span.row-region', {}, rec.region ?? ''));
    list.append(h('li', {}, button));
  }
}

function setupListKeys() {
  $('#rows').addEventListener('keydown', (e) => {
    const buttons = [...document.querySelectorAll('#rows button.row')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (e.key === 'ArrowDown') j = Math.min(buttons.length - 1, i + 1);
    else if (e.key === 'ArrowUp') j = Math.max(0, i - 1);
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = buttons.length - 1;
    if (j === null) return;
    e.preventDefault();
    buttons.forEach((b, k) => b.setAttribute('tabindex', k === j ? '0' : '-1'));
    buttons[j].focus();
  });
}

function select(id) {
  if (state.selectedId === id) return;
  stopMedia();
  state.selectedId = id;
  state.panel = null;
  state.last = null;
  renderList();
  renderPlayer();
  syncUrl();
  const b = $(`#rows button[data-id="${CSS.escape(id)}"]`);
  if (b) b.focus();
}

// ── the player ─────────────────────────────────────────────────────────

function selected() {
  return state.rows.find((r) => r.id === state.selectedId) ?? null;
}

function stopMedia() {
  if (state.media) {
    cancelAnimationFrame(state.media.raf);
    state.media.el.pause();
    URL.revokeObjectURL(state.media.url);
    state.media = null;
  }
  stopMonitor();
}

function stopMonitor() {
  if (state.monitor) {
    state.monitor.el.pause();
    URL.revokeObjectURL(state.monitor.url);
    state.monitor = null;
  }
}

function renderPlayer() {
  stopMedia();
  const root = $('#player');
  root.replaceChildren();
  const rec = selected();
  if (!rec) {
    root.append(h('div.placeholder', {}, h('p', {}, 'Select a recording to see what you may do with it.')));
    renderExplain();
    state.whoCan.show(null);
    return;
  }
  const access = state.access.get(rec.id);
  const controls = state.gate.controls(state.session, rec, state.now);
  state.controls = controls;
  if (!state.last) state.last = { control: 'play', request: controlRequest('play', rec) };

  // heading and metadata, as the policy reads the recording (defaults applied)
  const read = state.gate.effective(rec);
  const kept = read?.retention;
  const chips = [
    ['Media', MEDIA_LABEL[rec.media] ?? rec.media],
    rec.direction && ['Direction', rec.direction],
    ['Agent', rec.owner],
    rec.queue && ['Queue', rec.queue],
    ['Division', read?.divisions.join(', ') ?? '—'],
    ['Region', read?.region ?? '—'],
    rec.line && ['Line', rec.line],
    ['Recorded', fmtDate(rec.createdAt)],
    ['Kept until', !kept ? '—' : kept.legalHold ? 'legal hold: indefinitely' : kept.until === null ? 'no retention limit' : fmtDate(kept.until)],
  ].filter(Boolean);
  root.append(
    h('div.player-head', {},
      h(`span.media-badge.lg.m-${rec.media}`, { html: mediaIcon(rec.media) }),
      h('div', {},
        h('h2', { id: 'player-title' }, rec.details?.title ?? rec.id),
        h('p.player-id', {}, `${rec.id} · conversation ${rec.conversationId ?? '—'}`)),
      h('div.head-flags', {},
        rec.live ? h('span.flag.live', {}, 'Live') : null,
        rec.legalHold ? h('span.flag.hold', {}, 'Legal hold') : null,
        rec.sensitive ? h('span.flag.sens', {}, 'Sensitive') : null)),
    h('dl.meta', {}, chips.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))));

  // media, or why there is none
  const stage = h('div.stage', { id: 'stage' });
  root.append(stage);
  state.content = null;
  if (access === 'metadata') {
    stage.append(h('div.metadata-only', { 'data-testid': 'metadata-only' },
      h('span.lock', { html: icon('lock') }),
      h('div', {},
        h('strong', {}, 'Metadata only'),
        h('p', {}, 'Your roles let you see that this recording exists and its metadata (recording:metadata:view), not its media. No media was sent to this browser.'))));
  } else {
    const res = state.server.media(state.session, rec.id, state.now);
    if (!res.decision.allow) {
      stage.append(h('div.metadata-only', {}, h('strong', {}, `The server refused the media: ${res.decision.reason}`)));
    } else {
      state.content = res.content;
      renderStage(stage, rec, res.content);
    }
  }

  // controls
  const grid = h('div.controls', { role: 'group', 'aria-label': 'Player controls' });
  for (const name of Object.keys(controls)) grid.append(renderControl(name, rec, controls[name]));
  root.append(h('h3.sr-only', {}, 'Controls'), grid);

  // auxiliary panels
  root.append(h('div.aux', { id: 'aux' }));
  renderAux();
  renderExplain();
  state.whoCan.show(rec, state.now);
}

function renderControl(name, rec, c) {
  const label = controlLabel(name, rec);
  const why = c.words;
  const text = controlText(label, why);
  const id = `ctl-${name}`;
  // Play is a toggle: a re-render during playback must keep its pressed state, icon and label.
  const playing = name === 'play' && Boolean(state.media) && !state.media.el.paused;
  const iconName = playing ? 'pause' : name;
  const button = h('button.ctl', {
    type: 'button',
    id,
    'data-control': name,
    'data-status': c.status,
    'data-reason': c.reason ?? '',
    'data-permission': c.permission ?? '',
    'data-allowed': String(c.allowed),
    'aria-disabled': c.allowed ? 'false' : 'true',
    'aria-describedby': why ? `${id}-why` : null,
    'aria-pressed': name === 'play' ? String(playing) : null,
    title: text,
    onclick: () => onControl(name),
  }, h('span', { html: icon(iconName) }), h('span.ctl-label', {}, playing ? 'Pause' : label));
  const wrap = h(`div.control${c.allowed ? '' : '.blocked'}`, {}, button);
  if (why) wrap.append(h('span.ctl-why', { id: `${id}-why` }, why));
  return wrap;
}

// The permission that lets a principal see sensitive segments unredacted (SPEC §3 step 13).
const SENSITIVE_DATA = 'recording:recording:viewSensitiveData';

function renderStage(stage, rec, content) {
  if (content.redacted) {
    // Why it is redacted is the core's to say: its words for the permission
    // the session lacks here, not a cause the page assumes (a deny, a
    // division or a region refuses it as surely as a missing role).
    const unredacted = state.gate.why(state.session, SENSITIVE_DATA, recordingResource(rec), state.now);
    stage.append(h('div.banner.redact', { role: 'note', 'data-testid': 'redacted' },
      h('span', { html: icon('lock') }),
      h('span', {}, h('strong', {}, 'Redacted. '),
        `The decision to play it carries a redact obligation: seeing its sensitive segments (${SENSITIVE_DATA}) is refused here — `,
        h('span', { 'data-testid': 'redacted-why' }, unredacted.words),
        '. Sensitive segments are ',
        rec.media === 'audio' ? 'replaced by a tone.' : rec.media === 'screen' ? 'blacked out.' : 'masked.')));
  }
  if (rec.media === 'audio') renderAudio(stage, rec, content);
  else if (rec.media === 'screen') renderScreen(stage, rec, content);
  else if (rec.media === 'email') renderEmail(stage, content);
  else renderChat(stage, rec, content);
}

function attachTransport(stage, el, content, draw) {
  const seek = h('input.seek', { type: 'range', min: '0', max: String(content.durationSec), step: '0.1', value: '0', 'aria-label': 'Position' });
  const time = h('span.time', { 'aria-live': 'off' }, `0:00 / ${fmtTime(content.durationSec)}`);
  seek.addEventListener('input', () => {
    el.currentTime = Number(seek.value);
    draw();
  });
  const tick = () => {
    seek.value = String(el.currentTime);
    time.textContent = `${fmtTime(el.currentTime)} / ${fmtTime(content.durationSec)}`;
    draw();
    if (!el.paused && state.media) state.media.raf = requestAnimationFrame(tick);
  };
  el.addEventListener('play', () => {
    state.media.raf = requestAnimationFrame(tick);
    updatePlayIcon();
  });
  el.addEventListener('pause', () => {
    tick();
    updatePlayIcon();
  });
  el.addEventListener('ended', updatePlayIcon);
  el.addEventListener('seeked', tick);
  stage.append(h('div.transport', {}, seek, time));
}

function renderAudio(stage, rec, content) {
  const samples = synthCall(content);
  const url = URL.createObjectURL(wavBlob(samples, SAMPLE_RATE));
  const el = h('audio', { src: url, preload: 'auto', 'aria-label': `Call recording ${rec.id}`, 'data-testid': 'media' });
  const canvas = h('canvas.wave', { 'aria-hidden': 'true' });
  state.media = { el, url, raf: 0 };
  const levels = peaks(samples, 600);
  const draw = () => drawWaveform(canvas, {
    levels, duration: content.durationSec, position: el.currentTime,
    redactions: content.redactions, blackouts: content.blackouts, bookmarks: state.bookmarks ?? [],
  });
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    el.currentTime = ((e.clientX - r.left) / r.width) * content.durationSec;
  });
  state.media.draw = draw;
  stage.append(h('div.wave-wrap', {}, canvas), el);
  attachTransport(stage, el, content, draw);
  requestAnimationFrame(draw);
}

function renderScreen(stage, rec, content) {
  const samples = synthScreen(content);
  const url = URL.createObjectURL(wavBlob(samples, SAMPLE_RATE));
  const canvas = h('canvas.screen-frame', { 'aria-hidden': 'true' });
  drawScreenFrame(canvas, content, 0);
  const el = h('video', {
    src: url, preload: 'auto', playsinline: true, poster: canvas.toDataURL('image/png'),
    'aria-label': `Screen recording ${rec.id} of ${rec.owner}'s desktop`, 'data-testid': 'media',
  });
  state.media = { el, url, raf: 0 };
  const draw = () => drawScreenFrame(canvas, content, el.currentTime);
  state.media.draw = draw;
  stage.append(h('div.screen', {}, el, canvas));
  attachTransport(stage, el, content, draw);
}

function renderChat(stage, rec, content) {
  const start = Date.parse(rec.createdAt ?? '');
  const thread = h('ol.thread', { tabindex: '-1', 'aria-label': 'Chat transcript', 'data-testid': 'media' });
  for (const line of content.script) {
    const at = Number.isNaN(start) ? '' : new Date(start + line.at * 1000).toISOString().slice(11, 16);
    thread.append(h(`li.msg.${line.speaker}`, {},
      h('span.who', {}, line.speaker === 'agent' ? rec.owner : 'Customer'),
      line.text === null ? h('span.text.redacted', {}, 'Sensitive content redacted') : h('span.text', {}, line.text),
      h('span.when', {}, at)));
  }
  stage.append(thread);
}

function renderEmail(stage, content) {
  const e = content.email ?? {};
  stage.append(h('article.email', { tabindex: '-1', 'data-testid': 'media', 'aria-label': 'Email' },
    h('dl', {}, h('div', {}, h('dt', {}, 'From'), h('dd', {}, e.from ?? '')),
      h('div', {}, h('dt', {}, 'To'), h('dd', {}, e.to ?? '')),
      h('div', {}, h('dt', {}, 'Subject'), h('dd', {}, e.subject ?? ''))),
    content.script.map((l) => (l.text === null ? h('p.redacted', {}, 'Sensitive content redacted') : h('p', {}, l.text)))));
}

function updatePlayIcon() {
  const b = $('#ctl-play');
  if (!b || !state.media) return;
  const playing = !state.media.el.paused;
  b.querySelector('span').innerHTML = icon(playing ? 'pause' : 'play');
  b.querySelector('.ctl-label').textContent = playing ? 'Pause' : controlLabel('play', selected());
  b.setAttribute('aria-pressed', String(playing));
}

// ── actions ────────────────────────────────────────────────────────────

function onControl(name) {
  const rec = selected();
  if (!rec) return;
  const c = state.controls[name];
  state.last = { control: name, request: controlRequest(name, rec) };
  renderExplain();
  if (!c.allowed) {
    toast(`${$(`#ctl-${name}`).title}. The decision trace shows each step.`);
    return;
  }
  const actions = {
    play: doPlay, download: doDownload, delete: doDelete, blackout: doBlackout, bookmark: doBookmark,
    viewBookmarks: () => togglePanel('bookmarks'), transcript: () => togglePanel('transcript'),
    monitorLive: doMonitor, editRetention: doRetention, legalHold: doLegalHold,
  };
  actions[name](rec, c);
}

/**
 * The request a control asks: its permission (the core's pick, in the
 * control's state) on the recording — or, for the bookmark controls, on a new
 * public bookmark of the principal's on it (what adding or listing needs).
 */
function controlRequest(name, rec) {
  const { permission } = state.controls[name];
  const resource = name === 'bookmark' || name === 'viewBookmarks'
    ? bookmarkResource(rec, { id: 'new', author: state.session.principal, visibility: 'public' })
    : recordingResource(rec);
  return requestFor(state.session, permission, resource, state.now);
}

function doPlay(rec) {
  if (!state.media) {
    const target = $('#stage [data-testid="media"]');
    if (target) target.focus();
    return;
  }
  const el = state.media.el;
  if (el.paused) el.play().catch((e) => toast(`Playback failed: ${e.message}`));
  else el.pause();
}

function doDownload(rec) {
  const res = state.server.download(state.session, rec.id, state.now);
  if (!res.decision.allow) return toast(`The server refused the download: ${res.decision.reason}`);
  const c = res.content;
  let blob;
  let name;
  if (rec.media === 'audio' || rec.media === 'screen') {
    blob = wavBlob(rec.media === 'audio' ? synthCall(c) : synthScreen(c), SAMPLE_RATE);
    name = `${rec.id}.wav`;
  } else {
    blob = new Blob([c.script.map((l) => `[${l.speaker}] ${l.text}`).join('\n') + '\n'], { type: 'text/plain' });
    name = `${rec.id}.txt`;
  }
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  toast(`Downloaded ${name}`);
}

async function doDelete(rec, c) {
  const cascade = c.obligations.filter((o) => o.type === 'cascade').flatMap((o) => o.ids);
  const body = [h('p', {}, `Delete ${rec.details?.title ?? rec.id} (${rec.id})? Deleted recordings cannot be restored.`)];
  if (cascade.length) {
    body.push(h('p', {}, 'This also deletes the related recordings, including any you cannot view:'));
    body.push(h('ul.cascade', { 'data-testid': 'cascade' }, cascade.map((id) => {
      const known = state.rows.find((r) => r.id === id);
      return h('li', { 'data-id': id }, h('code', {}, id), known ? ` — ${known.details?.title ?? ''}` : ' — not visible to you');
    })));
  }
  const ok = await openDialog({ title: 'Delete recording', body, confirm: cascade.length ? `Delete ${1 + cascade.length} recordings` : 'Delete recording', danger: true });
  if (!ok) return;
  const res = state.server.delete(state.session, rec.id, state.now);
  if (!res.decision.allow) return toast(`The server refused: ${res.decision.reason}`);
  toast(`Deleted ${res.deleted.join(', ')}`);
  refresh();
  restoreFocus(null);
}

async function doBlackout(rec) {
  const pos = state.media ? Math.floor(state.media.el.currentTime) : 0;
  const dur = state.content?.durationSec || 10;
  const start = h('input', { type: 'number', name: 'start', min: '0', max: String(dur), step: '0.5', value: String(Math.min(pos, dur - 1)), required: true, id: 'bo-start' });
  const end = h('input', { type: 'number', name: 'end', min: '0', max: String(dur), step: '0.5', value: String(Math.min(pos + 3, dur)), required: true, id: 'bo-end' });
  const form = await openDialog({
    title: 'Black out a segment',
    body: [h('p', {}, 'The segment is silenced for everyone, permanently. Manual blackouts cannot be undone.'),
      h('div.field-row', {}, h('label', { for: 'bo-start' }, 'From (s)'), start, h('label', { for: 'bo-end' }, 'To (s)'), end)],
    confirm: 'Black out', danger: true,
  });
  if (!form) return;
  const s = Number(form.get('start'));
  const e = Number(form.get('end'));
  if (!(e > s)) return toast('The end must come after the start.');
  const res = state.server.blackout(state.session, rec.id, { start: s, end: e }, state.now);
  if (!res.decision.allow) return toast(`The server refused: ${res.decision.reason}`);
  toast(`Blacked out ${fmtTime(s)}–${fmtTime(e)}`);
  renderPlayer();
  restoreFocus('ctl-blackout');
}

async function doBookmark(rec) {
  const at = state.media ? Math.round(state.media.el.currentTime * 10) / 10 : 0;
  const form = await openDialog({
    title: `Bookmark at ${fmtTime(at)}`,
    body: [h('label', { for: 'bm-text' }, 'Comment'), h('textarea', { id: 'bm-text', name: 'text', rows: '3', required: true }),
      h('fieldset.radios', {}, h('legend', {}, 'Who can see it'),
        h('label', {}, h('input', { type: 'radio', name: 'visibility', value: 'public', checked: true }), ' Public: everyone who may view bookmarks on this recording'),
        h('label', {}, h('input', { type: 'radio', name: 'visibility', value: 'private' }), ' Private: only you'))],
    confirm: 'Add bookmark',
  });
  if (!form) return;
  const res = state.server.addAnnotation(state.session, rec.id, { at, text: String(form.get('text')), visibility: String(form.get('visibility')) }, state.now);
  if (!res.decision.allow) return toast(`The server refused: ${res.decision.reason}`);
  toast('Bookmark added');
  state.panel = state.controls.viewBookmarks.allowed ? 'bookmarks' : state.panel;
  renderAux();
}

/**
 * Starts monitoring through the real monitor endpoint (ConversationsApi's
 * participant monitor) at the demo edge — Envoy with the recgate filter,
 * which asks its attributes service whether the call is still live — and
 * only then takes the stream from the page's server. Without the edge there
 * is no monitoring: the page does not decide it alone.
 */
async function doMonitor(rec) {
  if (state.monitor) {
    stopMonitor();
    renderAux();
    return;
  }
  const path = monitorPath(rec);
  if (!path) return toast('This recording names no participant to monitor.');
  let edge;
  try {
    edge = await callEdge(asSession(state.session, { method: 'POST', path }));
  } catch {
    return toast('Monitoring goes through the demo edge (Envoy), which is not running: start ./scripts/demo.sh.');
  }
  if (edge.status < 200 || edge.status > 299) {
    return toast(`The edge refused to monitor: ${edgeReason(edge.body) ?? `HTTP ${edge.status}`}`);
  }
  const res = state.server.monitor(state.session, rec.id, state.now);
  if (!res.decision.allow) return toast(`The server refused: ${res.decision.reason}`);
  if (state.media) state.media.el.pause();
  const url = URL.createObjectURL(wavBlob(synthCall(res.content), SAMPLE_RATE));
  const el = h('audio', { src: url, loop: true, 'aria-label': 'Live monitoring stream' });
  state.monitor = { el, url, decision: edge.headers['x-recgate-decision'] ?? '', path };
  el.play().catch(() => {});
  state.panel = 'monitor';
  renderAux();
}

async function doRetention(rec) {
  const kept = state.gate.effective(rec)?.retention;
  const own = kept && kept.days !== kept.defaultDays ? kept.days : null;
  const form = await openDialog({
    title: 'Retention',
    body: [h('p', {}, `Organisation default for this recording: ${kept?.defaultDays ?? 'no'} days${kept?.defaultDays == null ? ' limit' : ''}. Leave empty to use it.`),
      h('label', { for: 'ret-days' }, 'Keep for (days)'), h('input', { id: 'ret-days', name: 'days', type: 'number', min: '1', max: '3650', value: own === null ? '' : String(own) })],
    confirm: 'Save retention',
  });
  if (!form) return;
  const raw = String(form.get('days') ?? '').trim();
  const res = state.server.setRetention(state.session, rec.id, raw === '' ? null : Number(raw), state.now);
  if (!res.decision.allow) return toast(`The server refused: ${res.decision.reason}`);
  toast(raw === '' ? 'Retention reset to the default' : `Retention set to ${raw} days`);
  refresh();
  restoreFocus(rec.id === state.selectedId ? 'ctl-editRetention' : null);
}

async function doLegalHold(rec) {
  const releasing = rec.legalHold === true;
  const ok = await openDialog({
    title: releasing ? 'Release legal hold' : 'Apply legal hold',
    body: [h('p', {}, releasing
      ? 'Without the hold, retention applies again and the recording may be deleted, blacked out or have its retention changed.'
      : 'While held, the recording never expires and nobody can delete it, black it out or change its retention.')],
    confirm: releasing ? 'Release hold' : 'Apply hold', danger: releasing,
  });
  if (!ok) return;
  const res = state.server.toggleLegalHold(state.session, rec.id, state.now);
  if (!res.decision.allow) return toast(`The server refused: ${res.decision.reason}`);
  toast(res.legalHold ? 'Legal hold applied' : 'Legal hold released');
  refresh();
  restoreFocus(rec.id === state.selectedId ? 'ctl-legalHold' : null);
}

/**
 * After an action re-rendered the player, puts keyboard focus back on the
 * control that started it (`id`), or on the selected row when that
 * recording is gone; otherwise focus would fall to the page's start.
 */
function restoreFocus(id) {
  const el = (id && document.getElementById(id)) ?? $('#rows button.row[aria-current="true"]') ?? $('#rows-heading');
  el?.focus();
}

function togglePanel(name) {
  state.panel = state.panel === name ? null : name;
  renderAux();
}

function renderAux() {
  const aux = $('#aux');
  if (!aux) return;
  aux.replaceChildren();
  const rec = selected();
  state.bookmarks = [];
  if (!rec) return;
  if (state.panel === 'bookmarks') {
    const res = state.server.annotations(state.session, rec.id, state.now);
    const list = res.annotations ?? [];
    state.bookmarks = list;
    aux.append(h('section.aux-panel', { 'aria-labelledby': 'bm-h', 'data-testid': 'bookmarks' },
      h('h3', { id: 'bm-h' }, `Bookmarks (${list.length})`),
      list.length ? h('ul.bookmarks', {}, list.map((a) => h('li', {},
        h('button.at', { type: 'button', onclick: () => seekTo(a.at), 'aria-label': `Go to ${fmtTime(a.at)}` }, fmtTime(a.at)),
        h('span.bm-text', {}, a.text),
        h('span.bm-by', {}, `${a.author}${a.visibility === 'private' ? ' · private' : ''}`))))
        : h('p.muted', {}, 'No bookmarks you may see. Private bookmarks are visible only to their authors.')));
  } else if (state.panel === 'transcript') {
    const res = state.server.transcript(state.session, rec.id, state.now);
    const lines = res.content?.script ?? [];
    aux.append(h('section.aux-panel', { 'aria-labelledby': 'tr-h', 'data-testid': 'transcript' },
      h('h3', { id: 'tr-h' }, 'Transcript'),
      h('ol.transcript', {}, lines.map((l) => h('li', {},
        h('span.at', {}, fmtTime(l.at)),
        h('span.who', {}, l.speaker === 'agent' ? rec.owner : l.speaker === 'system' ? 'Desktop' : 'Customer'),
        l.text === null ? h('span.redacted', {}, 'Sensitive content redacted') : h('span', {}, l.text))))));
  } else if (state.panel === 'monitor' && state.monitor) {
    aux.append(h('section.aux-panel.live-panel', { 'data-testid': 'monitor' },
      h('span.live-dot', { 'aria-hidden': 'true' }), h('strong', {}, 'Monitoring live. '), `You are listening to ${rec.owner}'s call as it is recorded. Press Monitor live again to stop.`,
      h('p.muted', { 'data-testid': 'monitor-edge' }, 'Allowed at the edge: ', h('code', {}, `POST ${state.monitor.path}`), ` (decision ${state.monitor.decision}).`)));
  }
  if (state.media?.draw) state.media.draw();
}

function seekTo(t) {
  if (!state.media) return;
  state.media.el.currentTime = t;
  state.media.draw();
}

// ── decision trace ─────────────────────────────────────────────────────

function renderExplain() {
  const root = $('#explain');
  root.replaceChildren();
  if (!state.last) {
    root.append(h('p.muted', {}, 'Select a recording, then any control (enabled or not) to see how the core decided it.'));
    return;
  }
  const { control, request } = state.last;
  const ex = state.gate.explain(request);
  const d = ex.decision;
  const rec = selected();
  root.dataset.reason = d.reason;
  root.dataset.allow = String(d.allow);
  root.dataset.control = control;
  root.append(
    h(`div.verdict.${d.allow ? 'allow' : 'deny'}`, {},
      h('span.verdict-word', {}, d.allow ? 'Allow' : 'Deny'),
      h('code', {}, d.reason)),
    h('dl.facts', {},
      h('div', {}, h('dt', {}, 'Control'), h('dd', {}, rec ? controlLabel(control, rec) : control)),
      h('div', {}, h('dt', {}, 'Permission'), h('dd', {}, h('code', {}, request.permission))),
      h('div', {}, h('dt', {}, 'Resource'), h('dd', {}, `${request.resource.type} ${request.resource.type === 'annotation' ? `on ${request.resource.recording.id}` : request.resource.id}`)),
      h('div', {}, h('dt', {}, 'Principal'), h('dd', {}, request.principal)),
      request.actor ? h('div', {}, h('dt', {}, 'Actor'), h('dd', {}, request.actor)) : null,
      d.grant ? h('div', {}, h('dt', {}, d.allow ? 'Granted by' : 'Matched'), h('dd', {}, `${d.grant.role}: ${d.grant.permission} (${typeof d.grant.scope === 'string' ? d.grant.scope : JSON.stringify(d.grant.scope)})`)) : null,
      d.obligations.length ? h('div', {}, h('dt', {}, 'Obligations'), h('dd', {}, d.obligations.map((o) => (o.type === 'cascade' ? `cascade → ${o.ids.join(', ')}` : o.type)).join('; '))) : null),
    h('ol.steps', {}, ex.steps.map((s) => h('li', {}, h('span.step-no', { 'aria-label': `step ${s.step}` }, String(s.step)), h('span', {}, s.text)))),
    h('details.req', {}, h('summary', {}, 'Request sent to the core'), h('pre', {}, JSON.stringify(request, null, 2))));
  // The decision in the core's words, under the verdict (an allow without obligations has none).
  if (ex.words) root.querySelector('dl.facts').before(h('p.words', { 'data-testid': 'words' }, ex.words));
}

// ── policy workbench ───────────────────────────────────────────────────

let policyTimer = 0;

function setupPolicyPanel() {
  const ta = $('#policy-text');
  ta.value = state.server.policyText;
  showPolicyResult({ ok: true, lint: state.server.lint() });
  ta.addEventListener('input', () => {
    clearTimeout(policyTimer);
    policyTimer = setTimeout(applyPolicy, 150);
  });
  $('#policy-reset').addEventListener('click', async () => {
    const text = await (await fetch('/examples/acme.json')).text();
    ta.value = text;
    applyPolicy();
  });
  $('#policy-format').addEventListener('click', () => {
    try {
      ta.value = JSON.stringify(JSON.parse(ta.value), null, 2);
      applyPolicy();
    } catch {
      toast('The policy is not valid JSON yet; see the errors below.');
    }
  });
}

/** Validates the edited policy; when valid the server adopts it and the browser signs in again (new slice). */
function applyPolicy() {
  clearTimeout(policyTimer);
  const text = $('#policy-text').value;
  const result = state.server.updatePolicy(text);
  showPolicyResult(result);
  if (!result.ok) return;
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

function showPolicyResult(result) {
  const status = $('#policy-status');
  const errors = $('#policy-errors');
  const lint = $('#lint');
  errors.replaceChildren();
  status.className = `policy-status ${result.ok ? 'ok' : 'bad'}`;
  if (!result.ok) {
    status.textContent = `Not applied: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}. The last valid policy stays in force.`;
    for (const e of result.errors) errors.append(h('li', {}, h('code.path', {}, e.path === '' ? '(document)' : e.path), h('span', {}, e.message)));
    errors.hidden = false;
    return;
  }
  errors.hidden = true;
  status.textContent = `Valid and in force: revision ${state.server.revision} · sha256 ${state.server.revisionHash.slice(0, 12)}…`;
  lint.replaceChildren();
  $('#lint-count').textContent = String(result.lint.length);
  if (!result.lint.length) lint.append(h('li.muted', {}, 'No findings.'));
  for (const f of result.lint) {
    lint.append(h(`li.finding.${f.severity}`, { 'data-lint': f.id },
      h('div.finding-head', {}, h(`span.sev.${f.severity}`, {}, f.severity), h('code', {}, f.id), h('code.path', {}, f.path)),
      h('p', {}, f.message),
      h('p.fix', {}, h('strong', {}, 'Fix: '), f.fix)));
  }
}

function renderSliceInfo() {
  const org = state.server.orgStats();
  const s = state.slice;
  const bytes = new TextEncoder().encode(state.sliceText).length;
  const who = state.session.actor ?? state.session.principal;
  $('#slice-summary').replaceChildren(
    h('p', {}, 'This browser received ', h('strong', {}, `the principal slice of ${who}`), ' (gate.slice on the server), not the organisation policy.'),
    h('dl.slice-stats', {},
      ...[['Users', Object.keys(s.users ?? {}).length, org.users], ['Roles', Object.keys(s.roles ?? {}).length, org.roles],
        ['Groups', Object.keys(s.groups ?? {}).length, org.groups], ['Queues', Object.keys(s.queues ?? {}).length, org.queues],
        ['Bytes', bytes, org.bytes]].map(([k, a, b]) => h('div', {}, h('dt', {}, k), h('dd', {}, h('strong', {}, String(a)), ` of ${b}`)))));
  $('#slice-json').textContent = JSON.stringify(s, null, 2);
}

// ── dialogs and messages ───────────────────────────────────────────────

/** A modal dialog; resolves to the form's data on confirm, null on cancel. */
function openDialog({ title, body, confirm, danger = false }) {
  const dlg = $('#dialog');
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'dialog-title' }, title),
    h('div.dialog-body', {}, body),
    h('div.dialog-actions', {},
      h('button.btn', { type: 'button', value: 'cancel', 'data-action': 'cancel', onclick: () => dlg.close('cancel') }, 'Cancel'),
      h(`button.btn.${danger ? 'danger' : 'primary'}`, { type: 'submit', value: 'ok', 'data-action': 'confirm' }, confirm)));
  dlg.replaceChildren(form);
  dlg.setAttribute('aria-labelledby', 'dialog-title');
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok' ? new FormData(form) : null);
    }, { once: true });
    dlg.returnValue = '';
    dlg.showModal();
  });
}

let toastTimer = 0;
function toast(text) {
  const t = $('#toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 4500);
}

main().catch((e) => {
  const msg = e instanceof PolicyError ? e.message : `${e?.message ?? e}`;
  $('#fatal').hidden = false;
  $('#fatal').textContent = `The demo could not start: ${msg}`;
  console.error(e);
});
