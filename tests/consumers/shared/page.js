// The browser apps' common start: fetch the questions and the signed-in
// users' slices from the test server, answer them with the package as the
// app imported it, and leave the answers on `window.__recgate` for the harness.

import { run } from './scenario.js';

export async function fetchScenario() {
  const spec = await (await fetch('/scenario.json')).json();
  const slices = {};
  for (const u of spec.users) slices[u] = await (await fetch(`/slices/${u}.json`)).text();
  return { spec, slices };
}

export async function boot(app, api, ready) {
  try {
    await ready();
    const { spec, slices } = await fetchScenario();
    window.__recgate = { app, result: run(api, spec, slices) };
  } catch (e) {
    window.__recgate = { app, failure: String(e?.stack ?? e) };
  }
}
