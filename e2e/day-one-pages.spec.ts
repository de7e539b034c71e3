// A marketer's first day outside the action editor (2026-12-05, Chromium, fresh install): the delivery
// log, Activity, and the CSV import. Campaigns and deliveries are written straight to the app's database.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

type Prisma = Awaited<ReturnType<typeof appDb>>;

async function pausedCampaignWith(prisma: Prisma, tag: string, rows: { userId: string; state: string; plannedAt: Date; dueAt: Date }[]) {
  await prisma.user.createMany({ data: rows.map((r) => ({ id: r.userId, attributes: {} })) });
  const campaign = await prisma.campaign.create({
    data: { name: `Log ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
    include: { actions: true },
  });
  for (const [i, r] of rows.entries()) {
    await prisma.delivery.create({
      data: { webhookId: `msg_${tag}_${i}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: r.userId, triggerKey: "activation", plannedAt: r.plannedAt, dueAt: r.dueAt, state: r.state, attempts: r.state === "retrying" ? 1 : 0 },
    });
  }
  return campaign;
}

const later = () => new Date(Date.now() + 3_600_000);

test("the log's Planned column shows the seconds: two deliveries planned 30 seconds apart do not read the same", async ({ page }) => {
  const prisma = await appDb();
  const tag = `secs-${Date.now()}`;
  try {
    const campaign = await pausedCampaignWith(prisma, tag, [
      { userId: `${tag}-a`, state: "delivered", plannedAt: new Date("2026-12-05T09:00:05Z"), dueAt: later() },
      { userId: `${tag}-b`, state: "delivered", plannedAt: new Date("2026-12-05T09:00:35Z"), dueAt: later() },
    ]);
    await page.goto(`/campaigns/${campaign.id}`);
    const table = page.getByRole("region", { name: "Delivery log" }).getByRole("table", { name: "Deliveries" });
    // User, State, Webhook, Planned
    const planned = (userId: string) => table.getByRole("row").filter({ hasText: userId }).getByRole("cell").nth(3);
    await expect(planned(`${tag}-a`)).toContainText("9:00:05");
    await expect(planned(`${tag}-b`)).toContainText("9:00:35");
    // the detail says the same
    await table.getByRole("button", { name: `Details of the delivery to ${tag}-a` }).click();
    await expect(page.getByRole("region", { name: "Delivery detail" })).toContainText("9:00:05");
  } finally {
    await prisma.$disconnect();
  }
});

test("a long user id stays on one line in the log, cut rather than broken at its hyphens, whole on hover and in the detail", async ({ page }) => {
  const prisma = await appDb();
  const tag = `ids-${Date.now()}`;
  const longId = `${tag}-customer-3f2a9c1e-7b4d-4e2a-9f1c-0a8b6c5d4e3f`;
  try {
    // a failed row's reason under its state takes the width the ids wrapped for
    const campaign = await pausedCampaignWith(prisma, tag, [{ userId: longId, state: "delivered", plannedAt: new Date(), dueAt: later() }]);
    await prisma.delivery.create({
      data: { webhookId: `msg_${tag}_f`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: longId, triggerKey: "retry", plannedAt: new Date(), dueAt: new Date(), state: "failed", reason: "Attempt 1: DNS lookup failed for crm.example.com (ENOTFOUND)", attempts: 1 },
    });
    for (const where of [`/campaigns/${campaign.id}`, "/activity"]) {
      await page.goto(where);
      const idButton = page.getByRole("table", { name: "Deliveries" }).getByRole("button", { name: `Details of the delivery to ${longId}` }).first();
      const lines = await idButton.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
      expect(lines, where).toBe(1);
      await expect(idButton).toHaveAttribute("title", longId);
    }
    await page.getByRole("table", { name: "Deliveries" }).getByRole("button", { name: `Details of the delivery to ${longId}` }).first().click();
    const detail = page.getByRole("region", { name: "Delivery detail" });
    await expect(detail.getByText(longId, { exact: true })).toBeVisible();
    await expect(detail.getByRole("button", { name: "Copy user id" })).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});

test("a paused campaign's waiting deliveries read 'Held: campaign paused', not a next attempt time; resumed, the time is back", async ({ page }) => {
  const prisma = await appDb();
  const tag = `held-${Date.now()}`;
  try {
    const campaign = await pausedCampaignWith(prisma, tag, [
      { userId: `${tag}-a`, state: "scheduled", plannedAt: new Date(), dueAt: later() },
      { userId: `${tag}-b`, state: "retrying", plannedAt: new Date(), dueAt: later() },
    ]);
    await page.goto(`/campaigns/${campaign.id}`);
    const table = page.getByRole("region", { name: "Delivery log" }).getByRole("table", { name: "Deliveries" });
    for (const s of ["a", "b"]) await expect(table.getByRole("row").filter({ hasText: `${tag}-${s}` })).toContainText("Held: campaign paused");
    await table.getByRole("button", { name: `Details of the delivery to ${tag}-b` }).click();
    const detail = page.getByRole("region", { name: "Delivery detail" });
    await expect(detail.getByRole("definition").first()).toHaveText("Held: campaign paused"); // the row's words (lib/delivery/core/states.ts), not "held: campaign paused"
    await expect(detail).toContainText("Held while the campaign is paused: goes out when it is resumed");
    await expect(detail.locator("time")).toHaveCount(1); // Planned only: no next attempt time

    await prisma.campaign.update({ where: { id: campaign.id }, data: { status: "active", pausedAt: null } });
    await page.reload();
    await expect(table.getByRole("row").filter({ hasText: `${tag}-a` })).not.toContainText("Held");
    await table.getByRole("button", { name: `Details of the delivery to ${tag}-b` }).click();
    await expect(detail).toContainText("Next attempt");
    await expect(detail).not.toContainText("Held while the campaign is paused");
    await expect(detail.locator("time")).toHaveCount(2);
    await prisma.campaign.update({ where: { id: campaign.id }, data: { status: "paused", pausedAt: new Date() } });
  } finally {
    await prisma.$disconnect();
  }
});

test("CSV import refuses a binary file (a PNG, a zip renamed .csv) up front, with a clear message and no rows", async ({ page }) => {
  const png = pngBytes();
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  const region = page.getByRole("region", { name: "Import CSV" });
  for (const [name, buffer] of [["photo.csv", png], ["archive.csv", zipBytes()]] as const) {
    await page.getByLabel("CSV file").setInputFiles({ name, mimeType: "text/csv", buffer });
    await expect(region.getByRole("alert")).toContainText("This does not look like a CSV text file");
    await expect(region.getByRole("button", { name: "Start import" })).toHaveCount(0);
  }
});

/** A real 1x1 PNG. */
function pngBytes(): Buffer {
  return Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
}

/** A zip holding one stored file "a.txt" (local header, central directory, end record). */
function zipBytes(): Buffer {
  const local = Buffer.from("504b0304140000000000000000000000000000000000000000000500000061", "hex");
  return Buffer.concat([local, Buffer.from(".txt"), Buffer.from("504b0506000000000000000000000000000000000000", "hex")]);
}
