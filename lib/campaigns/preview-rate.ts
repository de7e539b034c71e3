// How often the live preview may be asked for. The editor asks once typing pauses for
// PREVIEW_DEBOUNCE_MS, so one open editor asks at most 1000 / 60 ≈ 17 times a second however fast
// its member types: the per-member limit of POST /api/preview is above that, with a burst for a few
// editors (or variants) open at once. A member sending previews in a loop is held to it, each
// preview's cost bounded by the template limits and the render budget (lib/templating). That budget
// (250 ms, twice when a failing field is looked for) times 20 a second is seconds of the event loop
// per second: so what a member's previews cost is limited too (PREVIEW_RENDER_TIME), in milliseconds
// of rendering, each preview charged all of its wall-clock time (the event loop is blocked that long,
// whatever slowed it).
// The share is a quarter of the event loop, not a fifth: on a loaded two-core machine an ordinary
// preview measured 4 ms at the median, 12.5 ms on average, 30 ms at p90, 90 ms at p99 and 250 ms for
// a server's first (2026-12-07), so a fast typist (17 a second) takes ~213 ms a second by itself, and
// no burst small enough to bound a stall holds two minutes of that over a 200 ms/s line. A preview
// renders only while its member has one preview's worst case left (PREVIEW_WORST_RENDER_MS): checking
// only for more than nothing let a run of previews that each render for their whole budget go on for
// the whole burst plus one (~5.5 s in a row with a 4 s burst). So a member stalls the process at most
// (burst − worst case) / (1 − share) + one worst case ≈ 1.4 s in a row, and ~250 ms a second sustained.
import { BUSY_WINDOW_MS, MAX_RENDER_MS } from "../templating";
import { setTimeout as sleep } from "node:timers/promises";
import { TokenBuckets, type RateDecision } from "../api/rate-limit";

export { PREVIEW_DEBOUNCE_MS } from "./preview-debounce";

/** Previews a member may ask for (token bucket: sustained per second, and at once; shared by every web process with Redis). */
export const PREVIEW_RATE = { scope: "preview", perSecond: 20, burst: 40 } as const;

/**
 * How long one preview renders at most with the process busy: its budget twice (the second to tell
 * which field failed), each run past its deadline by the window over which a busy process is judged.
 * (A process paused by the machine may take up to four budgets of wall time: not this member's CPU.)
 */
export const PREVIEW_WORST_RENDER_MS = 2 * (MAX_RENDER_MS + BUSY_WINDOW_MS);

/**
 * Milliseconds of rendering a member's previews may take: `perSecond` sustained (a quarter of the
 * event loop), `burst` at once; a preview starts only with PREVIEW_WORST_RENDER_MS of it left.
 */
export const PREVIEW_RENDER_TIME = { perSecond: 250, burst: 1200 } as const;

/**
 * A member's renders took their share of rendering time: a preview waits (429 with Retry-After, which
 * the editor's notice counts down: the message does not say the seconds again); Activate's and
 * Resume's checks ("check") say when to try again.
 */
export class RenderTimeExceededError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly during: "preview" | "check" = "preview",
  ) {
    super(
      during === "preview"
        ? "Your previews have taken their share of rendering time (Activate's and Resume's checks count too). A template that needs that long would slow every delivery too."
        : `Your previews and checks have taken their share of rendering time: try again in ${retryAfterSeconds} s. A template that needs that long would slow every delivery too.`,
    );
  }
}

/**
 * Members' shares of rendering time, on `clock` (milliseconds, monotonic: the buckets' time and each
 * render's duration). Pure apart from the clock, so tests run a member's minutes without sleeping.
 */
export class PreviewRenderTime {
  private buckets = new TokenBuckets(PREVIEW_RENDER_TIME.perSecond, PREVIEW_RENDER_TIME.burst);

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /**
   * Runs one preview's rendering (synchronous: its time is the event loop's) for `memberId`, refused
   * with RenderTimeExceededError unless the member has one preview's worst case of time left.
   */
  run<T>(memberId: string, render: () => T): T {
    const decision = this.ready(memberId);
    if (!decision.ok) throw new RenderTimeExceededError(decision.retryAfterSeconds);
    return this.charged(memberId, render);
  }

  /** Whether `memberId` has one render's worst case (PREVIEW_WORST_RENDER_MS) left now, else how long to wait. */
  ready(memberId: string): RateDecision {
    return this.buckets.check(memberId, this.clock(), PREVIEW_WORST_RENDER_MS);
  }

  /** Runs `render` and charges its wall-clock time to `memberId` (after `ready` said so). */
  charged<T>(memberId: string, render: () => T): T {
    const started = this.clock();
    try {
      return render();
    } finally {
      const now = this.clock();
      this.buckets.charge(memberId, now - started, now);
    }
  }

  clear() {
    this.buckets.clear();
  }
}

const holder = globalThis as unknown as { __hooklinePreviewRenderTime?: PreviewRenderTime };
const renderTime = () => (holder.__hooklinePreviewRenderTime ??= new PreviewRenderTime());

/** Runs one preview's rendering for `memberId` within their share of this process's time (PreviewRenderTime.run). */
export function withinPreviewTime<T>(memberId: string | undefined, render: () => T): T {
  return memberId ? renderTime().run(memberId, render) : render();
}

/** How long a check under way waits for its member's share at most before it gives up (RenderTimeExceededError). */
export const CHECK_WAIT_MS = 10_000;
/** How often a waiting check looks at its member's share again (Retry-After is in whole seconds). */
const CHECK_POLL_MS = 50;

/**
 * The renders of one of Activate's or Resume's checks (sample-renders.ts: up to SAMPLE_RENDERS_MS of
 * yielding renders) for `memberId`, in the same share as their previews, so that a check asked in a
 * loop holds the process no longer than previews can. A check starts only with one render's worst case
 * left (`start`, else RenderTimeExceededError: "try again in N s"); under way, each render waits for
 * that much (a check cut short would judge fewer users), at most CHECK_WAIT_MS in all. No member (the
 * API's activation, the engine): not held.
 */
export function checkRenderTime(memberId: string | undefined, clock: () => number = () => performance.now()) {
  const share = renderTime();
  let waited = 0;
  return {
    start() {
      if (!memberId) return;
      const decision = share.ready(memberId);
      if (!decision.ok) throw new RenderTimeExceededError(decision.retryAfterSeconds, "check");
    },
    async render<T>(render: () => T): Promise<T> {
      if (!memberId) return render();
      for (let decision = share.ready(memberId); !decision.ok; decision = share.ready(memberId)) {
        if (waited >= CHECK_WAIT_MS) throw new RenderTimeExceededError(decision.retryAfterSeconds, "check");
        const from = clock();
        await sleep(CHECK_POLL_MS);
        waited += clock() - from;
      }
      return share.charged(memberId, render);
    },
  };
}

/** Forgets what members' previews have spent (tests). */
export function resetPreviewTime() {
  holder.__hooklinePreviewRenderTime?.clear();
}
