// A start and end date set to the second (through the API) survive the Delivery section: the inputs
// show the seconds, and saving another setting writes the same instants back (they were cut to the
// minute before, so any save moved the campaign's start by up to 59 seconds).
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
    await expect(delivery.getByLabel("Start (UTC)")).toHaveValue("2031-03-01T09:00:30");
    await expect(delivery.getByLabel("End (UTC)")).toHaveValue("2031-04-01T18:15:45.25");
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
