// How long one member can keep the web process busy by asking Activate's dry run (checkActivation,
// as checkActivationAction does) in a loop, several at once, on a campaign of heavy templates: the
// event loop's utilisation over the first 1.5 s and over the rest of the run. `--before` asks as the
// action did before its renders took the member's share of rendering time (no member: not held).
//   npx tsx bench/check-render-time.ts [--before] [--seconds 10] [--parallel 4]
// Measured 2026-12-07 on the shared two-core machine, 4 at once for 8 s (5 webhooks x 3 variants, 20 users):
//   before: 8 checks, event loop 100 % busy over the first 1.5 s and 100 % after; held over 90 % for 8.1 s in a row
//   after:  1 check (3 refused with "try again in N s", the others waiting between renders), 75 % then 28 %; 0.9 s in a row
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { testDatabaseEnv, dropTestDatabase } from "../test/database-env";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const before = process.argv.includes("--before");
const seconds = arg("seconds", 10);
const parallel = arg("parallel", 4);

Object.assign(process.env, testDatabaseEnv("bench"), { HOOKLINE_SECRET_KEY: randomBytes(32).toString("base64"), HOOKLINE_LOG_LEVEL: "warn", HOOKLINE_DEMO_SEED: "0", HOOKLINE_EMBEDDED_WORKER: "0" });

async function main() {
  const { env } = await import("../lib/env");
  const { applyMigrations } = await import("../lib/db/migrate");
  const { disconnectDb } = await import("../lib/db");
  const { checkActivation } = await import("../lib/delivery/store/lifecycle");
  const { createHeavyAudience, createHeavyCampaign } = await import("../lib/delivery/testing/heavy-campaign");
  const { RenderTimeExceededError } = await import("../lib/campaigns/preview-rate");
  await applyMigrations(env().database);
  await createHeavyAudience("bench", 20);
  const campaign = await createHeavyCampaign("bench", "https://hooks.example.com/hook");
  const memberId = before ? undefined : "bench-member";

  let checks = 0;
  let refused = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const marks: { at: number; elu: ReturnType<typeof performance.eventLoopUtilization> }[] = [{ at: 0, elu: performance.eventLoopUtilization() }];
  const sampler = setInterval(() => marks.push({ at: performance.now() - started, elu: performance.eventLoopUtilization() }), 100);
  // each asker calls again as soon as it is answered, refused or not (an editor's loop)
  const asker = async () => {
    while (performance.now() < end) {
      try {
        await checkActivation(campaign.id, { memberId });
        checks++;
      } catch (err) {
        if (!(err instanceof RenderTimeExceededError)) throw err;
        refused++;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, asker));
  clearInterval(sampler);
  const busy = (from: number, to: number) => {
    const a = marks.reduce((best, m) => (Math.abs(m.at - from) < Math.abs(best.at - from) ? m : best));
    const b = marks.reduce((best, m) => (Math.abs(m.at - to) < Math.abs(best.at - to) ? m : best));
    return performance.eventLoopUtilization(b.elu, a.elu).utilization;
  };
  // the longest stretch of 100 ms samples each over 90 % busy: how long the process was held in a row
  let run = 0;
  let longest = 0;
  for (let i = 1; i < marks.length; i++) {
    const u = performance.eventLoopUtilization(marks[i]!.elu, marks[i - 1]!.elu).utilization;
    run = u > 0.9 ? run + (marks[i]!.at - marks[i - 1]!.at) : 0;
    longest = Math.max(longest, run);
  }
  const last = marks[marks.length - 1]!.at;
  console.log(
    `${before ? "before (no member)" : "after (member's share)"}: ${parallel} at once for ${seconds} s: ${checks} checks, ${refused} refused; ` +
      `event loop busy ${(busy(0, 1500) * 100).toFixed(0)} % over the first 1.5 s, ${(busy(1500, last) * 100).toFixed(0)} % after; longest run over 90 % busy ${Math.round(longest)} ms`,
  );
  await disconnectDb();
  await dropTestDatabase(env().database);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
