// What the browser side of the demo holds between renders: one record that
// its modules share. Sign-in and refresh (app.js) replace the session's
// parts; the player and its actions change the selection, the open panel
// and the media playing. Decisions are never kept here beyond the render
// that asked for them: every render asks the gate again.

export const state = {
  server: null,
  sessions: [],
  session: null,
  gate: null, // the browser's gate: built from the slice only
  slice: null,
  sliceText: '',
  rows: [],
  access: new Map(),
  selectedId: null,
  now: '',
  controls: null, // gate.controls() of the selected recording, as last rendered
  content: null, // media of the selected recording, from the server
  panel: null, // 'bookmarks' | 'transcript' | 'monitor' | null
  bookmarks: [], // the bookmarks panel's list, drawn on the waveform too
  last: null, // { control, request } of the last decision shown in the trace panel
  media: null, // { el, url, raf, draw }
  monitor: null, // { el, url, decision, path }
  whoCan: null,
};

/** The selected recording among the rows shown, or null. */
export function selected() {
  return state.rows.find((r) => r.id === state.selectedId) ?? null;
}
