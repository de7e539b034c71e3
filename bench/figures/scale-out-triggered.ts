// Figure 3's triggered path: events for a campaign without delay are written by the bench process
// (the web side: trackEvents, as POST /api/v1/events does) at a paced 5,000 events/s while two
// workers deliver; we measure event written -> webhook received. The write publishes a wake-up on
// Redis, so no worker waits for a poll.
import { trackEvents } from "../../lib/delivery/triggers";
import { activateCampaign } from "../../lib/delivery/store/lifecycle";
import { createBenchCampaign, stateCounts } from "../delivery-run";
import { fmt, verdict } from "../report";
import { startScaleOutInstall } from "../scale-out-install";
import { round, summarize } from "../stats";
import { userId } from "../workload";
import type { FigureContext, FigureResult } from "./context";

const TARGET_EVENTS_PER_SECOND = 5000;
const TARGET_P99_MS = 1000;
const BATCH = 100;
const MAX_IN_FLIGHT = 8;
const EVENT = "bench_signup";
/** events sent and delivered before the measure, so that no worker pays its first send in it */
const WARM_UP = 200;

export async function triggeredThroughWorkers(ctx: FigureContext, workers: number): Promise<FigureResult> {
  const total = ctx.options.events;
  // the users exist with their attributes (the typical action's template reads them)
  const install = await startScaleOutInstall(ctx, workers, total + WARM_UP);
  try {
    const campaign = await createBenchCampaign({ port: ctx.receiver.port, rule: { when: "triggered", event: EVENT }, name: "Bench triggered" });
    const activated = await activateCampaign(campaign.id);
    if (!activated.ok) throw new Error(`activation refused: ${activated.problems.join("; ")}`);
    await ctx.receiver.reset(false);
    await trackEvents(Array.from({ length: WARM_UP }, (_, k) => ({ userId: userId(total + k), event: EVENT, params: { plan: "pro", source: "warm-up" } })));
    await ctx.receiver.waitFor(WARM_UP, ctx.options.budgetMs.triggered);
    await ctx.receiver.reset(true);
    const acceptedAt = new Map<string, number>();
    const batches = Math.ceil(total / BATCH);
    const intervalMs = (BATCH / TARGET_EVENTS_PER_SECOND) * 1000;
    const inFlight = new Set<Promise<void>>();
    const started = Date.now();
    for (let b = 0; b < batches; b++) {
      const wait = started + b * intervalMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const ids = Array.from({ length: Math.min(BATCH, total - b * BATCH) }, (_, k) => userId(b * BATCH + k));
      const p = trackEvents(ids.map((id) => ({ userId: id, event: EVENT, params: { plan: "pro", source: "bench" } }))).then(() => {
        const at = Date.now();
        for (const id of ids) acceptedAt.set(id, at);
      });
      const tracked = p.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    const perSecond = total / ((Date.now() - started) / 1000);
    let stats;
    try {
      stats = await ctx.receiver.waitFor(total, ctx.options.budgetMs.triggered);
    } catch {
      stats = await ctx.receiver.stats();
    }
    const states = await stateCounts(campaign.id);
    states.delivered = (states.delivered ?? 0) - WARM_UP;
    if (stats.count < total) ctx.progress(`triggered through workers: ${stats.count} of ${total} received; deliveries by state ${JSON.stringify(states)}`);
    const arrivals = await ctx.receiver.arrivals();
    const lags: number[] = [];
    for (const [id, at] of acceptedAt) {
      const got = arrivals.get(id);
      if (got !== undefined) lags.push(got - at);
    }
    const s = summarize(lags);
    const met = perSecond >= TARGET_EVENTS_PER_SECOND * 0.95 && s.p99 < TARGET_P99_MS && stats.count >= total;
    const label = `triggered through ${workers} workers`;
    return {
      rows: [
        { measure: `${label}: events written/s (paced, batches of ${BATCH})`, value: fmt(perSecond) },
        {
          measure: `${label}: event written -> webhook received p50 / p99`,
          value: `${fmt(s.p50, " ms")} / ${fmt(s.p99, " ms")} (${fmt(stats.count)} of ${fmt(total)} received, ${fmt(stats.duplicates)} duplicates)`,
          target: `p99 < ${TARGET_P99_MS} ms at >= ${fmt(TARGET_EVENTS_PER_SECOND)}/s`,
          verdict: verdict(met),
        },
      ],
      json: { workers, states, events: total, eventsPerSecond: round(perSecond), received: stats.count, duplicates: stats.duplicates, lagMs: { p50: s.p50, p99: s.p99, max: s.max }, met },
    };
  } finally {
    await install.stop();
  }
}
