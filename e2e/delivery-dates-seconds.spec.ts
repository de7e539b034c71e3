// A start and end date set to the second (through the API) survive the Delivery section: the inputs
// show the seconds, and saving another setting writes the same instants back (they were cut to the
// minute before, so any save moved the campaign's start by up to 59 seconds). And they are typed in the
// browser's time zone (or one chosen beside them), stored in UTC, each shown with its UTC equivalent.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("dates with seconds show them and keep them when the Delivery section saves something else", async ({ page }) => {
  const prisma = await appDb();
  try {
    await page.goto("/campaigns/new");
    await page.getByLabel("Campaign name").fill("Seconds kept");
    await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/hook/{{user.id}}");
    await expect(page.getByRole("region", { name: "Request preview" })).toContainText("127.0.0.1:9/hook/");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
    const id = page.url().split("/").at(-1)!;
    const startAt = new Date("2031-03-01T09:00:30.000Z");
    const endAt = new Date("2031-04-01T18:15:45.250Z");
    await prisma.campaign.update({ where: { id }, data: { startAt, endAt } });

    await page.reload();
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByLabel("Start", { exact: true })).toHaveValue("2031-03-01T09:00:30");
    await expect(delivery.getByLabel("End", { exact: true })).toHaveValue("2031-04-01T18:15:45.25");
    await delivery.getByRole("checkbox", { name: "Exempt from the per-user frequency cap" }).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

    const saved = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { startAt: true, endAt: true, capExempt: true } });
    expect(saved.capExempt).toBe(true);
    expect(saved.startAt?.toISOString()).toBe(startAt.toISOString());
    expect(saved.endAt?.toISOString()).toBe(endAt.toISOString());
  } finally {
    await prisma.$disconnect();
  }
});

test.describe("in Paris", () => {
  test.use({ timezoneId: "Europe/Paris" });

  test("the Delivery section's start and end are typed in the browser's zone, stored in UTC, and shown with the UTC equivalent", async ({ page }) => {
    const prisma = await appDb();
    try {
      await page.goto("/campaigns/new");
      await page.getByLabel("Campaign name").fill(`Paris dates ${Date.now()}`);
      await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/hook/{{user.id}}");
      await expect(page.getByRole("region", { name: "Request preview" })).toContainText("127.0.0.1:9/hook/");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
      const id = page.url().split("/").at(-1)!;
      await prisma.campaign.update({ where: { id }, data: { startAt: new Date("2031-03-01T08:00:30.000Z") } });

      await page.reload();
      const delivery = page.getByRole("region", { name: "Delivery", exact: true });
      const zone = delivery.getByLabel("Zone of start and end");
      await expect(zone).toHaveValue("Europe/Paris");
      // the stored 08:00:30 UTC is 09:00:30 in Paris, and says so
      await expect(delivery.getByLabel("Start", { exact: true })).toHaveValue("2031-03-01T09:00:30");
      await expect(delivery.getByText("= 2031-03-01 08:00:30 UTC")).toBeVisible();

      // 18:00 on 1 April in Paris (summer time) is 16:00 UTC
      await delivery.getByLabel("End", { exact: true }).fill("2031-04-01T18:00");
      await expect(delivery.getByText("= 2031-04-01 16:00:00 UTC")).toBeVisible();
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
      const saved = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { startAt: true, endAt: true } });
      expect(saved.startAt?.toISOString()).toBe("2031-03-01T08:00:30.000Z");
      expect(saved.endAt?.toISOString()).toBe("2031-04-01T16:00:00.000Z");

      // another zone shows the same moments in it
      await zone.selectOption("Asia/Tokyo");
      await expect(delivery.getByLabel("Start", { exact: true })).toHaveValue("2031-03-01T17:00:30");
      await expect(delivery.getByLabel("End", { exact: true })).toHaveValue("2031-04-02T01:00");
      await expect(delivery.getByText("= 2031-03-01 08:00:30 UTC")).toBeVisible();
    } finally {
      await prisma.$disconnect();
    }
  });
});
