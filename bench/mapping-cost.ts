// npx tsx bench/mapping-cost.ts [sql|js]  (FLUSH=50 REPS=6 SAME=0): what the response mapping costs the engine's
// thread per delivery, in CPU (steadier than figure 7's rates on a shared machine):
//   sql  the attribute writes of a flush (attributeWriteStatements) run in their own transaction over
//        5,000 held deliveries, FLUSH at a time (the recorder flushes every 25 ms: tens of rows per flush);
//        new values every repetition, or with SAME=1 the same ones (the users hold them from the first,
//        a warm-up not counted);
//        each write names its attempt, as the recorder's do (the attempt a refused write notes), unless NOTES=0
//   js   mapDeliveredResponse on the figure's answer and mapping (two attributes, one typed number)
import { db } from "../lib/db";
import { rawDb } from "../lib/db/raw";
import { attributeWriteStatements, mapDeliveredResponse, mappingOf, type MappedAttributes } from "../lib/delivery/store/attribute-writes";
import { responseExcerpt } from "../lib/delivery/store/attempt-record";
import { encodeMapping, mapSendResult } from "../lib/webhooks/response-mapping";
import type { AttemptRow } from "../lib/delivery/store/recorder";
import { freshInstallEnv } from "./app-process";
import { createBenchCampaign, seedUsers, switchDatabase } from "./delivery-run";
import { median } from "./stats";

const USERS = 5000;
const FLUSH = Number(process.env.FLUSH ?? 50);
const REPS = Number(process.env.REPS ?? 6);
const which = process.argv[2] ?? "both";
const same = process.env.SAME === "1";
const notes = process.env.NOTES !== "0";
const cpuMicros = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};
const show = (xs: number[]) => `median ${median(xs).toFixed(1)} µs (runs ${xs.map((x) => x.toFixed(1)).join(" ")})`;

if (which !== "js") {
  await switchDatabase(freshInstallEnv());
  await seedUsers(USERS);
  const campaign = await createBenchCampaign({ port: 1, rule: { when: "immediate" } });
  const actionId = campaign.actions[0]!.id;
  const users = await db().user.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  const now = new Date();
  const lockedUntil = new Date(now.getTime() + 3_600_000);
  const deliveries = users.map((u, i) => ({ id: `dlv${String(i).padStart(7, "0")}`, userId: u.id }));
  for (let i = 0; i < deliveries.length; i += 1000) {
    await db().delivery.createMany({
      data: deliveries.slice(i, i + 1000).map((d) => ({
        id: d.id, webhookId: `msg_${d.id}`, campaignId: campaign.id, actionId, userId: d.userId, triggerKey: "activation",
        plannedAt: now, dueAt: now, state: "sending", lockedBy: "w", lockedUntil,
      })),
    });
  }
  const runs: number[] = [];
  // repetition 0 warms up and is not counted (with SAME=1 it is also the users' first write of the values)
  for (let r = 0; r <= REPS; r++) {
    const attemptId = (i: number) => `att${r}_${String(i).padStart(7, "0")}`;
    if (notes) {
      // the recorder inserts each flush's attempts before its attribute writes (not timed here)
      for (let i = 0; i < deliveries.length; i += 1000) {
        await db().deliveryAttempt.createMany({
          data: deliveries.slice(i, i + 1000).map((d, k) => ({
            id: attemptId(i + k), deliveryId: d.id, number: r + 1, startedAt: now, durationMs: 1, outcome: "delivered", status: 200,
            request: {}, response: { status: 200, savedToUser: ["crmId", "crmScore"] },
          })),
        });
      }
    }
    const writes: MappedAttributes[] = deliveries.map((d, i) => ({
      deliveryId: d.id, userId: d.userId, set: { crmId: `cus_${same ? 0 : r}_1234567890`, crmScore: 42.5 + (same ? 0 : r) }, setAt: new Date(),
      ...(notes ? { attemptId: attemptId(i) } : {}),
    }));
    const start = cpuMicros();
    for (let i = 0; i < writes.length; i += FLUSH) await rawDb(db()).transaction(attributeWriteStatements(writes.slice(i, i + FLUSH), "w"));
    if (r > 0) runs.push((cpuMicros() - start) / writes.length);
  }
  console.log(`sql: attribute writes per delivery (flushes of ${FLUSH}${same ? ", same values" : ""}${notes ? "" : ", no attempt ids"}): ${show(runs)}`);
}

if (which !== "sql") {
  const mapping = mappingOf({ responseMapping: [{ path: "$.customer.id", attribute: "crmId" }, { path: "$.customer.score", attribute: "crmScore", type: "number" }] })!;
  const body = JSON.stringify({ ok: true, customer: { id: "cus_1234567890", score: "42.5", tier: "gold" } });
  const headers: [string, string][] = [["content-type", "application/json"], ["date", new Date().toUTCString()], ["connection", "keep-alive"], ["keep-alive", "timeout=30"], ["content-length", String(body.length)]];
  const delivery = { id: "d1", userId: "u1" };
  const at = new Date();
  const calls = 200_000;
  const runs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const start = cpuMicros();
    for (let i = 0; i < calls; i++) {
      const result = { outcome: "delivered" as const, status: 200, statusText: "OK", headers, body, timings: { totalMs: 1 } };
      const attempt: AttemptRow = { deliveryId: "d1", number: 1, startedAt: at, durationMs: 1, outcome: "delivered", status: 200, error: null, request: {}, response: responseExcerpt(result), timings: null, nextAttemptAt: null };
      if (!mapDeliveredResponse(encodeMapping(mapSendResult(result, mapping)), delivery, attempt, at)) throw new Error("nothing mapped");
    }
    runs.push((cpuMicros() - start) / calls);
  }
  console.log(`js: mapDeliveredResponse per delivery (with the attempt's excerpt): ${show(runs)}`);
}
process.exit(0);
