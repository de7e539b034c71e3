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

test("the delivery log pages by Older / Newer / Newest: every delivery once, the place kept in the address, a delivery that changes moved to the top", async ({ page }) => {
  const prisma = await appDb();
  const tag = `pg${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 120 }, (_, i) => ({ id: `${tag}-u-${String(i).padStart(3, "0")}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Paged log ${tag}`,
        status: "finished",
        deliveryRule: { when: "immediate" },
        actions: { create: { name: "Hook", urlTemplate: "http://127.0.0.1:9/x", fields: [], headers: [] } },
      },
      include: { actions: true },
    });
    const t0 = Date.now() - 3_600_000;
    // u-119 changed last: the newest first
    await prisma.delivery.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        webhookId: `msg_${tag}_${i}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId: `${tag}-u-${String(i).padStart(3, "0")}`, triggerKey: `${tag}:${i}`,
        plannedAt: new Date(t0), dueAt: new Date(t0), state: "delivered", attempts: 1, updatedAt: new Date(t0 + i * 1000),
      })),
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const log = page.getByRole("region", { name: "Delivery log" });
    const nav = log.getByRole("navigation", { name: "Pages of deliveries" });
    const users = async () => (await log.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: tag }).allInnerTexts()).map((t) => /-u-(\d{3})/.exec(t)![1]);
    await expect(nav).toContainText("Page 1 of 3 · 120 deliveries");
    await expect(log.getByText(/Most recently changed first/)).toBeVisible();
    await expect(nav.getByRole("button", { name: "Newer" })).toBeDisabled();
    const first = await users();
    expect(first[0]).toBe("119");

    await nav.getByRole("button", { name: "Older" }).click();
    await expect(nav).toContainText("Page 2 of 3");
    await expect(page).toHaveURL(/[?&]after=[\w-]+$/);
    await expect(log.getByRole("button", { name: `Details of the delivery to ${tag}-u-069` })).toBeVisible();
    const second = await users();
    // the reload shows the same page, from the address
    await page.reload();
    await expect(log.getByRole("button", { name: `Details of the delivery to ${tag}-u-069` })).toBeVisible();
    await expect(nav).toContainText("Older deliveries · 120 deliveries");

    // one not yet shown changes while this page is open: it moves to the newest page, not onto the next
    await prisma.delivery.updateMany({ where: { userId: `${tag}-u-005` }, data: { state: "failed", updatedAt: new Date() } });
    await nav.getByRole("button", { name: "Older" }).click();
    await expect(log.getByRole("button", { name: `Details of the delivery to ${tag}-u-000` })).toBeVisible();
    const third = await users();
    expect(third).not.toContain("005");
    await expect(nav.getByRole("button", { name: "Older" })).toBeDisabled();
    const seen = [...first, ...second, ...third];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(119);

    await nav.getByRole("button", { name: "Newer" }).click();
    await expect(log.getByRole("button", { name: `Details of the delivery to ${tag}-u-069` })).toBeVisible();
    await nav.getByRole("button", { name: "Newest" }).click();
    await expect(nav).toContainText("Page 1 of 3");
    await expect(page).toHaveURL(new RegExp(`/campaigns/${campaign.id}$`));
    await expect.poll(async () => (await users())[0]).toBe("005");

    // an address with a cursor the log did not give out shows the newest page, no error
    await page.goto(`/campaigns/${campaign.id}?after=garbage`);
    await expect(nav).toContainText("Page 1 of 3 · 120 deliveries");
  } finally {
    await prisma.$disconnect();
  }
});
