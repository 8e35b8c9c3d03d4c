// Media for the demo, generated in the page: nothing binary is fetched.
//
// • Calls: a speech-like WAV (8 kHz, 16-bit mono) synthesised from the
//   recording's script: each line becomes syllables with the speaker's pitch
//   and moving formants. Redacted spans become a soft 1 kHz tone (the usual
//   PCI "pause" marker); manual blackouts become silence.
// • Screen recordings: a <video> element plays a generated WAV track (the
//   timeline and the keyboard/mouse sounds), and the agent's desktop is drawn
//   on a canvas in step with the video's currentTime. MediaRecorder over a
//   canvas would produce real WebM, but it records in real time and is not
//   dependable in headless Chromium, so the frames are drawn instead; the
//   poster is the first frame.

const RATE = 8000;

/** A small deterministic PRNG seeded from a string. */
function rng(seed) {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return () => {
    h += 0x6d2b79f5;
    let t = h;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Line i's span in seconds. */
function spans(script, duration) {
  return script.map((line, i) => ({ ...line, end: i + 1 < script.length ? script[i + 1].at : duration }));
}

const inSpan = (t, list) => list.some((s) => t >= s.start && t < s.end);

/** Speech-like samples for a call. */
export function synthCall(content) {
  const duration = Math.max(1, content.durationSec || 1);
  const n = Math.round(duration * RATE);
  const out = new Float32Array(n);
  const rand = rng(content.id);
  const pitch = { agent: 118 + rand() * 30, customer: 190 + rand() * 40, system: 150 };
  for (const line of spans(content.script ?? [], duration)) {
    const f0base = pitch[line.speaker] ?? 150;
    let t = line.at + 0.15;
    const stop = Math.min(line.end - 0.3, line.at + 0.12 * (line.text ?? '█████████████████').length / 1.6);
    while (t < stop) {
      const len = 0.11 + rand() * 0.17;
      const f1 = 380 + rand() * 450;
      const f2 = 1100 + rand() * 1000;
      const glide = (rand() - 0.5) * 30;
      const start = Math.floor(t * RATE);
      const count = Math.floor(len * RATE);
      let phase = 0;
      for (let i = 0; i < count && start + i < n; i++) {
        const x = i / count;
        const env = Math.sin(Math.PI * x) ** 2;
        const f0 = f0base + glide * x;
        phase += (2 * Math.PI * f0) / RATE;
        let s = 0;
        for (let k = 1; k <= 10; k++) {
          const f = f0 * k;
          const w = Math.exp(-(((f - f1) / 160) ** 2)) + 0.6 * Math.exp(-(((f - f2) / 220) ** 2)) + 0.08;
          s += (w * Math.sin(phase * k)) / k ** 0.5;
        }
        out[start + i] += 0.16 * env * s;
      }
      t += len + (rand() < 0.18 ? 0.16 + rand() * 0.2 : 0.02 + rand() * 0.06);
    }
  }
  noiseAndMarks(out, content, rand);
  return out;
}

/** Keyboard and mouse sounds for a screen recording's track. */
export function synthScreen(content) {
  const duration = Math.max(1, content.durationSec || 1);
  const n = Math.round(duration * RATE);
  const out = new Float32Array(n);
  const rand = rng(content.id);
  for (let t = 0.6; t < duration - 0.3; t += 0.09 + rand() * 0.25) {
    if (rand() < 0.12) t += 0.8 + rand(); // pauses between bursts of typing
    const start = Math.floor(t * RATE);
    for (let i = 0; i < 160 && start + i < n; i++) out[start + i] += (rand() - 0.5) * 0.5 * Math.exp(-i / 22);
  }
  noiseAndMarks(out, content, rand);
  return out;
}

function noiseAndMarks(out, content, rand) {
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    if (inSpan(t, content.blackouts ?? [])) out[i] = 0;
    else if (inSpan(t, content.redactions ?? [])) out[i] = 0.05 * Math.sin((2 * Math.PI * 1000 * i) / RATE);
    else out[i] += (rand() - 0.5) * 0.006;
  }
}

/** A WAV file (PCM 16-bit mono) of the samples. */
export function wavBlob(samples, rate = RATE) {
  const buf = new ArrayBuffer(44 + samples.length * 2);
  const v = new DataView(buf);
  const str = (o, s) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, 36 + samples.length * 2, true);
  str(8, 'WAVE');
  str(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  str(36, 'data');
  v.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    v.setInt16(44 + i * 2, Math.round(s * 32767), true);
  }
  return new Blob([buf], { type: 'audio/wav' });
}

