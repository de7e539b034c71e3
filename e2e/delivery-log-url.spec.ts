// The delivery log's filter (state, action, user, page) is kept in the page's address, so a
// filtered log survives a reload and the link shows the same rows to whoever opens it. Its State
// choices read as the counts and the rows do ("Failed"), not as stored ("failed").
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("the delivery log's filter is in the address: it survives a reload and can be shared", async ({ page, browser }) => {
  const prisma = await appDb();
  const tag = `url${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 6 }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Filtered log ${tag}`,
        status: "finished",
        deliveryRule: { when: "immediate" },
        actions: { create: { name: "Hook", urlTemplate: "http://127.0.0.1:9/x", fields: [], headers: [] } },
      },
      include: { actions: true },
    });
    const at = new Date();
    await prisma.delivery.createMany({
      data: Array.from({ length: 6 }, (_, i) => ({
        webhookId: `msg_${tag}_${i}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId: `${tag}-u-${i}`, triggerKey: `${tag}:${i}`,
        plannedAt: at, dueAt: at, state: i < 3 ? "failed" : "delivered", attempts: 1,
      })),
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const log = page.getByRole("region", { name: "Delivery log" });
    const rows = log.getByRole("table", { name: "Deliveries" }).getByRole("row");
    await expect(rows).toHaveCount(7);
    // the State filter names the states as the counts and the rows do
    await expect(log.getByLabel("State").getByRole("option")).toHaveText(["All states", "Scheduled", "Sending", "Delivered", "Retrying", "Failed", "Suppressed", "Cancelled"]);
    await expect(log.getByRole("button", { name: "Failed 3" })).toBeVisible();
    await expect(rows.filter({ hasText: `${tag}-u-0` })).toContainText("Failed");
    await log.getByLabel("State").selectOption({ label: "Failed" });
    await log.getByLabel("User").fill(`${tag}-u-1`);
    await expect(rows).toHaveCount(2);
    await expect(page).toHaveURL(new RegExp(`\\?state=failed&user=${tag}-u-1$`));

    await page.reload();
    await expect(log.getByLabel("State")).toHaveValue("failed");
    await expect(log.getByLabel("User")).toHaveValue(`${tag}-u-1`);
    await expect(log.getByRole("button", { name: "Failed 3" })).toHaveAttribute("aria-pressed", "true");
    await expect(rows).toHaveCount(2);
    await expect(log.getByRole("button", { name: `Details of the delivery to ${tag}-u-1` })).toBeVisible();

    // the same address in another tab shows the same rows
    const other = await browser.newPage({ storageState: await page.context().storageState() });
    await other.goto(page.url());
    await expect(other.getByRole("region", { name: "Delivery log" }).getByRole("table", { name: "Deliveries" }).getByRole("row")).toHaveCount(2);
    await other.close();

    // an address past the last page (rows gone since it was shared) shows the last page, not "Page 9 of 1"
    await page.goto(`/campaigns/${campaign.id}?state=delivered&page=9`);
    await expect(log.getByText("Page 1 of 1 · 3 deliveries")).toBeVisible();
    await expect(rows).toHaveCount(4);
    await expect(page).toHaveURL(new RegExp(`/campaigns/${campaign.id}\\?state=delivered$`));

    // clearing the filter clears the address
    await log.getByLabel("State").selectOption("");
    await log.getByLabel("User").fill("");
    await expect(rows).toHaveCount(7);
    await expect(page).toHaveURL(new RegExp(`/campaigns/${campaign.id}$`));
  } finally {
    await prisma.$disconnect();
  }
});
