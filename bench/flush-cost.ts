// npx tsx bench/flush-cost.ts  (FLUSH=125 REPS=8 USERS=5000): what a result flush costs the engine's
// thread per delivery (CPU), plain against with a two-attribute response mapping (new values every
// repetition: first writes), alternated in one process: the whole transaction the recorder writes
// (attempt rows, the users' UPDATE, the deliveries' updates), statements built and run; NOTE=1 gives
// the plain attempts the mapped ones' savedToUser too (the users' write alone then makes the difference).
// The statements' build includes what Recorder.next weighs per result (resultBytes, for FLUSH_BYTES).
import { db } from "../lib/db";
import { rawDb } from "../lib/db/raw";
import { Recorder, resultBytes, type Change } from "../lib/delivery/store/recorder";
import { responseExcerpt } from "../lib/delivery/store/attempt-record";
import { freshInstallEnv } from "./app-process";
import { createBenchCampaign, seedUsers, switchDatabase } from "./delivery-run";
import { median } from "./stats";

const USERS = Number(process.env.USERS ?? 5000);
const FLUSH = Number(process.env.FLUSH ?? 125);
const REPS = Number(process.env.REPS ?? 8);
const cpuMicros = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

await switchDatabase(freshInstallEnv());
await seedUsers(USERS);
const campaign = await createBenchCampaign({ port: 1, rule: { when: "immediate" } });
const actionId = campaign.actions[0]!.id;
const users = await db().user.findMany({ select: { id: true }, orderBy: { id: "asc" } });
const now = new Date();
const lockedUntil = new Date(now.getTime() + 3_600_000);
// SHUFFLE=1: a flush's users spread over the table (each on a page of its own) instead of side by side
const order = users.map((u) => u.id);
if (process.env.SHUFFLE === "1") for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
const deliveries = order.map((userId, i) => ({ id: `dlv${String(i).padStart(7, "0")}`, userId }));
for (let i = 0; i < deliveries.length; i += 1000) {
  await db().delivery.createMany({
    data: deliveries.slice(i, i + 1000).map((d) => ({
      id: d.id, webhookId: `msg_${d.id}`, campaignId: campaign.id, actionId, userId: d.userId, triggerKey: "activation",
      plannedAt: now, dueAt: now, state: "sending", lockedBy: "w", lockedUntil,
    })),
  });
}
const recorder = new Recorder(db(), "w");
const hold = () => rawDb(db()).transaction([{ sql: `UPDATE "Delivery" SET "state" = 'sending', "lockedBy" = 'w', "lockedUntil" = ? WHERE 1`, values: [lockedUntil.getTime()] }]);
const request = { method: "POST", url: "http://127.0.0.1:1/ok/c/u0000001?src=hookline-bench", headers: [["content-type", "application/json"], ["x-campaign", "Bench campaign"], ["webhook-id", "msg_x"], ["webhook-timestamp", "1765000000"], ["webhook-signature", "v1,••••"]], body: JSON.stringify({ user_id: "u0000001", email: "user1@example.com", first_name: "Ana1", last_name: "O'Neil \"1\"", city: "Paris", plan: "pro", age: 19, vip: false, greeting: "Hello Ana1, welcome to Bench campaign!", source: "hookline-bench" }), bodyTruncated: false };

function changes(mapped: boolean, rep: number): Change[] {
  const body = JSON.stringify({ ok: true, customer: { id: `cus_${String(rep).padStart(10, "0")}`, score: `${10 + rep}.5`, tier: "gold" } });
  const at = new Date();
  return deliveries.map((d) => {
    const result = { outcome: "delivered" as const, status: 200, statusText: "OK", headers: [["content-type", "application/json"], ["date", at.toUTCString()], ["content-length", String(body.length)]] as [string, string][], body, timings: { totalMs: 1 } };
    const attempt = { deliveryId: d.id, number: 1, startedAt: at, durationMs: 1, outcome: "delivered" as const, status: 200, error: null as string | null, request: { ...request, url: request.url.replace("u0000001", d.userId) }, response: responseExcerpt(result), timings: { totalMs: 1 }, nextAttemptAt: null };
    const change: Change = { id: d.id, state: "delivered", attempts: 1, status: 200, durationMs: 1, host: "127.0.0.1:1", sentAt: at, attempt };
    if (mapped || process.env.NOTE) (attempt.response as { savedToUser?: string[] }).savedToUser = ["crmId", "crmScore"];
    if (mapped) {
      (attempt.response as { savedToUser?: string[] }).savedToUser = ["crmId", "crmScore"];
      change.attributes = { deliveryId: d.id, userId: d.userId, set: { crmId: `cus_${String(rep).padStart(10, "0")}`, crmScore: 10 + rep + 0.5 }, setAt: at };
    }
    return change;
  });
}

const builds = { plain: [] as number[], mapped: [] as number[] };
const runs = { plain: [] as number[], mapped: [] as number[] };
for (let r = 0; r < REPS * 2; r++) {
  const mapped = (r % 4 === 1 || r % 4 === 2);
  const all = changes(mapped, r);
  await hold();
  await rawDb(db()).transaction([{ sql: `DELETE FROM "DeliveryAttempt"`, values: [] }]);
  let build = 0;
  const start = cpuMicros();
  for (let i = 0; i < all.length; i += FLUSH) {
    const b = cpuMicros();
    const slice = all.slice(i, i + FLUSH);
    // what Recorder.next weighs before each transaction (FLUSH_BYTES)
    for (const c of slice) resultBytes(c);
    const statements = recorder.statements(slice);
    build += cpuMicros() - b;
    await rawDb(db()).transaction(statements);
  }
  if (r >= 2) (mapped ? builds.mapped : builds.plain).push(build / all.length);
  const us = (cpuMicros() - start) / all.length;
  if (r >= 2) (mapped ? runs.mapped : runs.plain).push(us);
}
const show = (xs: number[]) => `median ${median(xs).toFixed(1)} µs (runs ${xs.map((x) => x.toFixed(1)).join(" ")})`;
console.log(`flush of ${FLUSH}: plain ${show(runs.plain)}`);
console.log(`flush of ${FLUSH}: mapped ${show(runs.mapped)}; +${(median(runs.mapped) - median(runs.plain)).toFixed(1)} µs (${USERS} users${process.env.SHUFFLE === "1" ? ", shuffled" : ""})`);
console.log(`statements built: plain ${show(builds.plain)}, mapped ${show(builds.mapped)}`);
process.exit(0);
