// A paused campaign sent at once or at a date planned every delivery when it was activated: the Delivery
// section locks what a save would refuse (the send time and its zone, the kind of delivery, each
// webhook's delay), saying why, and keeps what still applies (retries, rate limits) editable. A change
// the save refuses (a new audience) is shown at its field and nothing of the settings is saved: the
// rate limit typed beside it stays on screen as unsaved, not saved-and-dropped behind "Saved".
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a paused campaign sent at once: delays are locked with the why; a refused audience keeps the rate limit typed beside it unsaved", async ({ page }) => {
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
    await expect(timing.getByLabel("Delay")).toBeDisabled();
    await expect(delivery.getByRole("radio", { name: "Scheduled" })).toBeDisabled();
    await expect(delivery.getByText("A paused campaign keeps its kind of delivery")).toBeVisible();

    await timing.getByLabel("Rate limit (requests per second)").fill("9");
    const audience = delivery.getByRole("group", { name: "Audience" });
    await audience.getByRole("button", { name: "Add audience condition" }).click();
    await audience.getByLabel("Attribute 1", { exact: true }).fill("plan");
    await audience.getByLabel("Attribute value 1").fill("pro");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(audience.getByText("so a new send time or audience would not change them")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "nothing was saved" })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /^Saved/ })).toHaveCount(0);
    // both stay as typed, and unsaved: leaving asks
    await expect(timing.getByLabel("Rate limit (requests per second)")).toHaveValue("9");
    await page.getByRole("link", { name: "Users", exact: true }).click();
    const leave = page.getByRole("dialog", { name: "Leave without saving?" });
    await expect(leave).toBeVisible();
    await leave.getByRole("button", { name: "Stay" }).click();
    const stored = await prisma.action.findUniqueOrThrow({ where: { id: campaign.actions[0]!.id } });
    expect(stored.rateLimitPerSecond).toBeNull();
    expect(stored.subDelivery).toEqual({ kind: "delay", seconds: 86400 });

    // without the refused audience, the rate limit saves
    await audience.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    expect((await prisma.action.findUniqueOrThrow({ where: { id: campaign.actions[0]!.id } })).rateLimitPerSecond).toBe(9);
  } finally {
    await prisma.$disconnect();
  }
});

test("a paused scheduled campaign: Send at and its zone are locked with the why; a new rate limit saves and stays after a reload", async ({ page }) => {
  const prisma = await appDb();
  const tag = `psched${Date.now()}`;
  try {
    const campaign = await prisma.campaign.create({
      data: {
        name: `Paused schedule ${tag}`,
        status: "paused",
        pausedAt: new Date(),
        deliveryRule: { when: "scheduled", sendAt: "2099-01-01T12:13", timeZone: "Europe/Paris", inUserTimeZone: true },
        actions: { create: { name: "Noon hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [], rateLimitPerSecond: 5 } },
      },
      include: { actions: true },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    const sendAt = delivery.getByLabel("Send at");
    await expect(sendAt).toBeDisabled();
    await expect(sendAt).toHaveAccessibleDescription(/planned for this time when it was activated/);
    await expect(delivery.getByLabel("Time zone", { exact: true })).toBeDisabled();
    await expect(delivery.getByLabel("In each user's time zone")).toBeDisabled();
    await expect(delivery.getByLabel("Users whose time has passed")).toBeDisabled();
    const rate = page.getByRole("group", { name: "Noon hook" }).getByLabel("Rate limit (requests per second)");
    await expect(rate).toBeEnabled();
    await rate.fill("9");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("group", { name: "Noon hook" }).getByLabel("Rate limit (requests per second)")).toHaveValue("9");
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).deliveryRule).toMatchObject({ sendAt: "2099-01-01T12:13" });
  } finally {
    await prisma.$disconnect();
  }
});
