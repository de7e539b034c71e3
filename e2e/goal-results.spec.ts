// Issue 14, "Conversion goals": a campaign whose step has a variant B and a control group, with
// deliveries, held-out users and purchase events written straight into the app's database. Setting
// the goal on the campaign page fills the results table: per group reached, delivered, converted,
// the rate with its interval, the lift over control with its significance, and the winner.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("goal and results: the table per variant and control, the method, the winner", async ({ page }) => {
  const prisma = await appDb();
  const tag = `gr${Date.now()}`;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
  const user = (i: number) => `${tag}-u-${String(i).padStart(3, "0")}`;
  // users 0..119 get A, 120..239 get B, 240..349 are held out
  await prisma.user.createMany({ data: Array.from({ length: 350 }, (_, i) => ({ id: user(i), attributes: {} })) });
  const campaign = await prisma.campaign.create({ data: { name: `Goal ${tag}`, status: "paused", deliveryRule: { when: "immediate" } } });
  const step = await prisma.action.create({ data: { campaignId: campaign.id, name: "Offer", urlTemplate: "https://example.com/offer", fields: [], headers: [], controlPercent: 30, splitPercent: 50 } });
  const variant = await prisma.action.create({ data: { campaignId: campaign.id, variantOfId: step.id, position: 1, name: "Bold offer", urlTemplate: "https://example.com/bold", fields: [], headers: [], splitPercent: 50 } });
  const sent = hoursAgo(3);
  await prisma.delivery.createMany({
    data: Array.from({ length: 240 }, (_, i) => ({
      webhookId: `msg_${tag}_${i}`, campaignId: campaign.id, actionId: step.id, userId: user(i), triggerKey: "activation", plannedAt: sent, dueAt: sent, sentAt: sent,
      state: "delivered", attempts: 1, lastStatus: 200, variant: i < 120 ? "A" : "B", variantActionId: i < 120 ? null : variant.id,
    })),
  });
  await prisma.controlGroupMember.createMany({ data: Array.from({ length: 110 }, (_, i) => ({ campaignId: campaign.id, actionId: step.id, userId: user(240 + i), triggerKey: "activation", assignedAt: sent })) });
  // A: 12 of 120 purchase, B: 30 of 120, control: 11 of 110 (and one purchase before the send, which does not count)
  const buyers = [...Array.from({ length: 12 }, (_, i) => i), ...Array.from({ length: 30 }, (_, i) => 120 + i), ...Array.from({ length: 11 }, (_, i) => 240 + i)];
  await prisma.event.createMany({ data: buyers.map((i) => ({ userId: user(i), name: "purchase", params: {}, time: hoursAgo(1) })) });
  await prisma.event.create({ data: { userId: user(100), name: "purchase", params: {}, time: hoursAgo(5) } });

  await page.goto(`/campaigns/${campaign.id}`);
  const section = page.getByRole("region", { name: "Goal and results" });
  await expect(section.getByText("Set a goal event to see conversions", { exact: false })).toBeVisible();
  const table = section.getByRole("table", { name: "Results: Offer" });
  await expect(table.getByRole("row", { name: /^A · Offer/ })).toContainText("120");

  await section.getByLabel("Goal event").fill("purchase");
  await section.getByLabel("Window (hours)").fill("48");
  await section.getByRole("button", { name: "Save goal" }).click();
  await expect(section.getByRole("status")).toHaveText("Goal saved: purchase within 2 days.");

  const cells = async (name: RegExp) => (await table.getByRole("row", { name }).getByRole("cell").allInnerTexts()).map((t) => t.trim());
  // reached, delivered, converted, rate (95% CI), lift, significance
  await expect(table.getByRole("row", { name: /^B · Bold offer/ }).getByRole("cell").nth(2)).toHaveText("30");
  expect(await cells(/^A · Offer/)).toEqual(["120", "120", "12", "10.0% (5.8%–16.7%)", "0.0%", "p = 1.000 · not significant"]);
  expect((await cells(/^B · Bold offer/)).slice(0, 5)).toEqual(["120", "120", "30", "25.0% (18.1%–33.4%)", "+150.0%"]);
  expect((await cells(/^B · Bold offer/))[5]).toMatch(/^p = 0\.00\d · significant$/);
  expect(await cells(/^Control/)).toEqual(["110", "110 held out", "11", "10.0% (5.7%–17.0%)", "baseline", "—"]);
  await expect(section.getByText("Winner: B · Bold offer, +150.0% over the baseline", { exact: false })).toBeVisible();
  await expect(section.getByText(/Method: .*Wilson score interval.*two-proportion z-test/)).toBeVisible();
  await expect(section.getByText("No winner yet", { exact: false })).toHaveCount(0);

  // the goal is stored with the campaign
  expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { goalEvent: true, goalWindowHours: true } })).toEqual({ goalEvent: "purchase", goalWindowHours: 48 });

  // a window out of range is refused next to its field
  await section.getByLabel("Window (hours)").fill("721");
  await section.getByRole("button", { name: "Save goal" }).click();
  await expect(section.getByText("The window is at most 720 hours (30 days)")).toBeVisible();
  await prisma.$disconnect();
});
