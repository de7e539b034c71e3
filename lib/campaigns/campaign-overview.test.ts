// The campaign list's figures against the real database: audience size per segment, delivered and
// failed counts, the deliveries waiting to be retried (a campaign whose every send fails with 500
// and is retried read "Delivered 0, Failed 0"), last send.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { createCampaign, createUsers } from "../delivery/testing/fixtures";
import { campaignOverviews } from "./campaign-overview";

describe("campaignOverviews", () => {
  it("gives each campaign its audience size, delivered / failed / retrying counts and last send", async () => {
    await createUsers(5, "ov");
    // attributes.n is 0..4: n > 2 matches two users
    const some = await createCampaign({ url: "http://127.0.0.1:9/a", audience: { match: "all", conditions: [{ key: "n", operator: "greater", value: "2" }] } });
    const everyone = await createCampaign({ url: "http://127.0.0.1:9/b" });
    const when = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
    const row = (state: string, i: number, sentAt: Date | null) => ({
      webhookId: `msg_ov_${i}`, campaignId: some.id, actionId: some.actions[0].id, userId: `ov00000${i % 5}`, triggerKey: `t:${i}`,
      plannedAt: when(0), dueAt: when(0), state, sentAt,
    });
    await db().delivery.createMany({ data: [row("delivered", 0, when(1)), row("delivered", 1, when(5)), row("failed", 2, when(3)), row("retrying", 3, when(9)), row("scheduled", 4, null)] });

    const overviews = await campaignOverviews([some.id, everyone.id]);
    expect(overviews.get(some.id)).toEqual({ audience: 2, delivered: 2, failed: 1, retrying: 1, lastSentAt: when(9) });
    expect(overviews.get(everyone.id)).toEqual({ audience: 5, delivered: 0, failed: 0, retrying: 0, lastSentAt: null });

    // the campaigns asked for only (a page of the list), each with its own figures
    const one = await campaignOverviews([everyone.id]);
    expect([...one.keys()]).toEqual([everyone.id]);
    expect((await campaignOverviews([some.id])).get(some.id)).toEqual({ audience: 2, delivered: 2, failed: 1, retrying: 1, lastSentAt: when(9) });
    expect((await campaignOverviews([])).size).toBe(0);
  });
});
