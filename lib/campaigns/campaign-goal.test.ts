// The goal is validated by saveCampaignGoal itself, whoever calls it; and a campaign save keeps it
// unless the draft sets it.
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { db } from "../db";
import { CampaignNotFoundError, duplicateCampaign, saveCampaign } from "./campaigns";
import { loadCampaignGoal, saveCampaignGoal } from "./campaign-goal";
import { campaignDraftSchema } from "./schemas";

describe("saveCampaignGoal", () => {
  it("saves the goal, reports what changed, and refuses a window outside 1..720 hours or an unknown campaign", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Goal" }));
    expect(await loadCampaignGoal(id)).toEqual({ goalEvent: null, goalWindowHours: 168 });

    const saved = await saveCampaignGoal(id, { goalEvent: " signup ", goalWindowHours: "24" });
    expect(saved.goal).toEqual({ goalEvent: "signup", goalWindowHours: 24 });
    expect(saved.changes).toEqual([
      { field: "goalEvent", before: null, after: "signup" },
      { field: "goalWindowHours", before: 168, after: 24 },
    ]);
    expect((await saveCampaignGoal(id, { goalEvent: "signup", goalWindowHours: 24 })).changes).toEqual([]);

    await expect(saveCampaignGoal(id, { goalEvent: "signup", goalWindowHours: 721 })).rejects.toBeInstanceOf(ZodError);
    await expect(saveCampaignGoal(id, { goalEvent: "signup", goalWindowHours: 0 })).rejects.toBeInstanceOf(ZodError);
    await expect(saveCampaignGoal("nope", { goalEvent: "signup" })).rejects.toBeInstanceOf(CampaignNotFoundError);
    expect(await loadCampaignGoal(id)).toEqual({ goalEvent: "signup", goalWindowHours: 24 });

    // an empty name clears the goal
    expect((await saveCampaignGoal(id, { goalEvent: "  ", goalWindowHours: 24 })).goal.goalEvent).toBeNull();
  });

  it("a campaign save without goal fields keeps the goal; a copy carries it", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Keep", goalEvent: "purchase", goalWindowHours: 48 }));
    await saveCampaign(campaignDraftSchema.parse({ id, name: "Keep (renamed)" }));
    expect(await loadCampaignGoal(id)).toEqual({ goalEvent: "purchase", goalWindowHours: 48 });
    const copy = (await duplicateCampaign(id))!;
    expect(await db().campaign.findUnique({ where: { id: copy }, select: { goalEvent: true, goalWindowHours: true } })).toEqual({ goalEvent: "purchase", goalWindowHours: 48 });
  });
});
