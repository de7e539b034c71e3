// An active recurring campaign says when it sends next. Daily at 09:00 in each user's zone, activated
// after its users' 09:00 today, it plans nothing until the next run: its page said "No deliveries
// yet" and its list row "Never sent", nothing of when. Now the Delivery section names the next send
// (its date, 09:00 in each user's zone, and the instant its first users get it) and the list's last-send
// column says the same after "Next: ". The audience column reads as the audience now, not as a count of users sent to.
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

test("a daily recurring campaign in each user's zone shows its next send on its page and in the list", async ({ page }) => {
  const prisma = await appDb();
  const tag = `nextsend${Date.now()}`;
  const name = `Daily digest ${tag}`;
  try {
    await prisma.user.createMany({ data: ["Europe/Paris", "Asia/Tokyo", "Europe/Paris"].map((timezone, i) => ({ id: `${tag}-u-${i}`, timezone, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name,
        deliveryRule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", inUserTimeZone: true },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        // nothing is sent during the test (the next run is hours away), but activation checks the address
        actions: { create: { name: "Digest", urlTemplate: "http://127.0.0.1:9999/digest/{{user.id}}", fields: [], headers: [] } },
      },
    });

    await page.goto(`/campaigns/${campaign.id}`);
    expect(await activateCampaign(page)).toBe("Every day at 09:00 in each user's time zone, to 3 users?");
    // the dialog closes as the activation starts: a reload before it is stored renders the draft (the
    // note is read when the page loads) while the status label catches up live (the whole suite on PostgreSQL)
    await expect.poll(async () => (await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("active");
    await page.reload();
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    const note = delivery.getByRole("note").filter({ hasText: /^Next send: / });
    // the first users' instant once their deliveries are planned (Paris's 09:00 still ahead today,
    // before 08:00 UTC); a run not yet fanned out reads no users, so says when the earliest zones reach it
    await expect(note).toHaveText(/^Next send: \w{3} \d{1,2} \w{3}, 09:00 in each user's time zone \((first users at .+|from .+, as the earliest time zones reach it)\)\.$/);
    // the instant is a DateTime (UTC on hover): "Sun 6 Dec, 09:00" alone read as a past time at 17:55 in Paris
    await expect(note.locator("time")).toHaveAttribute("title", / UTC$/);
    const words = /^Next send: (.+)\.$/.exec((await note.textContent()) ?? "")![1]!;

    // the list says the same (one words function), not the day and time alone
    await page.goto(`/campaigns?q=${encodeURIComponent(tag)}`);
    const row = page.getByRole("listitem", { name, exact: true });
    await expect(row.getByText(`Next: ${words}`, { exact: true })).toBeVisible();
    await expect(row.getByText("Never sent", { exact: true })).toHaveCount(0);
    await expect(page.getByText("Audience now", { exact: true })).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});

test("Activate of a send at a time in each user's zone says how many users' time has passed", async ({ page }) => {
  const prisma = await appDb();
  const tag = `passed${Date.now()}`;
  // two hours from now as a wall-clock time: passed in Tokyo (UTC+9) and Kolkata (UTC+5:30), ahead in UTC and New York
  const sendAt = new Date(Date.now() + 2 * 3600_000).toISOString().slice(0, 16);
  const time = sendAt.slice(11, 16);
  try {
    const zones = ["Asia/Tokyo", "Asia/Tokyo", "Asia/Kolkata", "America/New_York", null];
    await prisma.user.createMany({ data: zones.map((timezone, i) => ({ id: `${tag}-u-${i}`, timezone, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Local time ${tag}`,
        deliveryRule: { when: "scheduled", sendAt, timeZone: "UTC", inUserTimeZone: true, whenPassed: "sendNow" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Hook", urlTemplate: "http://127.0.0.1:9999/hook/{{user.id}}", fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    await page.getByRole("region", { name: "Delivery", exact: true }).getByRole("button", { name: "Activate" }).click();
    // the scheduled question is the same modal, labelled by its heading, as every other confirmation
    const dialog = page.getByRole("dialog", { name: /^Schedule for 5 users on .+ in each user's time zone\?$/ });
    await expect(dialog).toHaveAttribute("aria-modal", "true");
    await expect(dialog.getByRole("heading", { name: /^Schedule for 5 users/ })).toBeVisible();
    await expect(dialog.getByText(`3 of 5 users' ${time} has passed: they are sent at once; the others are sent at ${time} in their own zone.`, { exact: true })).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
  } finally {
    await prisma.$disconnect();
  }
});

test("the list shows a triggered campaign's next planned send beside its last one (it said \"Never sent\" of one with sends scheduled)", async ({ page }) => {
  const prisma = await appDb();
  const tag = `trnext${Date.now()}`;
  const name = `Follow-ups ${tag}`;
  try {
    await prisma.user.create({ data: { id: `${tag}-u`, attributes: {} } });
    const campaign = await prisma.campaign.create({
      data: {
        name,
        status: "active",
        activatedAt: new Date(),
        deliveryRule: { when: "triggered", event: `signup-${tag}` },
        actions: { create: { name: "Hook", urlTemplate: "http://127.0.0.1:9999/hook/{{user.id}}", fields: [], headers: [] } },
      },
      include: { actions: true },
    });
    const row = (i: number, state: string, at: Date) => ({
      webhookId: `msg_${tag}_${i}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `${tag}-u`, triggerKey: `event:${tag}-${i}`,
      plannedAt: at, dueAt: at, state, ...(state === "delivered" ? { sentAt: at, attempts: 1 } : {}),
    });
    await prisma.delivery.create({ data: row(0, "scheduled", new Date(Date.now() + 26 * 3600_000)) });
    await page.goto(`/campaigns?q=${encodeURIComponent(tag)}`);
    const item = page.getByRole("listitem", { name, exact: true });
    await expect(item.getByText(/^Next: /)).toBeVisible();
    await expect(item.getByText("Never sent", { exact: true })).toHaveCount(0);

    // after a send, both: when it last sent and when it sends next
    await prisma.delivery.create({ data: row(1, "delivered", new Date(Date.now() - 3600_000)) });
    await page.reload();
    await expect(item.getByText(/^Next: /)).toBeVisible();
    await expect(item.getByText(/ ago$/)).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});
