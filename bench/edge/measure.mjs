// What one benchmark cell measures: Envoy's process CPU (utime + stime from
// /proc/<pid>/stat) and its served-request counters around one bounded wrk
// run, and wrk's own throughput figure.

import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync, execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The command line's `--name N` options as numbers, each at least its floor:
 * `defaults` maps a name to `[default, floor]`.
 */
export function numericOptions(defaults) {
  const options = Object.fromEntries(Object.entries(defaults).map(([k, [d]]) => [k, { type: 'string', default: String(d) }]));
  const { values } = parseArgs({ options });
  return Object.fromEntries(Object.entries(defaults).map(([k, [, floor]]) => [k, Math.max(floor, Number(values[k]))]));
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/**
 * The pid of the `envoy` process itself: the .venv launcher may be a wrapper
 * that runs the binary as its child, whose CPU would then not be the wrapper's.
 */
export function envoyPid(pid) {
  const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  if (comm === 'envoy') return pid;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const child of children) {
      try {
        return envoyPid(Number(child));
      } catch { /* not this one */ }
    }
  }
  throw new Error(`no envoy process under pid ${pid} (${comm})`);
}

/** Seconds of CPU the process has used (user + system, all threads). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}

/** The listener's request counters: completed, and by status class. */
export async function requestCounters(admin) {
  const text = await (await fetch(`${admin}/stats?filter=${encodeURIComponent('^http\\.api\\.downstream_rq_(completed|[1-5]xx)$')}`)).text();
  const counters = { completed: 0, '2xx': 0, '4xx': 0, '5xx': 0 };
  for (const line of text.split('\n')) {
    const m = /^http\.api\.downstream_rq_(\w+): (\d+)$/.exec(line.trim());
    if (m) counters[m[1]] = Number(m[2]);
  }
  return counters;
}

const scriptDir = mkdtempSync(join(tmpdir(), 'recgate-edge-wrk-'));

/** A wrk script only for methods other than GET (wrk has no flag for it). */
function methodScript(method) {
  if (method === 'GET') return [];
  const file = join(scriptDir, `${method}.lua`);
  writeFileSync(file, `wrk.method = "${method}"\n`);
  return ['-s', file];
}

function run(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Parses wrk's summary: requests, seconds, requests/s, non-2xx/3xx and socket errors. */
export function parseWrk(out) {
  const done = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(out);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!done || !rate) throw new Error(`unreadable wrk output:\n${out}`);
  const unit = { ms: 0.001, s: 1, m: 60 }[done[3]];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests: Number(done[1]),
    seconds: Number(done[2]) * unit,
    rps: Number(rate[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? sock.slice(1).reduce((s, n) => s + Number(n), 0) : 0,
  };
}

/**
 * One cell: CPU and counters read just before and just after a wrk run of
 * `seconds` against `url`. The counters are read outside the CPU window so the
 * admin requests do not count against the configuration.
 */
export async function measure({ envoy, pid, url, method, token, seconds, connections }) {
  const before = await requestCounters(envoy.admin);
  const cpu0 = cpuSeconds(pid);
  const out = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-H', `authorization: Bearer ${token}`, ...methodScript(method), url], (seconds + 30) * 1000);
  const cpu1 = cpuSeconds(pid);
  const after = await requestCounters(envoy.admin);
  const wrk = parseWrk(out);
  const served = after.completed - before.completed;
  const byClass = Object.fromEntries(['2xx', '4xx', '5xx'].map((c) => [c, after[c] - before[c]]));
  return {
    rps: wrk.rps,
    served,
    byClass,
    wrk,
    cpuUsPerRequest: served > 0 ? ((cpu1 - cpu0) * 1e6) / served : NaN,
    cpuShare: (cpu1 - cpu0) / wrk.seconds,
  };
}
