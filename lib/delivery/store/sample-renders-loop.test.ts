// Activate's sample renders (sample-renders.ts) ran on the event loop in one piece: a campaign of heavy
// templates held the web process for a second per check (its dry run, then the activation), and every
// other request waited. They yield between renders now: the longest the loop waits is about one render.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { activateCampaign } from "./lifecycle";
import { createHeavyAudience, createHeavyCampaign } from "../testing/heavy-campaign";
import { SAMPLE_RENDERS_MS } from "./sample-renders";

/** The longest the event loop was held while `fn` ran: the delay histogram's, or a 5 ms ticker's longest gap. */
async function longestHold(fn: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let last = performance.now();
  let gap = 0;
  const ticker = setInterval(() => {
    const t = performance.now();
    gap = Math.max(gap, t - last);
    last = t;
  }, 5);
  await fn();
  await new Promise((resolve) => setTimeout(resolve, 20)); // the last turn's delay is recorded at the next tick
  clearInterval(ticker);
  histogram.disable();
  return Math.max(histogram.max / 1e6, gap - 5);
}

describe("Activate's sample renders keep the event loop responsive", () => {
  it("does not hold the loop for the renders of a heavy campaign (5 webhooks x 3 variants, a segment behind 3,000 others)", async () => {
    await createHeavyAudience("loop", 20, 3000);
    const campaign = await createHeavyCampaign("loop", "https://hooks.example.com/hook");
    const started = performance.now();
    // an activation without its dry run's verdict (the API's): it renders them all
    const held = await longestHold(async () => expect(await activateCampaign(campaign.id)).toMatchObject({ ok: true }));
    const took = performance.now() - started;
    // the renders took a while (before: the loop was held all that time, a second and more), yet no turn of the loop waited long
    expect(took).toBeGreaterThan(SAMPLE_RENDERS_MS / 2);
    expect(held).toBeLessThan(SAMPLE_RENDERS_MS / 2);
  });
});
