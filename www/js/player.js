// The player panel of the selected recording: its heading and metadata as
// the policy reads it (`gate.effective`), its media or why there is none,
// one button per control in `gate.controls()`'s order with the core's state
// and words, and the auxiliary panels (bookmarks, transcript, monitoring).
// What a pressed control does is actions.js's: it is handed in
// (bindPlayer), so the player never imports the actions that re-draw it.

import { $, h } from './dom.js';
import { fmtDate, fmtTime, MEDIA_LABEL, mediaIcon } from './format.js';
import { controlLabel, controlText, icon } from './controls.js';
import { bookmarkResource, recordingResource, requestFor } from './session.js';
import { renderStage, seekTo, stopMedia } from './stage.js';
import { renderExplain } from './trace.js';
import { selected, state } from './page-state.js';

/** @type {(name: string) => void} */
let onControl = () => {};

/** Sets what pressing a control does: `handler(name)`. */
export function bindPlayer(handler) {
  onControl = handler;
}

/**
 * The request a control asks: its permission (the core's pick, in the
 * control's state) on the recording — or, for the bookmark controls, on a new
 * public bookmark of the principal's on it (what adding or listing needs).
 */
export function controlRequest(name, rec) {
  const { permission } = state.controls[name];
  const resource = name === 'bookmark' || name === 'viewBookmarks'
    ? bookmarkResource(rec, { id: 'new', author: state.session.principal, visibility: 'public' })
    : recordingResource(rec);
  return requestFor(state.session, permission, resource, state.now);
}

/** Draws the player of the selected recording (or the prompt to select one), deciding its controls again. */
export function renderPlayer() {
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
    // Why the media stays out is the core's to say: its words for the play
    // control (the media's view permission), as on the control itself.
    stage.append(h('div.metadata-only', { 'data-testid': 'metadata-only' },
      h('span.lock', { html: icon('lock') }),
      h('div', {},
        h('strong', {}, 'Metadata only'),
        h('p', {}, 'The policy lets you see that this recording exists and its metadata, not its media: ',
          h('span', { 'data-testid': 'metadata-why' }, controls.play.words),
          '. No media was sent to this browser.'))));
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

/** Draws the open auxiliary panel (`state.panel`) of the selected recording, asking the server for its content. */
export function renderAux() {
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
