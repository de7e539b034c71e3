// Small things a marketer reads on the campaign, Activity and audit pages: every date through the
// shared DateTime (the exact UTC time on hover), seconds where instants a few seconds apart must not
// read the same, and long names cut on one line rather than broken mid-word.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a paused triggered campaign's 'Since …' is the shared DateTime: the exact UTC time on hover", async ({ page }) => {
  const prisma = await appDb();
  const tag = `pausednote-${Date.now()}`;
  const pausedAt = new Date("2026-12-04T08:15:42Z");
  try {
    const campaign = await prisma.campaign.create({
      data: {
        name: `Paused ${tag}`,
        status: "paused",
        pausedAt,
        deliveryRule: { when: "triggered", event: `ev-${tag}` },
        actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const note = page.getByRole("region", { name: "Delivery", exact: true }).getByRole("note").filter({ hasText: "Paused: deliveries already planned wait" });
    await expect(note).toContainText("Since");
    const since = note.locator("time");
    await expect(since).toHaveAttribute("title", "2026-12-04 08:15:42 UTC");
    await expect(since).toHaveAttribute("datetime", pausedAt.toISOString());
  } finally {
    await prisma.$disconnect();
  }
});

test("the audit log's When shows the seconds, as the delivery log does", async ({ page }) => {
  const prisma = await appDb();
  const tag = `auditsecs-${Date.now()}`;
  // newest first: a minute ahead, at 37 seconds past the minute
  const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000 + 37_000);
  try {
    await prisma.auditLog.create({ data: { actor: `${tag}@hookline.test`, action: "campaign.updated", target: null, createdAt: at } });
    await page.goto("/audit-log");
    const when = page.getByRole("row").filter({ hasText: `${tag}@hookline.test` }).locator("time");
    await expect(when).toHaveAttribute("title", `${at.toISOString().replace("T", " ").slice(0, 19)} UTC`);
    await expect(when).toHaveText(/\d:\d\d:37\b/);
  } finally {
    await prisma.$disconnect();
  }
});

test("a long campaign name stays on one line in Activity's deliveries, cut with an ellipsis, whole on hover", async ({ page }) => {
  const prisma = await appDb();
  const tag = `names-${Date.now()}`;
  const name = `Winter reactivation for lapsed premium subscribers in the northern regions ${tag}`;
  try {
    await prisma.user.create({ data: { id: `${tag}-u`, attributes: {} } });
    const campaign = await prisma.campaign.create({
      data: { name, status: "paused", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
      include: { actions: true },
    });
    await prisma.delivery.create({
      data: { webhookId: `msg_${tag}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `${tag}-u`, triggerKey: "activation", plannedAt: new Date(), dueAt: new Date(Date.now() + 3_600_000), state: "delivered" },
    });
    await page.goto("/activity");
    const cell = page.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: `${tag}-u` }).getByRole("cell").first();
    const shown = cell.getByTitle(name, { exact: true });
    await expect(shown).toBeVisible();
    const lines = await shown.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
    expect(lines).toBe(1);
    expect(await shown.evaluate((el) => getComputedStyle(el).textOverflow)).toBe("ellipsis");
  } finally {
    await prisma.$disconnect();
  }
});