/** Peak level per bucket, for the waveform. */
export function peaks(samples, buckets) {
  const out = new Float32Array(buckets);
  const per = Math.max(1, Math.floor(samples.length / buckets));
  for (let b = 0; b < buckets; b++) {
    let m = 0;
    for (let i = b * per; i < (b + 1) * per && i < samples.length; i++) m = Math.max(m, Math.abs(samples[i]));
    out[b] = m;
  }
  return out;
}

function cssVar(el, name, fallback) {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** Draws the waveform with redacted spans, blackouts, bookmarks and the playhead. */
export function drawWaveform(canvas, { levels, duration, position, redactions, blackouts, bookmarks }) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
  if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const x = (t) => (t / duration) * w;
  const accent = cssVar(canvas, '--accent', '#3f5bd8');
  const muted = cssVar(canvas, '--wave-muted', '#b8c1d9');
  for (const r of redactions) {
    g.fillStyle = 'rgba(217, 140, 20, 0.16)';
    g.fillRect(x(r.start), 0, x(r.end) - x(r.start), h);
    g.strokeStyle = 'rgba(217, 140, 20, 0.45)';
    for (let px = x(r.start) - h; px < x(r.end); px += 7) {
      g.beginPath();
      g.moveTo(Math.max(px, x(r.start)), px < x(r.start) ? h - (x(r.start) - px) : h);
      g.lineTo(Math.min(px + h, x(r.end)), px + h > x(r.end) ? h - (x(r.end) - px) : 0);
      g.stroke();
    }
  }
  for (const b of blackouts) {
    g.fillStyle = '#1d2433';
    g.fillRect(x(b.start), 0, x(b.end) - x(b.start), h);
  }
  const bar = 3;
  const n = Math.floor(w / bar);
  for (let i = 0; i < n; i++) {
    const level = levels[Math.floor((i / n) * levels.length)] ?? 0;
    const bh = Math.max(1.5, Math.min(1, level * 2.2) * (h - 12));
    g.fillStyle = (i * bar) / w <= position / duration ? accent : muted;
    g.fillRect(i * bar, (h - bh) / 2, bar - 1, bh);
  }
  for (const bm of bookmarks) {
    g.fillStyle = bm.visibility === 'private' ? '#8a4fd1' : '#0f8a6d';
    g.beginPath();
    g.moveTo(x(bm.at) - 5, 0);
    g.lineTo(x(bm.at) + 5, 0);
    g.lineTo(x(bm.at), 7);
    g.fill();
    g.fillRect(x(bm.at) - 0.5, 0, 1, h);
  }
  g.fillStyle = '#141a26';
  g.fillRect(x(position) - 1, 0, 2, h);
}

