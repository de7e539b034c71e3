// How often the live preview may be asked for. The editor asks once typing pauses for
// PREVIEW_DEBOUNCE_MS, so one open editor asks at most 1000 / 60 ≈ 17 times a second however fast
// its member types: the per-member limit of POST /api/preview is above that, with a burst for a few
// editors (or variants) open at once. A member sending previews in a loop is held to it, each
// preview's cost bounded by the template limits and the render budget (lib/templating).

/** The editor's wait after the last keystroke before it asks for a preview. */
export const PREVIEW_DEBOUNCE_MS = 60;

/** Previews a member may ask for (token bucket: sustained per second, and at once). */
export const PREVIEW_RATE = { perSecond: 20, burst: 40 } as const;
