// Player controls: labels and icons. Which controls there are, in which
// order, each one's state and the words that explain it all come from the
// recgate package (`gate.controls()`, the Rust core); this module only draws.

/** The control's label for this recording. */
export function controlLabel(control, rec) {
  switch (control) {
    case 'play': return rec.media === 'chat' || rec.media === 'email' ? 'Open' : 'Play';
    case 'download': return 'Download';
    case 'delete': return 'Delete';
    case 'blackout': return 'Blackout';
    case 'bookmark': return 'Add bookmark';
    case 'viewBookmarks': return 'Bookmarks';
    case 'transcript': return 'Transcript';
    case 'monitorLive': return 'Monitor live';
    case 'editRetention': return 'Retention';
    case 'legalHold': return rec.legalHold ? 'Release hold' : 'Legal hold';
    default: return control;
  }
}

const P = (d) => `<path d="${d}"/>`;
export const ICONS = {
  play: P('M8 5.5v13l10.5-6.5z'),
  pause: P('M7 5h3.5v14H7zM13.5 5H17v14h-3.5z'),
  download: P('M12 4v10m0 0-4-4m4 4 4-4M5 19h14'),
  delete: P('M5 7h14M10 7V5h4v2m-7 0 1 12h8l1-12'),
  blackout: P('M4 9h16v6H4z') + P('M4 4l16 16'),
  bookmark: P('M7 4h10v16l-5-4-5 4z'),
  viewBookmarks: P('M6 6h12M6 12h12M6 18h8'),
  transcript: P('M5 5h14v10H9l-4 4z') + P('M8 9h8M8 12h5'),
  monitorLive: P('M4 14v-2a8 8 0 0 1 16 0v2') + P('M4 14h3v5H4zM17 14h3v5h-3z'),
  editRetention: P('M12 7v5l3 2') + '<circle cx="12" cy="12" r="8"/>',
  legalHold: P('M12 3 5 6v6c0 4 3 7 7 9 4-2 7-5 7-9V6z'),
  lock: P('M7 11V8a5 5 0 0 1 10 0v3') + P('M5 11h14v9H5z'),
  info: '<circle cx="12" cy="12" r="8.5"/>' + P('M12 11v5M12 8v.5'),
};

export function icon(name, cls = 'icon') {
  return `<svg class="${cls}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[name] ?? ''}</svg>`;
}

/** "Delete — blocked: legal hold" / "Play" / "Play — sensitive parts redacted": a label and the core's words. */
export function controlText(label, words) {
  return words ? `${label} — ${words}` : label;
}
