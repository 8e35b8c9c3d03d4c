// Turns the per-round cells into min/median figures, the extra CPU each filter
// adds over no filter (paired within a round, so drift between rounds cancels),
// issue #14's goals, the host-call census, and the markdown table written to
// target/bench-peers/edge[-cN].md.

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs);

// Issue #14's goals.
export const GOALS = { extraOverEmpty: 2, throughputShare: 0.8, list1000Us: 1000 };

export function summarize(results, scenarios, configs) {
  const out = {};
  for (const s of scenarios) {
    const base = results[s.name].none;
    const rows = {};
    for (const c of configs) {
      const cells = results[s.name][c.name];
      const cpu = cells.map((m) => m.cpuUsPerRequest);
      const rps = cells.map((m) => m.rps);
      const extra = cells.map((m, r) => m.cpuUsPerRequest - base[r].cpuUsPerRequest);
      rows[c.name] = {
        rpsMin: min(rps),
        rpsMedian: median(rps),
        cpuMin: min(cpu),
        cpuMedian: median(cpu),
        busyMedian: median(cells.map((m) => m.cpuShare)),
        extraMedian: median(extra),
        extraRange: [min(extra), Math.max(...extra)],
        throughputShare: median(cells.map((m, r) => m.rps / base[r].rps)),
      };
    }
    const ratio = rows.empty.extraMedian > 0 ? rows.recgate.extraMedian / rows.empty.extraMedian : NaN;
    out[s.name] = { rows, ratio };
  }
  return out;
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : '—');
const signed = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)}` : '—');

export function markdown(r) {
  const lines = [];
  lines.push(`# Edge benchmark: no filter, empty Rust proxy-wasm filter, native RBAC, recgate (issues #6, #14), \`--concurrency ${r.concurrency}\``);
  lines.push('');
  lines.push(`- Envoy: \`${r.envoyVersion}\`, \`--concurrency ${r.concurrency}\`, V8 Wasm runtime; jwt_authn (RS256, test issuer) in front in every configuration; every route a \`direct_response\`.`);
  lines.push(`- Date: ${r.started.toISOString()} → ${r.finished.toISOString()}; machine: ${r.machine} (shared: figures are paired within this run).`);
  lines.push(`- Load: \`wrk -t1 -c${r.connections} -d${r.seconds}s\` on 127.0.0.1, ${r.rounds} rounds, configurations interleaved (order rotated each round), after a ${r.warmup} s warm-up of every cell.`);
  lines.push('- CPU per request: Envoy\'s utime+stime (`/proc/<pid>/stat`) over the run ÷ requests Envoy completed (its `downstream_rq_completed`). Extra CPU is paired within a round (configuration − no filter), then the median over rounds; throughput share likewise.');
  lines.push(`- Command: \`node bench/edge/run.mjs --rounds ${r.rounds} --seconds ${r.seconds} --connections ${r.connections} --warmup ${r.warmup} --concurrency ${r.concurrency} --sizes ${r.sizes.join(',')}\``);
  lines.push('');
  const hasCalls = r.calls !== null;
  lines.push(`| request | configuration | req/s median | CPU µs/req median | extra CPU µs/req over no filter (min…max) | recgate extra ÷ empty filter's | throughput vs no filter |${hasCalls ? ' host calls/req |' : ''}`);
  lines.push(`|---|---|---|---|---|---|---|${hasCalls ? '---|' : ''}`);
  for (const s of r.scenarios) {
    const { rows, ratio } = r.summary[s.name];
    for (const c of r.configs) {
      const row = rows[c.name];
      const isBase = c.name === 'none';
      const extra = isBase ? '—' : `${signed(row.extraMedian)} (${signed(row.extraRange[0])}…${signed(row.extraRange[1])})`;
      const calls = !hasCalls ? '' : ` ${c.name === 'recgate' ? f1(r.calls[s.name]?.total) : (c.kind === 'none' || c.kind === 'rbac' ? '0' : (c.kind === 'empty' ? '0' : ''))} |`;
      lines.push(`| ${isBase ? s.what : ''} | ${c.label} | ${f0(row.rpsMedian)} | ${f1(row.cpuMedian)} | ${extra} | ${c.name === 'recgate' ? `${f2(ratio)}×` : ''} | ${isBase ? '100 %' : pct(row.throughputShare)} |${calls}`);
    }
  }
  lines.push('');
  lines.push(`Goals (issue #14): allow and deny — recgate's extra CPU per request ≤ ${GOALS.extraOverEmpty}× the empty filter's extra, throughput ≥ ${GOALS.throughputShare * 100} % of no filter; a page of 1,000 ≤ ${GOALS.list1000Us} µs extra, linear in the page size.`);
  lines.push('');
  for (const s of r.scenarios) {
    const { rows, ratio } = r.summary[s.name];
    const rec = rows.recgate;
    const tput = `throughput ${pct(rec.throughputShare)} of no filter (empty filter ${pct(rows.empty.throughputShare)}, RBAC ${pct(rows.rbac.throughputShare)})`;
    if (s.entities === undefined) {
      const cpuMet = rec.extraMedian <= GOALS.extraOverEmpty * rows.empty.extraMedian;
      lines.push(`- ${s.name}: CPU ${cpuMet ? 'met' : 'missed'} (recgate ${signed(rec.extraMedian)} µs = ${f2(ratio)}× the empty filter's ${signed(rows.empty.extraMedian)} µs); ${tput} — ${rec.throughputShare >= GOALS.throughputShare ? 'met' : 'missed'}.`);
    } else {
      const perEntity = rec.extraMedian / s.entities;
      const goal = s.entities === 1000 ? ` — ≤ ${GOALS.list1000Us} µs: ${rec.extraMedian <= GOALS.list1000Us ? 'met' : 'missed'}` : '';
      lines.push(`- ${s.name}: recgate ${signed(rec.extraMedian)} µs extra (${f2(perEntity)} µs per entity)${goal}; ${tput}.`);
    }
    if (rows.before) lines.push(`  - before: ${signed(rows.before.extraMedian)} µs extra, throughput ${pct(rows.before.throughputShare)}; after ÷ before ${f2(rec.extraMedian / rows.before.extraMedian)}×.`);
  }
  if (hasCalls) {
    lines.push('');
    lines.push('Host calls recgate makes per request (census build, `hostcall-census` feature; sequential requests, facts cached):');
    lines.push('');
    lines.push('| request | host calls | by kind |');
    lines.push('|---|---|---|');
    for (const s of r.scenarios) {
      const c = r.calls[s.name];
      lines.push(`| ${s.name} | ${f1(c.total)} | ${Object.entries(c.byKind).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`).join(', ')} |`);
    }
  }
  lines.push('');
  lines.push(`Correctness: before and after the rounds every configuration answered every request as expected (recgate's lists: exactly ${r.sizes.map((n) => `the ${r.expected.visible[n].length} of ${n}`).join(', ')} recordings the policy lets qa-1 see, media kept; the allowed recording whole; every other configuration: every page whole). During the rounds ${r.wrong.length === 0 ? 'every response had its expected status class' : `${r.wrong.length} cells had unexpected statuses or socket errors: ${JSON.stringify(r.wrong.slice(0, 5))}`}; the attributes service was called ${r.attributeCalls}× during the rounds (cache hits otherwise).`);
  lines.push('');
  return lines.join('\n');
}
