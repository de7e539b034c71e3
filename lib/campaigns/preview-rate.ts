// How often the live preview may be asked for. The editor asks once typing pauses for
// PREVIEW_DEBOUNCE_MS, so one open editor asks at most 1000 / 60 ≈ 17 times a second however fast
// its member types: the per-member limit of POST /api/preview is above that, with a burst for a few
// editors (or variants) open at once. A member sending previews in a loop is held to it, each
// preview's cost bounded by the template limits and the render budget (lib/templating). That budget
// (250 ms, twice when a failing field is looked for) times 20 a second is seconds of the event loop
// per second: so what a member's previews cost is limited too (PREVIEW_RENDER_TIME), in milliseconds
// of rendering. It is wall-clock time (the event loop is blocked that long, whatever slowed it), so on
// a loaded two-core machine an ordinary preview measured 4 ms at the median, 12 ms on average, 30 ms at
// p90, 90 ms at p99 and 250 ms for a server's first (2026-12-07): a fast typist (17 a second) charged
// all of it would sit at the 200 ms/s line and a spike could empty a 1 s burst. So the first
// `freeMs` of each preview are not charged (at the count limit, at most a tenth of the event loop),
// and the burst holds a cold start and many spikes; a template looping for its whole render budget
// still pays nearly all of it and is held after a few previews.
import { TokenBuckets } from "../api/rate-limit";

export { PREVIEW_DEBOUNCE_MS } from "./preview-debounce";

/** Previews a member may ask for (token bucket: sustained per second, and at once; shared by every web process with Redis). */
export const PREVIEW_RATE = { scope: "preview", perSecond: 20, burst: 40 } as const;

/**
 * Milliseconds of rendering a member's previews may take: `perSecond` sustained (a fifth of the event
 * loop), `burst` at once; each preview is charged only what it took past `freeMs`.
 */
export const PREVIEW_RENDER_TIME = { perSecond: 200, burst: 4000, freeMs: 5 } as const;

/** A member's previews took their share of rendering time: they wait (429 with Retry-After). */
export class PreviewTimeExceededError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Your previews have taken their share of rendering time; the preview continues in ${retryAfterSeconds} s. A template that needs that long would slow every delivery too.`);
  }
}

/** What a preview that rendered for `elapsedMs` (wall clock) is charged of its member's PREVIEW_RENDER_TIME. */
export function chargedRenderTime(elapsedMs: number): number {
  return Math.max(0, elapsedMs - PREVIEW_RENDER_TIME.freeMs);
}

const holder = globalThis as unknown as { __hooklinePreviewTime?: TokenBuckets };
const renderTime = () => (holder.__hooklinePreviewTime ??= new TokenBuckets(PREVIEW_RENDER_TIME.perSecond, PREVIEW_RENDER_TIME.burst));

/**
 * Runs one preview's rendering (synchronous: its time is the event loop's) for `memberId`, refused
 * with PreviewTimeExceededError while the member's previews owe rendering time.
 */
export function withinPreviewTime<T>(memberId: string | undefined, render: () => T): T {
  if (!memberId) return render();
  const decision = renderTime().check(memberId, Date.now());
  if (!decision.ok) throw new PreviewTimeExceededError(decision.retryAfterSeconds);
  const started = performance.now();
  try {
    return render();
  } finally {
    renderTime().charge(memberId, chargedRenderTime(performance.now() - started), Date.now());
  }
}

/** Forgets what members' previews have spent (tests). */
export function resetPreviewTime() {
  holder.__hooklinePreviewTime?.clear();
}
