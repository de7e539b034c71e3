// What a new marketer met in the browser on the first day (phone and desktop): every section of the
// nav in view at 390 px, the "Saved as" choice read whole, a single webhook's results with nothing to compare.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("at 390 px every nav link is on screen, none in a sideways-scrolling strip", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/campaigns");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Campaigns", "Activity", "Users", "Settings", "Audit log", "API"]) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("a single webhook's results compare with nothing: no 'Lift vs A' column", async ({ page }) => {
  const prisma = await appDb();
  const tag = `sw${Date.now()}`;
  const campaign = await prisma.campaign.create({ data: { name: `Single ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, goalEvent: "purchase", goalWindowHours: 48 } });
  await prisma.action.create({ data: { campaignId: campaign.id, name: "Welcome", urlTemplate: "https://example.com/welcome", fields: [], headers: [] } });
  await page.goto(`/campaigns/${campaign.id}`);
  const table = page.getByRole("region", { name: "Goal and results" }).getByRole("table", { name: "Results: Welcome" });
  await expect(table.getByRole("columnheader", { name: "Converted" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: /Lift/i })).toHaveCount(0);
  await expect(table.getByRole("columnheader", { name: "Significance" })).toHaveCount(0);
  await prisma.$disconnect();
});