/** One frame of the agent's desktop at time `t` (seconds). */
export function drawScreenFrame(canvas, content, t) {
  const W = 960;
  const H = 540;
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const g = canvas.getContext('2d');
  const s = content.screen ?? { app: 'Desktop', case: '', fields: {}, notes: '' };
  const duration = Math.max(1, content.durationSec || 1);
  const p = Math.min(1, t / duration);
  // desktop
  const grad = g.createLinearGradient(0, 0, W, H);
  grad.addColorStop(0, '#23395d');
  grad.addColorStop(1, '#1a2740');
  g.fillStyle = grad;
  g.fillRect(0, 0, W, H);
  // taskbar with the recording's wall-clock time
  g.fillStyle = 'rgba(10,14,22,0.85)';
  g.fillRect(0, H - 34, W, 34);
  g.fillStyle = '#dfe6f3';
  g.font = '13px system-ui, sans-serif';
  const wall = new Date(Date.parse(content.createdAt ?? '2026-01-01T00:00:00Z') + t * 1000);
  g.fillText(wall.toISOString().slice(11, 19) + ' UTC', W - 110, H - 12);
  g.fillText(`● REC  ${s.app}`, 14, H - 12);
  // window
  const wx = 60;
  const wy = 36;
  const ww = W - 120;
  const wh = H - 110;
  g.fillStyle = '#f5f7fb';
  g.fillRect(wx, wy, ww, wh);
  g.fillStyle = '#2f4fb8';
  g.fillRect(wx, wy, ww, 34);
  g.fillStyle = '#fff';
  g.font = '600 15px system-ui, sans-serif';
  g.fillText(`${s.app} — ${s.case}`, wx + 14, wy + 22);
  // sidebar
  g.fillStyle = '#e4e9f4';
  g.fillRect(wx, wy + 34, 170, wh - 34);
  g.fillStyle = '#44506a';
  g.font = '14px system-ui, sans-serif';
  ['Cases', 'Customers', 'Billing', 'Orders', 'Knowledge'].forEach((item, i) => {
    if (i === Math.floor(p * 5) % 5) {
      g.fillStyle = '#cfd8ee';
      g.fillRect(wx, wy + 52 + i * 34, 170, 30);
      g.fillStyle = '#1f2a44';
    } else g.fillStyle = '#44506a';
    g.fillText(item, wx + 18, wy + 72 + i * 34);
  });
  // form fields; a redacted field is blacked out
  const fx = wx + 200;
  let fy = wy + 70;
  g.font = '13px system-ui, sans-serif';
  for (const [label, value] of Object.entries(s.fields ?? {})) {
    g.fillStyle = '#56617a';
    g.fillText(label, fx, fy);
    g.strokeStyle = '#c3cbe0';
    g.fillStyle = '#fff';
    g.fillRect(fx, fy + 8, 360, 30);
    g.strokeRect(fx + 0.5, fy + 8.5, 360, 30);
    if (value === null) {
      g.fillStyle = '#141a26';
      g.fillRect(fx + 6, fy + 14, 220, 18);
      g.fillStyle = '#f3b341';
      g.font = '600 11px system-ui, sans-serif';
      g.fillText('REDACTED', fx + 236, fy + 28);
      g.font = '13px system-ui, sans-serif';
    } else {
      g.fillStyle = '#1f2a44';
      const typed = label === s.sensitiveField ? value.slice(0, Math.max(0, Math.round((p - 0.4) * 3 * value.length))) : value;
      g.fillText(typed, fx + 10, fy + 28);
    }
    fy += 62;
  }
  // notes being typed
  g.fillStyle = '#56617a';
  g.fillText('Notes', fx, fy);
  g.fillStyle = '#fff';
  g.fillRect(fx, fy + 8, 560, 80);
  g.strokeRect(fx + 0.5, fy + 8.5, 560, 80);
  const notes = (s.notes ?? '').slice(0, Math.round(Math.max(0, p - 0.55) / 0.4 * (s.notes ?? '').length));
  g.fillStyle = '#1f2a44';
  g.fillText(notes + (Math.floor(t * 2) % 2 ? '|' : ''), fx + 10, fy + 30);
  // cursor
  const cx = fx + 40 + Math.sin(t * 0.9) * 160 + p * 180;
  const cy = wy + 120 + Math.cos(t * 0.7) * 90 + p * 120;
  g.fillStyle = '#fff';
  g.strokeStyle = '#000';
  g.beginPath();
  g.moveTo(cx, cy);
  g.lineTo(cx, cy + 18);
  g.lineTo(cx + 5, cy + 13);
  g.lineTo(cx + 12, cy + 13);
  g.closePath();
  g.fill();
  g.stroke();
  // blacked-out spans of the recording
  if ((content.blackouts ?? []).some((b) => t >= b.start && t < b.end)) {
    g.fillStyle = '#000';
    g.fillRect(0, 0, W, H);
  }
}

export const SAMPLE_RATE = RATE;
