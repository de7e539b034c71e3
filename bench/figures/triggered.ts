// Figure 4: the triggered path. Events go in through POST /api/v1/events in batches of 100, each
// matching one triggered campaign; we measure events accepted per second and the time from an
// event's acceptance (its batch's 202) to its webhook arriving at the receiver.
import { Pool } from "undici";
import { activateCampaign } from "../../lib/delivery/store/lifecycle";
import { apiHeaders } from "../app-session";
import { createBenchCampaign } from "../delivery-run";
import { embeddedApp } from "../embedded-app";
import { fmt, verdict } from "../report";
import { round, summarize } from "../stats";
import { userId } from "../workload";
import type { FigureContext, FigureResult } from "./context";

const TARGET_EVENTS_PER_SECOND = 5000;
const TARGET_P99_MS = 1000;
const BATCH = 100;
const IN_FLIGHT = 4;
const EVENT = "bench_signup";

export async function figureTriggered(ctx: FigureContext): Promise<FigureResult> {
  const total = ctx.options.events;
  const { base } = await embeddedApp(ctx);
  const campaign = await createBenchCampaign({ port: ctx.receiver.port, rule: { when: "triggered", event: EVENT }, name: "Bench triggered" });
  const activated = await activateCampaign(campaign.id);
  if (!activated.ok) throw new Error(`activation refused: ${activated.problems.join("; ")}`);
  const pool = new Pool(base, { connections: IN_FLIGHT });
  await ctx.receiver.reset(true);

  const acceptedAt = new Map<string, number>();
  const batches = Math.ceil(total / BATCH);
  let next = 0;
  let rejected = 0;
  const started = Date.now();
  const lane = async () => {
    while (next < batches) {
      const b = next++;
      const ids = Array.from({ length: Math.min(BATCH, total - b * BATCH) }, (_, k) => userId(b * BATCH + k));
      const body = JSON.stringify({ events: ids.map((id) => ({ userId: id, event: EVENT, params: { plan: "pro", source: "bench" } })) });
      const res = await pool.request({ path: "/api/v1/events", method: "POST", headers: apiHeaders, body });
      const text = await res.body.text();
      const at = Date.now();
      if (res.statusCode !== 202) {
        rejected++;
        if (rejected === 1) ctx.progress(`POST /api/v1/events answered ${res.statusCode}: ${text.slice(0, 300)}`);
        continue;
      }
      for (const id of ids) acceptedAt.set(id, at);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const acceptSeconds = (Date.now() - started) / 1000;
  await pool.close();
  if (rejected) throw new Error(`${rejected} of ${batches} batches were not accepted`);
  let stats = await ctx.receiver.stats();
  try {
    stats = await ctx.receiver.waitFor(total, ctx.options.budgetMs.triggered);
  } catch {
    // reported below as webhooks received within the budget
    stats = await ctx.receiver.stats();
  }
  const arrivals = await ctx.receiver.arrivals();
  const lags: number[] = [];
  for (const [id, at] of acceptedAt) {
    const got = arrivals.get(id);
    if (got !== undefined) lags.push(got - at);
  }
  const s = summarize(lags);
  const perSecond = total / acceptSeconds;
  const deliveredPerSecond = stats.count / ((stats.lastAt - started) / 1000);
  const met = perSecond >= TARGET_EVENTS_PER_SECOND && s.p99 < TARGET_P99_MS;
  return {
    rows: [
      { measure: `events accepted/s (batches of ${BATCH}, ${IN_FLIGHT} in flight)`, value: fmt(perSecond), target: `>= ${fmt(TARGET_EVENTS_PER_SECOND)}`, verdict: verdict(perSecond >= TARGET_EVENTS_PER_SECOND) },
      { measure: "event accepted -> webhook received p50 / p99", value: `${fmt(s.p50, " ms")} / ${fmt(s.p99, " ms")}`, target: `p99 < ${TARGET_P99_MS} ms`, verdict: verdict(s.p99 < TARGET_P99_MS) },
      { measure: "webhooks/s end to end", value: fmt(deliveredPerSecond) },
      { measure: "events / webhooks / duplicates", value: `${fmt(total)} / ${fmt(stats.count)} / ${fmt(stats.duplicates)}${stats.count < total ? ` (budget ${ctx.options.budgetMs.triggered / 1000} s)` : ""}` },
    ],
    json: {
      available: true,
      events: total,
      batch: BATCH,
      inFlight: IN_FLIGHT,
      eventsPerSecond: round(perSecond),
      webhooksReceived: stats.count,
      webhooksPerSecond: round(deliveredPerSecond),
      lagMs: { p50: s.p50, p99: s.p99, max: s.max },
      targets: { eventsPerSecond: TARGET_EVENTS_PER_SECOND, p99Ms: TARGET_P99_MS },
      met,
    },
  };
}
