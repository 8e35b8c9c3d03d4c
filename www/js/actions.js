// What each player control does once the core allowed it: play, download,
// delete (with the cascade the core named), black out, bookmark, monitor
// live through the demo edge, retention and legal hold. Every action is
// decided again by the page's server with the whole policy; a refusal there
// is shown, never overridden. A control the core refused only explains
// itself (its words, and the decision trace). After an action the page is
// drawn again: the whole page through the `refresh` app.js hands in
// (bindActions), or just the player.

import { $, h, openDialog, toast } from './dom.js';
import { fmtTime } from './format.js';
import { synthCall, synthScreen, wavBlob, SAMPLE_RATE } from './media.js';
import { asSession, callEdge, edgeReason, monitorPath } from './edge.js';
import { controlRequest, renderAux, renderPlayer } from './player.js';
import { stopMonitor } from './stage.js';
import { renderExplain } from './trace.js';
import { selected, state } from './page-state.js';

let refresh = () => {};

/** Sets how the whole page is drawn again after an action changed the store. */
export function bindActions(refreshPage) {
  refresh = refreshPage;
}

/** A control pressed: its trace, then its action if the core allowed it. */
export function onControl(name) {
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
