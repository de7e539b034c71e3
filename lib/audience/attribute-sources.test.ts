// Setting attributes through the API forgets which campaign had set them (UserAttributeSource): a
// batch of users whose mapped attributes are set again is one upsert, not a statement over the bound
// on values Prisma keeps to (999 on SQLite): before, 500 users with one mapped attribute each (a CRM
// sync's crmId) re-sent through POST /api/v1/users or a CSV import made a 500.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { createCampaign } from "../delivery/testing/fixtures";
import { upsertUsers } from "./users";

describe("forgetting attribute sources", () => {
  it("a batch of 500 users re-setting 40 mapped attributes each forgets all 20,000 sources", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `mapped${i}`);
    const attributes = Object.fromEntries(names.map((n) => [n, "x"]));
    const users = Array.from({ length: 500 }, (_, i) => ({ userId: `fs${String(i).padStart(4, "0")}`, attributes }));
    await upsertUsers(users);
    const campaign = await createCampaign({ url: "https://crm.example.com/x", name: "CRM sync" });
    const setAt = new Date();
    await db().userAttributeSource.createMany({
      data: users.flatMap((u) => names.map((attribute) => ({ userId: u.userId, attribute, campaignId: campaign.id, actionId: campaign.actions[0]!.id, deliveryId: `d-${u.userId}`, setAt }))),
    });
    expect(await db().userAttributeSource.count()).toBe(20_000);
    await upsertUsers(users.map((u) => ({ ...u, attributes: Object.fromEntries(names.map((n) => [n, "y"])) })));
    expect(await db().userAttributeSource.count()).toBe(0);
  }, 60_000);
});
