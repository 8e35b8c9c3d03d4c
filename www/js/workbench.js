// The policy workbench: the organisation policy as the server holds it, to
// edit (each edit validated by the core; JSON-pointer errors and lint
// findings listed), and what this browser received of it — the signed-in
// principal's slice, counted against the organisation. An edit the server
// adopts reaches the browser as a new slice, through app.js (setupPolicyPanel's
// callback): the workbench never signs in itself.

import { $, h, toast } from './dom.js';
import { state } from './page-state.js';

let policyTimer = 0;
/** @type {(text: string) => void} */
let adopted = () => {};

/** Starts the editor on the server's policy; `onAdopted(text)` runs after each edit the server adopted. */
export function setupPolicyPanel(onAdopted) {
  adopted = onAdopted;
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

/** Validates the edited policy; when valid, the server adopts it and `adopted(text)` signs in again (a new slice). */
function applyPolicy() {
  clearTimeout(policyTimer);
  const text = $('#policy-text').value;
  const result = state.server.updatePolicy(text);
  showPolicyResult(result);
  if (result.ok) adopted(text);
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

/** What the browser received: the slice's counts against the organisation's, and the slice itself. */
export function renderSliceInfo() {
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
