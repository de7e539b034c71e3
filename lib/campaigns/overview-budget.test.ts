// The campaign list counts each campaign's audience in one pass over the users: users x every
// campaign's conditions. With up to 1,000 campaigns of 50 conditions each, one viewer's visit of the
// list was 50,000 condition checks per user (minutes for 100,000 users), on every visit, and a page of
// 50 can still hold 2,500. Now the list counts the page's audiences, most recently edited campaign
// first, up to MAX_LISTED_CONDITIONS conditions in all; a campaign past them shows no count there
// (null: its own page counts it).
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { campaignOverviews, MAX_LISTED_CONDITIONS } from "./campaign-overview";
import { DEFAULT_DELIVERY_RULE } from "./limits";

const audience = (n: number) => ({ match: "all", conditions: Array.from({ length: n }, (_, i) => ({ key: "plan", operator: "notEquals", value: `p${i}` })) });

describe("the campaign list's audience counts", () => {
  it("counts audiences up to the conditions budget, most recently edited first; the rest say they were not counted", async () => {
    await db().user.createMany({ data: [{ id: "u1", attributes: { plan: "pro" } }, { id: "u2", attributes: { plan: "p0" } }] });
    const perCampaign = 50;
    const counted = Math.floor(MAX_LISTED_CONDITIONS / perCampaign);
    const ids: string[] = [];
    for (let i = 0; i < counted + 5; i++) {
      const c = await db().campaign.create({ data: { name: `C${i}`, deliveryRule: DEFAULT_DELIVERY_RULE, audience: audience(perCampaign), updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) } });
      ids.push(c.id);
    }
    const everyone = await db().campaign.create({ data: { name: "Everyone", deliveryRule: DEFAULT_DELIVERY_RULE, updatedAt: new Date(Date.UTC(2025, 0, 1)) } });

    const overviews = await campaignOverviews([...ids, everyone.id]);
    const newestFirst = [...ids].reverse();
    // u1 matches every "plan is not pN"; u2 is p0
    for (const id of newestFirst.slice(0, counted)) expect(overviews.get(id)?.audience).toBe(1);
    for (const id of newestFirst.slice(counted)) expect(overviews.get(id)?.audience).toBeNull();
    // "everyone" costs no condition: always counted
    expect(overviews.get(everyone.id)?.audience).toBe(2);
  });
});
