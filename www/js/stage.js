// The player's stage: the selected recording's media as the server sent it
// (a call's waveform, a screen's frames, a chat or an email), its transport,
// and the live-monitoring stream. The media is made in the page (media.js);
// what may be played was decided before the stage is drawn, and why sensitive
// segments stay hidden is the core's to say (gate.why).

import { $, h } from './dom.js';
import { fmtTime } from './format.js';
import { controlLabel, icon } from './controls.js';
import { drawScreenFrame, drawWaveform, peaks, synthCall, synthScreen, wavBlob, SAMPLE_RATE } from './media.js';
import { recordingResource } from './session.js';
import { selected, state } from './page-state.js';

// The permission that lets a principal see sensitive segments unredacted (SPEC §3 step 13).
const SENSITIVE_DATA = 'recording:recording:viewSensitiveData';

/** Draws `content`, the server's media of `rec`, into `stage`. */
export function renderStage(stage, rec, content) {
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

/** Stops the media playing (and the monitoring stream) and lets its data go. */
export function stopMedia() {
  if (state.media) {
    cancelAnimationFrame(state.media.raf);
    state.media.el.pause();
    URL.revokeObjectURL(state.media.url);
    state.media = null;
  }
  stopMonitor();
}

/** Stops the live-monitoring stream, if one plays. */
export function stopMonitor() {
  if (state.monitor) {
    state.monitor.el.pause();
    URL.revokeObjectURL(state.monitor.url);
    state.monitor = null;
  }
}

/** Moves playback to `t` seconds. */
export function seekTo(t) {
  if (!state.media) return;
  state.media.el.currentTime = t;
  state.media.draw();
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
    redactions: content.redactions, blackouts: content.blackouts, bookmarks: state.bookmarks,
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
