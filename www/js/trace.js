// The decision trace panel: the last control the user pressed (enabled or
// not), decided again by the browser's gate with `gate.explain()` — the
// verdict, the core's words and its steps (SPEC §3), and the request as sent.

import { $, h } from './dom.js';
import { controlLabel } from './controls.js';
import { selected, state } from './page-state.js';

/** Draws the trace of `state.last`, or what to do to get one. */
export function renderExplain() {
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
