// The API console: sends a request to the Genesys Cloud recording API's real
// paths through the demo edge (Envoy + the recgate filter) via the demo's dev
// helper, which signs a test token for the chosen user. Shows that what the
// page hides, the edge refuses.

import { callEdge } from './edge.js';

const $ = (id) => document.getElementById(id);

async function users() {
  const policy = await (await fetch('../examples/acme.json')).json();
  for (const [id, u] of Object.entries(policy.users)) {
    const o = document.createElement('option');
    o.value = id;
    o.textContent = `${u.name ?? id} — ${id}`;
    $('sub').append(o);
  }
  const none = document.createElement('option');
  none.value = '';
  none.textContent = '(no token)';
  $('sub').append(none);
}

async function send() {
  const headers = {};
  if ($('imp').value.trim() !== '') headers['gen-usersubject'] = $('imp').value.trim();
  $('status').textContent = '…';
  try {
    const out = await callEdge({ sub: $('sub').value || undefined, method: $('method').value, path: $('path').value, headers, body: $('body').value || undefined, ageSeconds: Number($('age').value) });
    $('status').textContent = String(out.status);
    let body = out.body;
    try { body = JSON.stringify(JSON.parse(out.body), null, 2); } catch { /* not JSON */ }
    $('out').textContent = `HTTP ${out.status}\n${Object.entries(out.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${body}`;
  } catch (e) {
    $('status').textContent = 'edge not running';
    $('out').textContent = `Could not reach the demo edge (${e.message}). Start it with ./scripts/demo.sh.`;
  }
}

for (const b of document.querySelectorAll('[data-p]')) {
  b.addEventListener('click', () => {
    const [m, p, s, imp, body] = JSON.parse(b.dataset.p);
    $('method').value = m;
    $('path').value = p;
    $('sub').value = s;
    $('imp').value = imp;
    $('body').value = body ?? '';
    send();
  });
}
$('send').addEventListener('click', send);
users();
