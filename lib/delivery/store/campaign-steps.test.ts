// A campaign's steps are read for planning in one order, position then id, by every planner: the
// fan-out of a recurring occurrence (inside its raw transaction) and the replan of a paused campaign's
// runs (inside a Prisma transaction) read them through one reader, and planSteps orders whatever rows
// it is given (activation and event triggers read theirs with the rest of the campaign). Two steps, or
// two variants, that share a position used to come back in whatever order the database kept them.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { rawDb } from "../../db/raw";
import { planSteps } from "../core/plan";
import { campaignStepsIn } from "./fan-out";
import { createCampaign } from "../testing/fixtures";

const hook = (id: string, campaignId: string, position: number, variantOfId: string | null = null) => ({
  id, campaignId, position, variantOfId, name: id, urlTemplate: `http://127.0.0.1:9/${id}`, fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000, splitPercent: 50,
});

describe("a campaign's steps for planning", () => {
  it("come in one order (position, then id) from both readers and planSteps, when steps and variants share a position", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/first", status: "active" });
    const first = campaign.actions[0].id;
    // written in the reverse of their id order, at the same positions
    for (const row of [hook("step-b", campaign.id, 1), hook("step-a", campaign.id, 1), hook("step-a-z", campaign.id, 1, "step-a"), hook("step-a-y", campaign.id, 1, "step-a")]) {
      await db().action.create({ data: row });
    }
    const expected = [
      { id: first, split: null },
      { id: "step-a", split: { controlPercent: 0, variants: [{ key: "A", actionId: "step-a" }, { key: "B", actionId: "step-a-y" }, { key: "C", actionId: "step-a-z" }] } },
      { id: "step-b", split: null },
    ];
    const shape = (steps: Awaited<ReturnType<typeof campaignStepsIn>>) =>
      steps.map((s) => ({ id: s.id, split: s.split ? { controlPercent: s.split.controlPercent, variants: s.split.variants.map((v) => ({ key: v.key, actionId: v.actionId })) } : null }));

    // the fan-out's reader, inside a raw transaction
    expect(shape(await rawDb(db()).interactive((tx) => campaignStepsIn(tx, campaign.id)))).toEqual(expected);
    // the replan's, inside a Prisma transaction
    expect(shape(await db().$transaction((tx) => campaignStepsIn(tx, campaign.id)))).toEqual(expected);
    // planSteps, given the rows in any order
    const rows = await db().action.findMany({ where: { campaignId: campaign.id } });
    expect(shape(planSteps([...rows].reverse()))).toEqual(expected);
    expect(shape(planSteps([...rows].sort((a, b) => (a.id < b.id ? 1 : -1))))).toEqual(expected);
  });
});
