// From a marketer's walkthrough of Activate's confirmation: with a frequency cap of 2 a day, "Every day at
// 22:06 (UTC), to 11 users?" said nothing of the 9 of them the cap then suppressed; and the note on an empty
// ?city= value said the address stays, then advised "Activate anyway and their requests go to that address".
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("Activate says how many of the audience are at the frequency cap now", async ({ page }) => {
  const prisma = await appDb();
  const tag = `atcap${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 3 }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: {} })) });
    const other = await prisma.campaign.create({
      data: { name: `Sent before ${tag}`, status: "finished", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "http://127.0.0.1:9999/sent/{{user.id}}", fields: [], headers: [] } } },
      include: { actions: true },
    });
    // users 0 and 1 were sent 2 today: at a cap of 2 a day
    for (const u of [0, 1]) {
      for (const i of [0, 1]) {
        const sentAt = new Date(Date.now() - (i + 1) * 60_000);
        await prisma.delivery.create({ data: { webhookId: `msg_${tag}_${u}_${i}`, campaignId: other.id, actionId: other.actions[0]!.id, userId: `${tag}-u-${u}`, triggerKey: `t${i}`, plannedAt: sentAt, dueAt: sentAt, sentAt, attempts: 1, state: "delivered" } });
      }
    }
    const campaign = await prisma.campaign.create({
      data: {
        name: `At the cap ${tag}`,
        deliveryRule: { when: "recurring", frequency: "daily", time: "22:06", timeZone: "UTC" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Digest", urlTemplate: "http://127.0.0.1:9999/digest/{{user.id}}", fields: [], headers: [] } },
      },
    });
    await prisma.setting.upsert({ where: { key: "frequencyCap" }, create: { key: "frequencyCap", value: JSON.stringify({ perDay: 2 }) }, update: { value: JSON.stringify({ perDay: 2 }) } });
    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByText(/^3 of \d+ users match$/)).toBeVisible();
    await delivery.getByRole("button", { name: "Activate" }).click();
    const dialog = page.getByRole("dialog", { name: "Every day at 22:06 (UTC), to 3 users?" });
    await expect(dialog).toContainText("2 of these 3 users are at the frequency cap now (2 per day reached): their sends are suppressed until their count falls below it (Settings › Delivery limits).");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  } finally {
    await prisma.setting.deleteMany({ where: { key: "frequencyCap" } });
    await prisma.$disconnect();
  }
});

test("an empty ?city= value: the note says the address stays, and its advice does not say otherwise", async ({ page }) => {
  const prisma = await appDb();
  const tag = `cityq${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 4 }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: i === 1 ? {} : { cityQ: "Paris" } })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `City query ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Hook", urlTemplate: "http://127.0.0.1:9999/crm?city={{user.cityQ}}", fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByText(/^4 of \d+ users match$/)).toBeVisible();
    await delivery.getByRole("button", { name: "Activate" }).click();
    const dialog = page.getByRole("dialog", { name: "Send now to 4 users?" });
    const note = dialog.getByRole("note", { name: "URL values some users lack" });
    await expect(note).toContainText("their requests are sent with city= empty");
    await expect(note).toContainText("Activate anyway and those users' requests are sent as each line says");
    await expect(note).not.toContainText("go to that address");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  } finally {
    await prisma.$disconnect();
  }
});
