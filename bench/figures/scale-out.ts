// Figure 3: the same campaign on PostgreSQL + Redis, delivered by 1, 2 and 4 `npm run worker`
// processes woken through Redis: deliveries per second, ratio to the raw limit, CPU per worker,
// CPU per delivery of every process involved (bench/cpu-ledger.ts), a capacity model from those
// costs, and the triggered path through the workers (scale-out-triggered.ts).
import { activateCampaign } from "../../lib/delivery/store/lifecycle";
import { createBenchCampaign, waitRecorded } from "../delivery-run";
import { cpuMs } from "../process-stats";
import { capacityGrid, type DeliveryCosts } from "../capacity";
import { describeCpu, perDelivery } from "../cpu-ledger";
import { contextSwitches, difference, engineCounters, faultsAndTimes } from "../engine-counters";
import { fmt, verdict } from "../report";
import { GROUP, reachable, startScaleOutInstall } from "../scale-out-install";
import { round } from "../stats";
import { ratioToRaw, type FigureContext, type FigureResult } from "./context";
import { triggeredThroughWorkers } from "./scale-out-triggered";

const TARGET_TWO_WORKERS = 0.4;
/** the first 1,000 bench users (ids u0000000-u0000999) */
const WARM_UP_AUDIENCE = { match: "all", conditions: [{ key: "id", operator: "contains", value: "u0000" }] };

async function oneRun(ctx: FigureContext, workers: number, users: number) {
  const install = await startScaleOutInstall(ctx, workers, users);
  try {
    // Warm-up: every worker sends a batch first (modules loaded on first use, query plans, HTTP
    // pools), so the measure holds the steady cost per delivery; otherwise each worker's start-up
    // cost is spread over fewer deliveries the more workers there are.
    const warm = await createBenchCampaign({ port: ctx.receiver.port, rule: { when: "immediate" }, name: "Bench warm-up", audience: WARM_UP_AUDIENCE });
    if (!(await activateCampaign(warm.id)).ok) throw new Error("warm-up activation refused");
    await waitRecorded(warm.id, Math.min(users, 1000), ctx.options.budgetMs.scaleOutRun);
    const campaign = await createBenchCampaign({ port: ctx.receiver.port, rule: { when: "immediate" } });
    await ctx.receiver.reset(false);
    const ledger = await install.ledger();
    const tables0 = await install.tableStats();
    const counters0 = await Promise.all(install.procs.map(engineCounters));
    if (process.env.BENCH_WINDOW_PROF_DIR) for (const p of install.procs) process.kill(p.pid, "SIGWINCH");
    const switches0 = install.procs.map((p) => contextSwitches(p.pid));
    const proc0 = install.procs.map((p) => faultsAndTimes(p.pid));
    const cpu0 = install.procs.map((p) => cpuMs(p.pid) ?? 0);
    const started = Date.now();
    const result = await activateCampaign(campaign.id);
    if (!result.ok) throw new Error(`activation refused: ${result.problems.join("; ")}`);
    const fanOutMs = Date.now() - started;
    await ledger.producing();
    const done = await waitRecorded(campaign.id, users, ctx.options.budgetMs.scaleOutRun, (c) => ctx.progress(`  ${workers} worker(s): ${JSON.stringify(c)}`));
    const cpuMsByGroup = await ledger.finish();
    // the statistics reach pg_stat_user_tables within a second of a backend's transaction
    await new Promise((r) => setTimeout(r, 1500));
    const tables = difference(tables0, await install.tableStats());
    const perWorker = (await Promise.all(install.procs.map(engineCounters))).map((c, i) => difference(counters0[i], c));
    if (process.env.BENCH_WINDOW_PROF_DIR) {
      for (const p of install.procs) process.kill(p.pid, "SIGWINCH");
      await new Promise((r) => setTimeout(r, 3000));
      for (const p of install.procs) ctx.progress(`  ${p.output().match(/Window profile .*/g)?.pop() ?? "no window profile"}`);
    }
    const switches = install.procs.map((p, i) => contextSwitches(p.pid) - switches0[i]);
    const procDelta = install.procs.map((p, i) => {
      const now = faultsAndTimes(p.pid);
      return { minorFaults: now.minorFaults - proc0[i].minorFaults, userMs: now.userMs - proc0[i].userMs, systemMs: now.systemMs - proc0[i].systemMs };
    });
    const seconds = (done.at - started) / 1000;
    const cpuPct = install.procs.map((p, i) => round((((cpuMs(p.pid) ?? 0) - cpu0[i]) / (seconds * 1000)) * 100));
    const delivered = done.counts.delivered ?? 0;
    const perSecond = delivered / seconds;
    const stats = await ctx.receiver.stats();
    const cpuUs = perDelivery(cpuMsByGroup, delivered);
    const engine = { ...engineSummary(perWorker, switches, seconds, delivered), ...processSummary(procDelta, delivered) };
    ctx.progress(`  ${workers} worker(s): ${round(perSecond)}/s, ${describeCpu(cpuUs)}; engine ${JSON.stringify(engine)}; tables ${JSON.stringify(tables)}`);
    return { workers, users, complete: done.complete, recorded: (done.counts.delivered ?? 0) + (done.counts.failed ?? 0), fanOutMs, seconds: round(seconds, 2), deliveriesPerSecond: round(perSecond), ratio: ratioToRaw(ctx, perSecond), workerCpuPct: cpuPct, cpuUsPerDelivery: cpuUs, cpuSummary: describeCpu(cpuUs), engine, tables, arrivals: stats.count, states: done.counts };
  } finally {
    await install.stop();
  }
}

