// The recordings list: the rows the browser's gate showed (`gate.visible`),
// each marked with its access (`gate.visibility`: media or metadata only),
// and moving through them with the keyboard. What selecting a row does is
// app.js's, handed in with each render.

import { $, h } from './dom.js';
import { fmtDate, MEDIA_LABEL, mediaIcon } from './format.js';
import { icon } from './controls.js';
import { state } from './page-state.js';

/** Draws `state.rows`; a click on a row calls `onSelect(id)`. */
export function renderList(onSelect) {
  const list = $('#rows');
  list.replaceChildren();
  const metadataOnly = state.rows.filter((r) => state.access.get(r.id) === 'metadata').length;
  $('#list-count').textContent = `${state.rows.length} shown${metadataOnly ? ` · ${metadataOnly} metadata only` : ''}`;
  if (!state.rows.length) {
    // A refused session sees nothing for its own reason (the core's words), not for its roles.
    const refusal = state.gate.refusal(state.session, state.now);
    list.append(h('li.empty', { 'data-reason': refusal?.reason ?? '' },
      h('strong', {}, 'No recordings for you'),
      h('span', {}, refusal
        ? `This session is refused: ${refusal.words}. Try another user.`
        : 'None of your roles lets you see any recording in the store. Try another user.')));
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
      onclick: () => onSelect(rec.id),
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

/** Arrow keys, Home and End move between the rows (one tab stop for the list). */
export function setupListKeys() {
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
