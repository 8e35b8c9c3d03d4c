// Wall-clock timing helpers of the harness (performance.now(), milliseconds).

/** The middle value (upper middle for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** `n` timings of `f()` in milliseconds. */
export function timeRounds(n, f) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}