/** the workers' user and system CPU µs and minor page faults per delivery */
function processSummary(procs: { minorFaults: number; userMs: number; systemMs: number }[], delivered: number) {
  const sum = (k: "minorFaults" | "userMs" | "systemMs") => procs.reduce((s, p) => s + p[k], 0);
  const per = (n: number) => (delivered > 0 ? round(n / delivered, 2) : 0);
  return { workerUserUs: per(sum("userMs") * 1000), workerSystemUs: per(sum("systemMs") * 1000), minorFaultsPerDelivery: per(sum("minorFaults")) };
}

/** claims, idle looks, wake-ups and result writes of the workers, per second and per delivery */
function engineSummary(perWorker: Record<string, number>[], switches: number[], seconds: number, delivered: number) {
  const sum = (k: string) => perWorker.reduce((s, c) => s + (c[k] ?? 0), 0);
  const per = (n: number, d: number) => (d > 0 ? round(n / d, 2) : 0);
  const statements = sum("claims") + sum("dueLooks") + sum("flushStatements") + 2 * sum("flushes");
  return {
    claimsPerSecond: per(sum("claims"), seconds),
    rowsPerClaim: per(sum("claimedRows"), sum("claims")),
    emptyClaims: sum("emptyClaims"),
    dueLooksPerSecond: per(sum("dueLooks"), seconds),
    roomWaitsPerSecond: per(sum("roomWaits"), seconds),
    wakeMessagesPerWorker: per(sum("wakeMessages"), perWorker.length),
    notifiesPerSecond: per(sum("notifies"), seconds),
    flushesPerSecond: per(sum("flushes"), seconds),
    rowsPerFlush: per(sum("flushedRows"), sum("flushes")),
    engineStatementsPerDelivery: per(statements, delivered),
    contextSwitchesPerDelivery: per(switches.reduce((a, b) => a + b, 0), delivered),
  };
}

export async function figureScaleOut(ctx: FigureContext): Promise<FigureResult> {
  await reachable();
  // the full size on PostgreSQL is capped so three runs fit in the 10-minute budget
  const users = ctx.options.quick ? ctx.options.users : Math.min(ctx.options.users, 20_000);
  const runs = [];
  for (const w of ctx.options.workers) runs.push(await oneRun(ctx, w, users));
  const two = runs.find((r) => r.workers === 2);
  const met = !!two && two.ratio !== null && two.ratio >= TARGET_TWO_WORKERS;
  // the model takes its costs from the run with the most workers (contention included)
  const last = runs[runs.length - 1];
  const u = last.cpuUsPerDelivery;
  const costs: DeliveryCosts = { worker: u[GROUP.workers], postgres: u[GROUP.pg] + u[GROUP.pgShared], redis: u[GROUP.redis], producer: u[GROUP.producer] };
  const grid = capacityGrid(costs);
  const triggered = ctx.options.scaleOutTriggered ? await triggeredThroughWorkers(ctx, 2) : { rows: [], json: null };
  return {
    rows: [
      { measure: "users per run", value: fmt(users) },
      ...runs.map((r) => ({
        measure: `${r.workers} worker(s): deliveries/s (ratio)`,
        value: `${fmt(r.deliveriesPerSecond)} (${fmt(r.ratio, "", 3)})${r.complete ? "" : ` over ${fmt(r.recorded)} recorded in the ${ctx.options.budgetMs.scaleOutRun / 1000} s budget`}`,
        ...(r.workers === 2 ? { target: `>= ${TARGET_TWO_WORKERS}`, verdict: verdict(met) } : {}),
      })),
      ...runs.map((r) => ({ measure: `${r.workers} worker(s): CPU per worker`, value: r.workerCpuPct.map((c) => `${c}%`).join(", ") })),
      ...runs.map((r) => ({ measure: `${r.workers} worker(s): CPU per delivery`, value: r.cpuSummary })),
      ...runs.map((r) => ({
        measure: `${r.workers} worker(s): claims`,
        value: `${fmt(r.engine.claimsPerSecond)}/s of ${fmt(r.engine.rowsPerClaim)} rows; idle looks ${fmt(r.engine.dueLooksPerSecond)}/s; flushes ${fmt(r.engine.flushesPerSecond)}/s of ${fmt(r.engine.rowsPerFlush)} rows; ${fmt(r.engine.engineStatementsPerDelivery, "", 3)} statements and ${fmt(r.engine.contextSwitchesPerDelivery)} context switches per delivery`,
      })),
      { measure: "note", value: "2 cores shared by workers, PostgreSQL, Redis, receiver: growth flattens past 1-2 workers" },
      {
        measure: `capacity model (costs of the ${last.workers}-worker run, µs/delivery)`,
        value: `worker ${costs.worker}, PostgreSQL ${costs.postgres}, Redis ${costs.redis}, producer ${costs.producer}; receiver elsewhere`,
      },
      ...grid.map((row) => ({
        measure: `capacity on ${row.cores} cores: deliveries/s for ${row.cells.map((c) => c.workers).join("/")} workers`,
        value: row.cells.map((c) => `${fmt(c.deliveriesPerSecond)} (${c.limit})`).join(" / "),
      })),
      ...triggered.rows,
    ],
    json: { available: true, users, runs, target: TARGET_TWO_WORKERS, met, capacity: { costs, grid }, triggered: triggered.json },
  };
}
