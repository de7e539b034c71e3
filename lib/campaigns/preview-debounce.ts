// The editor's pace for live previews, on its own: the editor (a client component) imports it, and
// preview-rate.ts, which the server's limits live in, reaches Redis (ioredis) that no browser bundle can hold.

/** The editor's wait after the last keystroke before it asks for a preview. */
export const PREVIEW_DEBOUNCE_MS = 60;
