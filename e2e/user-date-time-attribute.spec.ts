// The user page showed an imported date-time as stored (2026-03-01T09:00:00.000Z) beside plain dates shown
// as yyyy-MM-dd: it now reads it in the user's time zone, named.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a user's date-time attribute shows in their time zone, the zone named; a plain date stays yyyy-MM-dd", async ({ page }) => {
  const prisma = await appDb();
  const id = `dtattr${Date.now()}`;
  try {
    await prisma.user.create({ data: { id, timezone: "Europe/Paris", attributes: { lastOrderAt: "2026-03-01T09:00:00.000Z", birthday: "1990-05-17" } } });
    await page.goto(`/users/${id}`);
    await expect(page.getByText("2026-03-01 10:00 (Europe/Paris)", { exact: true })).toBeVisible();
    await expect(page.getByText("1990-05-17", { exact: true })).toBeVisible();
    await expect(page.getByText("2026-03-01T09:00:00.000Z")).toHaveCount(0);
  } finally {
    await prisma.$disconnect();
  }
});
