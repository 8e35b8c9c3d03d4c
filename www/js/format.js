// How the page writes a recording's media, times and dates for people. The
// list and the player show the same recording the same way.

export const MEDIA_LABEL = { audio: 'Call', screen: 'Screen', chat: 'Chat', email: 'Email', messaging: 'Messaging' };

const MEDIA_ICON = {
  audio: '<path d="M5 10v4M9 7v10M13 4v16M17 8v8M21 11v2"/>',
  screen: '<path d="M3 5h18v11H3zM8 20h8M12 16v4"/>',
  chat: '<path d="M4 5h16v11H9l-5 4z"/>',
  email: '<path d="M3 6h18v12H3z"/><path d="m3 7 9 6 9-6"/>',
};

/** The media's icon as SVG markup (a call's for media the page has no icon of). */
export const mediaIcon = (m) => `<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${MEDIA_ICON[m] ?? MEDIA_ICON.audio}</svg>`;

/** Seconds as m:ss. */
export const fmtTime = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** An RFC 3339 time in UTC for people, or a dash when it is no time. */
export const fmtDate = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }) + ' UTC';
};
