// A paused campaign sent at once planned every delivery with its webhooks' timing when it was activated:
// the Delivery section says a new delay would not move them, and Save refuses one rather than saying "Saved."
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a paused campaign sent at once says, and Save shows, that a new webhook delay is not taken", async ({ page }) => {
  const prisma = await appDb();
  const tag = `ptime${Date.now()}`;
  try {
    const campaign = await prisma.campaign.create({
      data: {
        name: `Paused timing ${tag}`,
        status: "paused",
        pausedAt: new Date(),
        deliveryRule: { when: "immediate" },
        actions: { create: { name: "Later hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [], subDelivery: { kind: "delay", seconds: 86400 } } },
      },
      include: { actions: true },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByRole("note").filter({ hasText: "planned with each webhook's timing when it was activated" })).toContainText("Retries and rate limits still apply to what waits.");
    const timing = page.getByRole("group", { name: "Later hook" });
    await timing.getByLabel("Delay").fill("60");
    await timing.getByLabel("Unit").selectOption("seconds");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("so a new delay or time would not move them: keep the timing", { exact: false }).and(page.locator(":not([role=note])")).first()).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveCount(0);
    expect((await prisma.action.findUniqueOrThrow({ where: { id: campaign.actions[0]!.id } })).subDelivery).toEqual({ kind: "delay", seconds: 86400 });
  } finally {
    await prisma.$disconnect();
  }
});
