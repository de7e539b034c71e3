// Activate's result with a control group: the confirm says "about 10% held out", so the result says
// users and their share ("5 users (14%) held out"), not held-out rows: one per user per step (15 for
// 5 users of a 3-step campaign read as if 15 people were held out).
import { expect, it } from "vitest";
import { db } from "../../db";
import { createCampaign, createUsers } from "../testing/fixtures";
import { activateCampaign, activationMessage } from "./lifecycle";

it("says how many users (and what share of the audience) the control group holds out, and the held-out deliveries after", async () => {
  await createUsers(40, "cg");
  const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook" });
  const first = campaign.actions[0]!;
  await db().action.update({ where: { id: first.id }, data: { controlPercent: 20 } });
  for (const position of [1, 2])
    await db().action.create({ data: { campaignId: campaign.id, name: `Step ${position + 1}`, urlTemplate: "http://127.0.0.1:9999/hook", fields: [], headers: [], position } });

  const result = await activateCampaign(campaign.id);
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  const held = (await db().controlGroupMember.findMany({ where: { campaignId: campaign.id }, select: { userId: true } })).map((m) => m.userId);
  const users = new Set(held).size;
  expect(users).toBeGreaterThan(0);
  // the API's fields: `control` stays the held-out rows (one per user per step), `controlUsers` the users
  expect(result.counts).toMatchObject({ scheduled: (40 - users) * 3, control: users * 3, controlUsers: users, users: 40 });
  expect(activationMessage(result)).toBe(
    `Active: ${(40 - users) * 3} deliveries planned, ${users} users (${Math.round((users / 40) * 100)}%) held out for the control group (${users * 3} deliveries).`,
  );
});
