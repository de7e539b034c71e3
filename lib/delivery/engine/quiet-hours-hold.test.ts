// A delivery held for quiet hours, end to end: the engine holds it (still "scheduled", no new state),
// and the log, its detail and the CSV export all say until when in the user's own zone, in words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { newWebhookId } from "../core/ids";
import { activateCampaign } from "../store/lifecycle";
import { deliveryCsvChunks } from "../store/log-export";
import { deliveryDetail, listDeliveries } from "../store/log-queries";
import { createCampaign } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { startReceiver, waitFor } from "../testing/receiver";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";

const HELD = "Held for quiet hours until 08:00 Sat 5 Dec (Europe/Berlin)";
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;

beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: 200 }));
});
afterAll(async () => {
  await engine?.stop();
  setDeliveryQueue(null);
  await receiver.close();
});

async function csvReasons(campaignId: string) {
  let csv = "";
  for await (const chunk of deliveryCsvChunks({ campaignId })) csv += chunk;
  const [header, ...rows] = csv.trim().split("\r\n").map((l) => l.split(","));
  return rows.map((r) => r[header.indexOf("reason")]);
}

describe("a delivery held for quiet hours", () => {
  it("reads 'held until 08:00 Sat 5 Dec (Europe/Berlin)' in the log, its detail and the export, then goes out when they end", async () => {
    await db().user.create({ data: { id: "quiet-berlin", timezone: "Europe/Berlin", attributes: {} } });
    // 23:30 UTC on Friday 4 December is 00:30 on Saturday in Berlin: inside 22:00-08:00
    let clock = new Date("2026-12-04T23:30:00Z");
    const campaign = await createCampaign({
      url: `${receiver.url}/quiet/{{user.id}}`,
      rule: { when: "immediate", quietHours: { start: "22:00", end: "08:00" } },
      audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "quiet-berlin" }] },
    });
    expect((await activateCampaign(campaign.id, { now: clock })).ok).toBe(true);
    engine = new EmbeddedEngine(db(), await testDeliveryDeps({ now: () => clock }), { concurrency: 5, hostConcurrency: 5, leaseMs: 30_000, idlePollMs: 50 });
    setDeliveryQueue(engine);
    await engine.start();
    await waitFor(async () => (await db().delivery.findFirst({ where: { campaignId: campaign.id } }))?.reason !== null);

    const row = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
    // no new state: the engine claims it again when the hours end
    expect(row).toMatchObject({ state: "scheduled", reason: HELD, dueAt: new Date("2026-12-05T07:00:00Z"), attempts: 0 });
    const [item] = (await listDeliveries({ campaignId: campaign.id })).items;
    expect(item).toMatchObject({ state: "scheduled", hold: "quiet_hours", reason: HELD });
    expect(await deliveryDetail(row.id)).toMatchObject({ state: "scheduled", hold: "quiet_hours", reason: HELD, nextAttemptAt: "2026-12-05T07:00:00.000Z" });
    expect(await csvReasons(campaign.id)).toEqual([HELD]);
    expect(receiver.received.filter((r) => r.path.startsWith("/quiet/"))).toHaveLength(0);

    clock = new Date("2026-12-05T07:00:00Z");
    await waitFor(async () => (await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } })).state === "delivered");
    const [sent] = (await listDeliveries({ campaignId: campaign.id })).items;
    expect(sent.hold).toBeNull();
    expect(receiver.received.filter((r) => r.path.startsWith("/quiet/"))).toHaveLength(1);
  });

  it("rewords a row held before this wording (a raw ISO timestamp) the same way everywhere", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/old", status: "active" });
    await db().user.create({ data: { id: "quiet-old", timezone: "Europe/Berlin", attributes: {} } });
    const at = new Date("2026-12-05T07:00:00Z");
    const row = await db().delivery.create({
      data: {
        webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0].id, userId: "quiet-old", triggerKey: "old:1",
        // due far ahead: the first test's engine (its clock at 07:00) must not claim it meanwhile (seen on PostgreSQL)
        plannedAt: at, dueAt: new Date("2099-01-01T00:00:00Z"), state: "scheduled", reason: "Held for quiet hours in Europe/Berlin until 2026-12-05T07:00:00.000Z",
      },
    });
    expect((await listDeliveries({ campaignId: campaign.id })).items[0]).toMatchObject({ hold: "quiet_hours", reason: HELD });
    expect(await deliveryDetail(row.id)).toMatchObject({ hold: "quiet_hours", reason: HELD });
    expect(await csvReasons(campaign.id)).toEqual([HELD]);
  });
});
