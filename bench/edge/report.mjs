// Turns the per-round cells into min/median figures, the extra CPU each filter
// adds over no filter (paired within a round, so drift between rounds cancels),
// the goals of issue #6, and the markdown table written to target/bench-peers/edge.md.

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs);

// Issue #6's goals.
export const GOALS = { extraRatio: 1.5, throughputShare: 0.85 };

export function summarize(results, scenarios, configs) {
  const out = {};
  for (const s of scenarios) {
    const base = results[s.name].none;
    const rows = {};
    for (const c of configs) {
      const cells = results[s.name][c.name];
      const cpu = cells.map((m) => m.cpuUsPerRequest);
      const rps = cells.map((m) => m.rps);
      rows[c.name] = {
        rpsMin: min(rps),
        rpsMedian: median(rps),
        cpuMin: min(cpu),
        cpuMedian: median(cpu),
        busyMedian: median(cells.map((m) => m.cpuShare)),
        extraMedian: median(cells.map((m, r) => m.cpuUsPerRequest - base[r].cpuUsPerRequest)),
        extraRange: [min(cells.map((m, r) => m.cpuUsPerRequest - base[r].cpuUsPerRequest)), Math.max(...cells.map((m, r) => m.cpuUsPerRequest - base[r].cpuUsPerRequest))],
        throughputShare: median(cells.map((m, r) => m.rps / base[r].rps)),
      };
    }
    const ratio = rows.rbac.extraMedian > 0 ? rows.recgate.extraMedian / rows.rbac.extraMedian : NaN;
    out[s.name] = { rows, ratio };
  }
  return out;
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : '—');
const signed = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)}` : '—');

const DESCRIBE = {
  allow: 'allow: GET one recording (attributes cached), 200',
  deny: 'deny: DELETE the same recording, 403 (without authorization: 204)',
  list: 'list: GET a page of 1,000 recordings',
};

export function markdown(r) {
  const lines = [];
  lines.push('# Edge benchmark: Envoy with no filter, native RBAC, recgate (issue #6)');
  lines.push('');
  lines.push(`- Envoy: \`${r.envoyVersion}\`, \`--concurrency 1\`, V8 Wasm runtime; jwt_authn (RS256, test issuer) in front in every configuration.`);
  lines.push(`- Date: ${r.started.toISOString()} → ${r.finished.toISOString()}; machine: ${r.machine} (shared: figures are ratios within this run).`);
  lines.push(`- Load: \`wrk -t1 -c${r.connections} -d${r.seconds}s\` on 127.0.0.1, ${r.rounds} rounds, configurations interleaved (order rotated each round), after a ${r.warmup} s warm-up of every cell.`);
  lines.push('- CPU per request: Envoy\'s utime+stime (`/proc/<pid>/stat`) over the run ÷ requests Envoy completed (its `downstream_rq_completed`). Extra CPU is paired within a round (configuration − no filter), then the median over rounds; throughput share likewise.');
  lines.push(`- Command: \`node bench/edge/run.mjs --rounds ${r.rounds} --seconds ${r.seconds} --connections ${r.connections} --warmup ${r.warmup}\``);
  lines.push('');
  lines.push('| request | configuration | req/s min | req/s median | CPU µs/req min | CPU µs/req median | extra CPU µs/req over no filter | recgate extra ÷ RBAC extra | throughput vs no filter | Envoy CPU busy |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const s of r.scenarios) {
    const { rows, ratio } = r.summary[s.name];
    for (const c of r.configs) {
      const row = rows[c.name];
      const isBase = c.name === 'none';
      lines.push(`| ${c.name === 'none' ? DESCRIBE[s.name] : ''} | ${c.label} | ${f0(row.rpsMin)} | ${f0(row.rpsMedian)} | ${f1(row.cpuMin)} | ${f1(row.cpuMedian)} | ${isBase ? '—' : signed(row.extraMedian)} | ${c.name === 'recgate' ? (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a (RBAC adds ≤ 0 µs)') : ''} | ${isBase ? '100 %' : pct(row.throughputShare)} | ${pct(row.busyMedian)} |`);
    }
  }
  lines.push('');
  lines.push(`Goals (issue #6): recgate's extra CPU per request ≤ ${GOALS.extraRatio}× what native RBAC adds over no filter; throughput ≥ ${GOALS.throughputShare * 100} % of no filter.`);
  lines.push('');
  for (const s of r.scenarios) {
    const { rows, ratio } = r.summary[s.name];
    const [lo, hi] = rows.rbac.extraRange;
    const rbacNoise = lo <= 0 && hi >= 0 ? `; RBAC's per-round extra spans ${signed(lo)}…${signed(hi)} µs, i.e. not distinguishable from no filter` : '';
    const met = rows.recgate.extraMedian <= GOALS.extraRatio * rows.rbac.extraMedian;
    const cpuGoal = `${met ? 'met' : 'missed'} (${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×: ` : ''}recgate ${signed(rows.recgate.extraMedian)} µs vs RBAC ${signed(rows.rbac.extraMedian)} µs${rbacNoise})`;
    const tput = rows.recgate.throughputShare;
    const floor = rows.empty ? ` An empty Rust proxy-wasm filter alone adds ${signed(rows.empty.extraMedian)} µs (${pct(rows.empty.throughputShare)} throughput).` : '';
    lines.push(`- ${s.name}: CPU ${cpuGoal}; throughput ${tput >= GOALS.throughputShare ? 'met' : 'missed'} (${pct(tput)} of no filter; RBAC ${pct(rows.rbac.throughputShare)}).${floor}`);
  }
  lines.push('');
  lines.push(`Correctness: before and after the rounds every configuration answered every request as expected (recgate's list: exactly the ${r.visible} of ${r.total} entities the policy lets qa-1 see; every other configuration: all ${r.total}). During the rounds ${r.wrong.length === 0 ? 'every response had its expected status class' : `${r.wrong.length} cells had unexpected statuses or socket errors: ${JSON.stringify(r.wrong.slice(0, 5))}`}; the attributes service was called ${r.attributeCalls}× during the rounds (cache hits otherwise).`);
  lines.push('');
  return lines.join('\n');
}
