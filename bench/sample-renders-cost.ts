// npx tsx bench/sample-renders-cost.ts (RUNS=3): what one marketer's Activate costs in sample renders
// (lib/delivery/store/sample-renders.ts): the dialog's dry run (checkActivation) then the activation
// (activateCampaign), for a campaign of 5 webhooks x 3 variants of heavy fields (each loops over the
// user's 200 items) sending to a segment of 20 users placed after 9,000 users who are not in it, on a
// fresh SQLite file. Wall and CPU ms of each, and the longest the event loop was held meanwhile
// (perf_hooks.monitorEventLoopDelay, max). Medians of RUNS runs, each on its own campaign.
// 2026-12-07, 2 cores shared with other engineers' runs, medians of 3 (ms):
//                       before (4c2a53b)            after (yield, carried verdict, 54adcb4)
//   dry run  wall / CPU  1219 / 842                   1161 / 1046 (renders the full 1 s budget: no longer cut by others' time)
//   activate wall / CPU  1618 / 594                   109 / 60    (the dry run's verdict carried: nothing rendered)
//   total    wall / CPU  3070 / 1267                  1274 / 1106
//   loop held, longest   1145-2496 (the whole check)  24-205 (one render, a page of users, the unknown-attributes check)
// The segment here is group = "bench<run>" and every other user has a group too: segment-candidates.ts
// rules out users lacking a key, not a value, so it reads the same users in this bench.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";

const dir = mkdtempSync(path.join(tmpdir(), "hookline-sample-bench-"));
Object.assign(process.env, { HOOKLINE_DATA_DIR: dir, HOOKLINE_SECRET_KEY: randomBytes(32).toString("base64"), HOOKLINE_DEMO_SEED: "0", HOOKLINE_EMBEDDED_WORKER: "0", HOOKLINE_LOG_LEVEL: "warn" });
const RUNS = Number(process.env.RUNS ?? 3);

async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number; maxLoopDelayMs: number }> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // and a ticker's own longest gap between two turns, beside the histogram
  let last = performance.now();
  let gap = 0;
  const ticker = setInterval(() => {
    const t = performance.now();
    gap = Math.max(gap, t - last);
    last = t;
  }, 5);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  // the delay of the last turn is recorded when the monitor's timer runs next
  await new Promise((resolve) => setTimeout(resolve, 20));
  loop.disable();
  clearInterval(ticker);
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000, maxLoopDelayMs: Math.max(loop.max / 1e6, gap - 5) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const { env } = await import("../lib/env");
  const { applyMigrations } = await import("../lib/db/migrate");
  const { disconnectDb } = await import("../lib/db");
  const { checkActivation, activateCampaign } = await import("../lib/delivery/store/lifecycle");
  const { createHeavyAudience, createHeavyCampaign } = await import("../lib/delivery/testing/heavy-campaign");
  await applyMigrations(env().database);
  const rows: Record<string, number[]> = {};
  const add = (k: string, v: number) => (rows[k] ??= []).push(v);
  const { db } = await import("../lib/db");
  for (let run = 0; run < RUNS; run++) {
    await db().user.deleteMany({}); // each run's segment behind its own 9,000 others, not the previous runs' too
    await createHeavyAudience(`bench${run}`, 20, 9000);
    const campaign = await createHeavyCampaign(`bench${run}`, "https://hooks.example.com/hook");
    const dry = await measure(() => checkActivation(campaign.id));
    if (!dry.result.ok) throw new Error(`dry run refused: ${dry.result.problems.join(" ")}`);
    const token = (dry.result as { sampleCheck?: string }).sampleCheck;
    const activate = await measure(() => activateCampaign(campaign.id, { actor: "bench", ...(token ? { sampleCheck: token } : {}) } as never));
    if (!activate.result.ok) throw new Error(`activation refused: ${activate.result.problems.join(" ")}`);
    for (const [name, m] of [["dry run", dry], ["activate", activate]] as const) {
      add(`${name} wall ms`, m.wallMs);
      add(`${name} CPU ms`, m.cpuMs);
      add(`${name} max loop delay ms`, m.maxLoopDelayMs);
    }
    add("total wall ms", dry.wallMs + activate.wallMs);
    add("total CPU ms", dry.cpuMs + activate.cpuMs);
  }
  for (const [k, v] of Object.entries(rows)) console.log(`${k.padEnd(28)} ${median(v).toFixed(0).padStart(6)}   (${v.map((x) => x.toFixed(0)).join(", ")})`);
  await disconnectDb();
  rmSync(dir, { recursive: true, force: true });
}

void main();
