// The writes to Delivery outside the engine's hot path (a retry or cancel by hand, a shutdown's
// release, the finisher's late arrivals, a paused campaign's replan) are raw statements, as the hot
// path's are: Prisma set updatedAt by itself, they must set it. The delivery log is ordered by it and
// Activity reads an outcome's time from it, so a row changed without it would sit where it was.
// Each write also changes only the rows its guard allows, and says how many.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { newWebhookId } from "../core/ids";
import { activateCampaign, cancelScheduled, pauseCampaign, retryAllFailed, retryDelivery } from "./lifecycle";
import { releaseLeases } from "./claim";
import { finishCampaigns } from "./finish";
import { runDueOccurrences } from "./recurring";
import { deliverySettingsSchema, saveDeliverySettings } from "../forms/settings";
import { createCampaign, createUsers } from "../testing/fixtures";

const LONG_AGO = new Date("2020-01-01T00:00:00Z");
const NOW = new Date("2026-06-01T12:00:00Z");

beforeAll(async () => {
  await createUsers(1, "mw");
});

type Row = { state: string; lockedBy?: string };

/** A campaign with one delivery per row, each last changed LONG_AGO. */
async function campaignWith(rows: Row[], status = "active") {
  const campaign = await createCampaign({ url: "http://127.0.0.1:9999/mw/{{user.id}}", status });
  const ids: string[] = [];
  for (const [i, row] of rows.entries()) {
    const d = await db().delivery.create({
      data: {
        webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "mw000000", triggerKey: `test:${i}`,
        plannedAt: NOW, dueAt: NOW, state: row.state, lockedBy: row.lockedBy ?? null, lockedUntil: row.lockedBy ? new Date(NOW.getTime() + 60_000) : null,
      },
    });
    ids.push(d.id);
  }
  await db().delivery.updateMany({ where: { campaignId: campaign.id }, data: { updatedAt: LONG_AGO } });
  return { campaign, ids };
}

/** Each row's state and whether it was changed at `since` or after (its updatedAt), in the order of `ids`. */
async function changes(ids: string[], since: Date) {
  const rows = await db().delivery.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, updatedAt: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const { state, updatedAt } = byId.get(id)!;
    return [state, updatedAt.getTime() === LONG_AGO.getTime() ? "unchanged" : updatedAt >= since ? "changed" : `updatedAt ${updatedAt.toISOString()}`];
  });
}

