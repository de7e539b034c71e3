// npx tsx [--cpu-prof] bench/fan-out-profile.ts [users] [--profile file] [--scheduled] [--segment] [--split]:
// the fan-out alone (activateCampaign of one campaign, as figure 2 times it) on a fresh database: a
// new SQLite file, or with DATABASE_URL=postgresql://...?schema=<name> that schema dropped and made
// again. Users are seeded with raw INSERTs (seeding is not what is measured). Prints the activation's
// wall time and this process's CPU; --profile writes a CPU profile of the activation only, for
// `npx tsx bench/profile-summary.ts file 30`. Options make the plan do more per user: --scheduled
// (send at 09:00 in each user's time zone), --segment (an audience on an attribute), --split (A/B with
// a 10% control group).
import { isolateBenchEnv, phaseProfiler } from "./profile-harness";

isolateBenchEnv("fan-out-profile");

const { env } = await import("../lib/env");
const { applyMigrations } = await import("../lib/db/migrate");
const { db, disconnectDb } = await import("../lib/db");
const { rawDb } = await import("../lib/db/raw");
const { bulkInsertSql } = await import("../lib/db/bulk-insert");
const { activateCampaign } = await import("../lib/delivery/store/lifecycle");
const { createBenchCampaign } = await import("./delivery-run");
const { benchUser } = await import("./workload");

const args = process.argv.slice(2);
const users = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const profiler = phaseProfiler();
const ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", null];

const database = env().database;
if (database.provider === "postgresql") {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${database.schema}" CASCADE`);
  await client.end();
}
await applyMigrations(database);

const seedStarted = performance.now();
const now = new Date();
const statements = [];
for (let i = 0; i < users; i += 2000) {
  const rows = Array.from({ length: Math.min(2000, users - i) }, (_, k) => {
    const u = benchUser(i + k);
    return [u.id, u.email, args.includes("--scheduled") ? ZONES[(i + k) % ZONES.length] : u.timezone, u.attributes, now, now];
  });
  statements.push(bulkInsertSql("User", [["id", "text"], ["email", "text"], ["timezone", "text"], ["attributes", "json"], ["createdAt", "date"], ["updatedAt", "date"]], rows));
}
await rawDb(db()).transaction(statements);
const seedMs = performance.now() - seedStarted;

const rule = args.includes("--scheduled")
  ? { when: "scheduled", sendAt: new Date(now.getTime() + 2 * 86_400_000).toISOString().slice(0, 10) + "T09:00", timeZone: "UTC", inUserTimeZone: true, whenPassed: "sendNow" }
  : { when: "immediate" };
const audience = args.includes("--segment") ? { match: "all", conditions: [{ key: "plan", operator: "notEquals", value: "free" }] } : undefined;
const campaign = await createBenchCampaign({ port: 9, rule, audience });
if (args.includes("--split")) {
  const step = campaign.actions[0]!;
  await db().action.update({ where: { id: step.id }, data: { splitPercent: 50, controlPercent: 10 } });
  await db().action.create({
    data: { campaignId: campaign.id, name: "Variant B", position: 1, variantOfId: step.id, splitPercent: 50, urlTemplate: step.urlTemplate, fields: step.fields ?? [], headers: step.headers ?? [], retryPolicy: "default", timeoutMs: 15000 },
  });
}

await profiler.start();
const cpu0 = process.cpuUsage();
const started = performance.now();
const result = await activateCampaign(campaign.id);
const fanOutMs = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
await profiler.stop();
if (!result.ok) throw new Error(`activation refused: ${result.problems.join("; ")}`);
const written = await db().delivery.count({ where: { campaignId: campaign.id } });
const held = await db().controlGroupMember.count({ where: { campaignId: campaign.id } });
await disconnectDb();
const { scheduled, suppressed, control } = result.counts;
console.log(
  JSON.stringify({
    provider: database.provider,
    users,
    fanOutMs: Math.round(fanOutMs),
    usPerUser: Math.round((fanOutMs * 1000) / users),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    counts: { scheduled, suppressed, control },
    written,
    held,
    seedMs: Math.round(seedMs),
  }),
);
process.exit(0);
