// The answers each configuration must give before (and after) it is timed:
// the status every scenario expects, recgate's decision header, the
// recording the allow scenario opens (whole, its media link kept), and each
// list page — whole without recgate, exactly the expected recordings with it.

const fail = (what) => { throw new Error(`wrong answer, not benchmarking: ${what}`); };

/** `expected.visible[n]`: the ids recgate keeps of the page of n; `expected.recording`: the allowed one. */
export async function verifyAnswers(configs, scenarios, token, expected) {
  for (const c of configs) {
    const recgate = c.kind === 'recgate';
    for (const s of scenarios) {
      // Twice: the first recgate request fills the attributes cache, the second must be served from it.
      for (let i = 0; i < 2; i += 1) {
        const r = await fetch(c.envoy.url + s.path, { method: s.method, headers: { authorization: `Bearer ${token()}` } });
        const body = await r.text();
        const where = `${c.name} ${s.method} ${s.path}`;
        const want = s.expect[c.kind];
        if (r.status !== want) fail(`${where}: ${r.status}, expected ${want}: ${body.slice(0, 300)}`);
        if (recgate && !r.headers.get('x-recgate-decision')) fail(`${where}: no x-recgate-decision header`);
        if (s.name === 'allow') {
          const doc = JSON.parse(body);
          if (doc.id !== expected.recording.id || JSON.stringify(doc.mediaUris) !== JSON.stringify(expected.recording.mediaUris)) {
            fail(`${where}: not the whole recording: ${body.slice(0, 300)}`);
          }
        }
        if (s.entities === undefined) continue;
        const doc = JSON.parse(body);
        if (!Array.isArray(doc)) fail(`${where}: not a JSON array`);
        const ids = doc.map((e) => e.id);
        if (!recgate && ids.length !== s.entities) fail(`${where}: ${ids.length} entities, expected all ${s.entities}`);
        const keep = expected.visible[s.entities];
        if (recgate && (ids.length !== keep.length || ids.some((id, k) => id !== keep[k]))) {
          fail(`${where}: kept ${ids.length} entities, expected ${keep.length} (${ids.slice(0, 5).join(', ')}…)`);
        }
        if (recgate && doc.some((e) => !e.mediaUris)) fail(`${where}: a kept recording lost its media (the policy grants media view)`);
      }
    }
  }
}