describe("writes to deliveries outside the hot path set updatedAt and keep their guards", () => {
  it("retry one by hand: a retryable row only", async () => {
    const { ids } = await campaignWith([{ state: "failed" }, { state: "delivered" }]);
    const since = new Date();
    expect(await retryDelivery(ids[0]!, "mw@example.com", NOW)).toBe(true);
    expect(await retryDelivery(ids[1]!, "mw@example.com", NOW)).toBe(false);
    expect(await changes(ids, since)).toEqual([["scheduled", "changed"], ["delivered", "unchanged"]]);
    const retried = await db().delivery.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(retried).toMatchObject({ dueAt: NOW, reason: "Retried by hand", lockedBy: null, lockedUntil: null });
  });

  it("retry all failed: the campaign's failed rows only, counted", async () => {
    const { campaign, ids } = await campaignWith([{ state: "failed" }, { state: "failed" }, { state: "suppressed" }, { state: "delivered" }]);
    const other = await campaignWith([{ state: "failed" }]);
    const since = new Date();
    expect((await retryAllFailed(campaign.id, "mw@example.com", NOW)).retried).toBe(2);
    expect(await changes(ids, since)).toEqual([["scheduled", "changed"], ["scheduled", "changed"], ["suppressed", "unchanged"], ["delivered", "unchanged"]]);
    expect(await changes(other.ids, since)).toEqual([["failed", "unchanged"]]);
  });

  it("cancel by hand: one waiting row, then the campaign's waiting rows, counted", async () => {
    const { campaign, ids } = await campaignWith([{ state: "scheduled" }, { state: "scheduled" }, { state: "retrying" }, { state: "sending", lockedBy: "w" }, { state: "failed" }]);
    const since = new Date();
    expect(await cancelScheduled(campaign.id, "mw@example.com", ids[0]!)).toBe(1);
    expect(await changes(ids, since)).toEqual([["cancelled", "changed"], ["scheduled", "unchanged"], ["retrying", "unchanged"], ["sending", "unchanged"], ["failed", "unchanged"]]);
    // a row of another campaign named with this one: nothing
    const other = await campaignWith([{ state: "scheduled" }]);
    expect(await cancelScheduled(campaign.id, "mw@example.com", other.ids[0]!)).toBe(0);
    expect(await cancelScheduled(campaign.id, "mw@example.com")).toBe(2);
    expect(await changes(ids, since)).toEqual([["cancelled", "changed"], ["cancelled", "changed"], ["cancelled", "changed"], ["sending", "unchanged"], ["failed", "unchanged"]]);
    expect(await changes(other.ids, since)).toEqual([["scheduled", "unchanged"]]);
  });

  it("a worker's release: its own rows in sending only (those named, when it names them)", async () => {
    const { ids } = await campaignWith([{ state: "sending", lockedBy: "mw-1" }, { state: "sending", lockedBy: "mw-1" }, { state: "sending", lockedBy: "mw-2" }, { state: "scheduled", lockedBy: "mw-1" }]);
    const since = new Date();
    await releaseLeases(db(), "mw-1", [ids[1]!, ids[2]!]);
    expect(await changes(ids, since)).toEqual([["sending", "unchanged"], ["scheduled", "changed"], ["sending", "unchanged"], ["scheduled", "unchanged"]]);
    await releaseLeases(db(), "mw-1");
    expect(await changes(ids, since)).toEqual([["scheduled", "changed"], ["scheduled", "changed"], ["sending", "unchanged"], ["scheduled", "unchanged"]]);
    expect(await db().delivery.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({ lockedBy: null, lockedUntil: null });
  });

  it("the finisher's late arrivals: a finished campaign's waiting rows only", async () => {
    const finished = await campaignWith([{ state: "scheduled" }, { state: "retrying" }, { state: "delivered" }], "finished");
    const active = await campaignWith([{ state: "scheduled" }]);
    const since = new Date();
    await finishCampaigns(db(), new Date());
    expect(await changes(finished.ids, since)).toEqual([["suppressed", "changed"], ["suppressed", "changed"], ["delivered", "unchanged"]]);
    expect(await changes(active.ids, since)).toEqual([["scheduled", "unchanged"]]);
  });

  it("a paused recurring campaign's replan: what waits moves, and its updatedAt with it", async () => {
    await db().user.create({ data: { id: "mw-r1", timezone: "UTC", attributes: {} } });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/mwr/{{user.id}}", rule, subDelivery: { kind: "delay", seconds: 86400 }, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "mw-r" }] } });
    expect(await activateCampaign(campaign.id, { now: new Date("2026-03-07T08:00:00Z") })).toMatchObject({ ok: true });
    await runDueOccurrences(db(), new Date("2026-03-07T09:00:01Z"));
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-07T09:30:00Z"))).toBe(true);
    const [waiting] = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { id: true } });
    await db().delivery.updateMany({ where: { campaignId: campaign.id }, data: { updatedAt: LONG_AGO } });
    const since = new Date();
    const id = campaign.actions[0]!.id;
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule, actions: [{ id, subDelivery: { kind: "delay", seconds: 60 } }] }))).toMatchObject({ ok: true });
    expect(await changes([waiting!.id], since)).toEqual([["scheduled", "changed"]]);
    expect((await db().delivery.findUniqueOrThrow({ where: { id: waiting!.id } })).dueAt).toEqual(new Date("2026-03-07T09:01:00Z"));
  });
});
