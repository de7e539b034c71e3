// Figure 2: an immediate campaign to N users on SQLite, delivered by the engine embedded in the
// `npm start` process: fan-out time, deliveries per second end to end, lag, peak RSS.
import { activateCampaign, cancelScheduled } from "../../lib/delivery/store/lifecycle";
import { freshInstallEnv, startWorker, waitForOutput, type AppProcess } from "../app-process";
import { EMBEDDED_SETTINGS, embeddedApp } from "../embedded-app";
import { createBenchCampaign, lagsMs, seedUsers, switchDatabase, waitRecorded } from "../delivery-run";
import { cpuMs, processTree, sampleRss } from "../process-stats";
import { describeCpu, perDelivery, snapshot, used } from "../cpu-ledger";
import { fmt, verdict } from "../report";
import { round, summarize } from "../stats";
import { ratioToRaw, type FigureContext, type FigureResult } from "./context";

const TARGET = 0.5;

export async function figureEmbedded(ctx: FigureContext): Promise<FigureResult> {
  let n = ctx.options.users;
  const settings = EMBEDDED_SETTINGS;
  // --embedded-in worker: the same embedded engine in `npm run worker` (to profile it alone)
  const inWorker = ctx.options.embeddedIn === "worker";
  let app: AppProcess;
  let campaign: Awaited<ReturnType<typeof createBenchCampaign>>;
  if (inWorker) {
    const env = freshInstallEnv(settings);
    await switchDatabase(env);
    await seedUsers(n);
    campaign = await createBenchCampaign({ port: ctx.receiver.port, rule: { when: "immediate" } });
    ctx.progress("starting npm run worker (embedded engine)");
    app = startWorker({ ...env, HOOKLINE_LOG_LEVEL: "info" }, "embedded-worker");
    // its start (module loading, migrations) is not a delivery's cost: read the CPU once it is ready
    await waitForOutput(app, /Worker ready/, 60_000);
  } else {
    const shared = await embeddedApp(ctx);
    app = shared.app;
    // the shared install holds max(users, events) users; the campaign goes to all of them
    n = shared.users;
    campaign = await createBenchCampaign({ port: ctx.receiver.port, rule: { when: "immediate" } });
  }
  const pids = processTree(app.pid);
  const cpu0 = pids.reduce((s, p) => s + (cpuMs(p) ?? 0), 0);
  await ctx.receiver.reset(true);
  const rss = sampleRss(app.pid);
  const receiver0 = snapshot([ctx.receiver.pid]);
  const node0 = process.cpuUsage();
  const started = Date.now();
  const result = await activateCampaign(campaign.id);
  if (!result.ok) throw new Error(`activation refused: ${result.problems.join("; ")}`);
  const fanOutMs = Date.now() - started;
  // the fan-out runs here, in the bench process, as it does for figure 3 (SQLite works in-process)
  const producer = process.cpuUsage(node0);
  ctx.progress(`fanned out ${n} deliveries in ${fanOutMs} ms; delivering`);
  const done = await waitRecorded(campaign.id, n, ctx.options.budgetMs.embedded, (c) => ctx.progress(`  ${JSON.stringify(c)}`));
  // a partial run stops here: what is left must not load the figures that share this app
  if (!done.complete) await cancelScheduled(campaign.id, "bench");
  const peakRss = rss.stop();
  const cpu = pids.reduce((s, p) => s + (cpuMs(p) ?? 0), 0) - cpu0;
  const cpuUs = perDelivery(
    { app: cpu, "producer (fan-out)": (producer.user + producer.system) / 1000, receiver: used(receiver0, snapshot([ctx.receiver.pid])) },
    done.counts.delivered ?? 0,
  );
  const stats = await ctx.receiver.stats();
  const lags = summarize(await lagsMs(campaign.id, await ctx.receiver.arrivals()));
  if (inWorker) await app.stop();

  const seconds = (done.at - started) / 1000;
  const perSecond = (done.counts.delivered ?? 0) / seconds;
  const ratio = ratioToRaw(ctx, perSecond);
  return {
    rows: [
      { measure: "users", value: fmt(n) },
      { measure: "fan-out (activateCampaign)", value: fmt(fanOutMs, " ms") },
      { measure: "deliveries/s end to end", value: fmt(perSecond) + (done.complete ? "" : ` (over the ${fmt(done.counts.delivered ?? 0)} recorded within the ${ctx.options.budgetMs.embedded / 1000} s budget)`) },
      { measure: "ratio to raw limit", value: fmt(ratio, "", 3), target: `>= ${TARGET}`, verdict: ratio === null ? "n/a" : verdict(ratio >= TARGET) },
      { measure: "lag planned -> received p50 / p99", value: `${fmt(lags.p50, " ms")} / ${fmt(lags.p99, " ms")}` },
      { measure: `peak RSS of ${inWorker ? "npm run worker" : "npm start"}`, value: fmt(peakRss / 2 ** 20, " MiB") },
      { measure: "app CPU during delivery", value: fmt((cpu / (seconds * 1000)) * 100, "%") },
      { measure: "CPU per delivery", value: describeCpu(cpuUs) },
      { measure: "arrivals / duplicates / failed", value: `${fmt(stats.count)} / ${fmt(stats.duplicates)} / ${fmt(done.counts.failed ?? 0)}` },
    ],
    json: {
      available: true,
      users: n,
      process: inWorker ? "npm run worker" : "npm start",
      settings,
      fanOutMs,
      complete: done.complete,
      budgetMs: ctx.options.budgetMs.embedded,
      seconds: round(seconds, 2),
      deliveriesPerSecond: round(perSecond),
      ratio,
      target: TARGET,
      met: ratio !== null && ratio >= TARGET,
      lagMs: { p50: lags.p50, p99: lags.p99, max: lags.max },
      peakRssMiB: round(peakRss / 2 ** 20),
      appCpuPct: round((cpu / (seconds * 1000)) * 100),
      cpuUsPerDelivery: cpuUs,
      arrivals: stats.count,
      duplicates: stats.duplicates,
      states: done.counts,
    },
  };
}
