// recgate's host calls per request on each path, counted by the filter itself
// in a build with the `hostcall-census` feature (wasm-proxy/src/census.rs):
// a few sequential requests per scenario after the facts are cached, and the
// `recgate.census.*` counters' growth divided by the streams they covered.

const ROUNDS = 10;

async function counters(admin) {
  const text = await (await fetch(`${admin}/stats?filter=${encodeURIComponent('recgate\\.census\\.')}`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    const m = /recgate\.census\.(\w+): (\d+)$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** `{ [scenario]: { total, streams, byKind: { kind: calls per request } } }`. */
export async function census(envoy, scenarios, token) {
  const out = {};
  for (const s of scenarios) {
    const a = await counters(envoy.admin);
    for (let i = 0; i < ROUNDS; i += 1) {
      const r = await fetch(envoy.url + s.path, { method: s.method, headers: { authorization: `Bearer ${token()}` } });
      await r.arrayBuffer();
    }
    // on_log runs after the response went out: give Envoy a moment to finish the last stream.
    await new Promise((r) => setTimeout(r, 200));
    const b = await counters(envoy.admin);
    const streams = (b.streams ?? 0) - (a.streams ?? 0);
    if (streams !== ROUNDS) throw new Error(`census ${s.name}: ${streams} streams counted, expected ${ROUNDS}`);
    const byKind = {};
    let total = 0;
    for (const [k, v] of Object.entries(b)) {
      if (k === 'streams') continue;
      const per = (v - (a[k] ?? 0)) / streams;
      if (per > 0) byKind[k] = per;
      total += per;
    }
    out[s.name] = { total, streams, byKind };
  }
  return out;
}
