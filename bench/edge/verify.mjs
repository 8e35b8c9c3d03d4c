// The answers each configuration must give before (and after) it is timed:
// the status every scenario expects, recgate's decision headers, and the list
// page — whole without recgate, filtered to exactly the expected entities with it.

const fail = (what) => { throw new Error(`wrong answer, not benchmarking: ${what}`); };

export async function verifyAnswers(configs, scenarios, token, { total, visible }) {
  for (const c of configs) {
    for (const s of scenarios) {
      // Twice: the first recgate request fills the attributes cache, the second must be served from it.
      for (let i = 0; i < 2; i += 1) {
        const r = await fetch(c.envoy.url + s.path, { method: s.method, headers: { authorization: `Bearer ${token()}` } });
        const body = await r.text();
        const where = `${c.name} ${s.method} ${s.path}`;
        if (r.status !== s.expect[c.name]) fail(`${where}: ${r.status}, expected ${s.expect[c.name]}: ${body.slice(0, 300)}`);
        if (c.name === 'recgate' && !r.headers.get('x-recgate-decision')) fail(`${where}: no x-recgate-decision header`);
        if (s.name !== 'list') continue;
        const doc = JSON.parse(body);
        const ids = doc.entities.map((e) => e.id);
        const want = c.name === 'recgate' ? visible : null;
        if (want === null && ids.length !== total) fail(`${where}: ${ids.length} entities, expected all ${total}`);
        if (want !== null && (ids.length !== want.length || ids.some((id, k) => id !== want[k]))) {
          fail(`${where}: kept ${ids.length} entities, expected ${want.length} (${ids.slice(0, 5).join(', ')}…)`);
        }
        if (doc.total !== ids.length) fail(`${where}: total ${doc.total} for ${ids.length} entities`);
      }
    }
  }
}
