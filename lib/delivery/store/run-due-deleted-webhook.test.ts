// A recurring run that comes due (on time, or late after a resume) while one of the campaign's
// webhooks is deleted (the API's DELETE .../actions/{actionId}, the editor's delete): the run is
// planned without it. runDueOccurrences read the webhooks with the campaign, before its
// transaction, and wrote deliveries for one deleted in between: a foreign key violation, logged as
// "A recurring occurrence could not be planned", the run sent a tick later. Real database, both kinds.
import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { log } from "../../log";
import { activateCampaign } from "./lifecycle";
import { runDueOccurrences } from "./recurring";
import { createCampaign } from "../testing/fixtures";

// runs `afterRead` once runDueOccurrences has read its due campaigns (it works out their runs next), as
// recurringRuns did; nothing else changes
let afterRead: (() => void) | null = null;
vi.mock("../core/schedule-time", async (original) => {
  const actual = await original<typeof import("../core/schedule-time")>();
  return {
    ...actual,
    recurringRuns: (...args: Parameters<typeof actual.recurringRuns>) => {
      afterRead?.();
      afterRead = null;
      return actual.recurringRuns(...args);
    },
  };
});
afterEach(() => vi.restoreAllMocks());

// Saturday 7 March 2026
const now = new Date("2026-03-07T12:00:00Z");

describe("a recurring run due while one of its webhooks is deleted", () => {
  it("is planned without the deleted webhook, in the same tick, with no error", async () => {
    await db().user.createMany({ data: [{ id: "rdw-1", attributes: {} }, { id: "rdw-2", attributes: {} }] });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rdw-" }] } });
    const kept = campaign.actions[0]!;
    // a second webhook, sent nothing yet (a webhook with deliveries cannot be deleted)
    const doomed = await db().action.create({
      data: { campaignId: campaign.id, name: "Second", urlTemplate: "http://127.0.0.1:9999/second", fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000, position: 1 },
    });
    expect(await activateCampaign(campaign.id, { now })).toMatchObject({ ok: true, waiting: { nextRunAt: new Date("2026-03-08T09:00:00Z") } });

    // the delete's transaction (as deleteAction writes it), committed once the run has read its campaign
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    let deleted!: () => void;
    const written = new Promise<void>((r) => (deleted = r));
    const deleting = rawDb(db()).interactive(async (tx) => {
      const p = new SqlParams();
      await tx.run(`DELETE FROM ${tableName("Action")} WHERE "id" = ${p.add("text", doomed.id)}`, p.values);
      const q = new SqlParams();
      await tx.run(`UPDATE ${tableName("Campaign")} SET "updatedAt" = ${q.add("date", new Date())} WHERE "id" = ${q.add("text", campaign.id)}`, q.values);
      deleted();
      await opened;
    });
    await written;
    afterRead = open;
    const errors = vi.spyOn(log, "error");

    await runDueOccurrences(db(), new Date("2026-03-08T09:00:01Z"));
    await deleting;
    expect(errors).not.toHaveBeenCalled();
    expect(await db().action.count({ where: { id: doomed.id } })).toBe(0);
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" }, select: { userId: true, actionId: true, triggerKey: true } });
    expect(rows).toEqual(["rdw-1", "rdw-2"].map((userId) => ({ userId, actionId: kept.id, triggerKey: "occurrence:2026-03-08T09:00:00.000Z" })));
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { occurrences: true, nextRunAt: true } })).toEqual({ occurrences: 1, nextRunAt: new Date("2026-03-09T09:00:00Z") });
  });
});
