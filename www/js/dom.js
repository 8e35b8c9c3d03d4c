// The page's elements: finding and making them, and its two ways of telling
// the user something outside the panels (a modal dialog, a passing toast).
// Nothing here knows about recordings or decisions.

export const $ = (sel, root = document) => root.querySelector(sel);

/** Creates an element: h('div.card', {attrs}, children…). */
export function h(tag, attrs = {}, ...children) {
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

/** A modal dialog; resolves to the form's data on confirm, null on cancel. */
export function openDialog({ title, body, confirm, danger = false }) {
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

/** A message that shows for a few seconds (read out: the toast is a live region). */
export function toast(text) {
  const t = $('#toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 4500);
}
