// A new marketer's day-one walk (2026-12-07), what only a browser shows: each template's note in its own
// webhook; a webhook's response mapping said to apply to every variant; a retrying campaign's figure in
// the list and its next attempt in the log's row; a finished one-off campaign told in the past tense.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("each template's note stays with the webhook it started, named, one per webhook", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Two templates ${Date.now()}`);
  for (const name of ["Slack incoming webhook", "Generic JSON POST"]) {
    await page.getByRole("button", { name: "Start from a template" }).click();
    const picker = page.getByRole("dialog", { name: "Start from a template" });
    await picker.getByRole("radio", { name: new RegExp(name) }).check();
    await picker.getByRole("button", { name: "Use template" }).click();
    await expect(picker).toBeHidden();
  }
  // the second did not replace the first's note (Slack's secret instructions stay), each in its webhook
  const slack = page.getByRole("region", { name: /Slack incoming webhook/ });
  await expect(slack.getByRole("note", { name: "Webhook 1 started from Slack incoming webhook" })).toContainText("Where to find the secret:");
  await expect(page.getByRole("region", { name: /Generic JSON POST/ }).getByRole("note", { name: "Webhook 2 started from Generic JSON POST" })).toBeVisible();
  await expect(slack.getByRole("note", { name: /Generic JSON POST/ })).toHaveCount(0);
});

test("the list counts retrying deliveries, the log's row says the next attempt, a finished one-off campaign speaks in the past", async ({ page }) => {
  const prisma = await appDb();
  const tag = `edges-${Date.now()}`;
  try {
    await prisma.user.createMany({ data: ["a", "b"].map((s) => ({ id: `${tag}-${s}`, attributes: {} })) });
    const retrying = await prisma.campaign.create({
      data: { name: `Retrying ${tag}`, status: "active", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
      include: { actions: true },
    });
    const now = new Date();
    await prisma.delivery.create({
      data: { webhookId: `msg_${tag}`, campaignId: retrying.id, actionId: retrying.actions[0]!.id, userId: `${tag}-a`, triggerKey: "activation", plannedAt: now, dueAt: new Date(now.getTime() + 3_600_000), state: "retrying", reason: "Attempt 1: HTTP 500", attempts: 1, sentAt: now },
    });
    await page.goto(`/campaigns?q=${encodeURIComponent(retrying.name)}`);
    await expect(page.getByRole("listitem", { name: retrying.name }).getByTitle("Waiting for another attempt after a failed one").last()).toHaveText(/^1\b/);

    await page.goto(`/campaigns/${retrying.id}`);
    const row = page.getByRole("region", { name: "Delivery log" }).getByRole("row").filter({ hasText: `${tag}-a` });
    await expect(row).toContainText("Next attempt");

    // a webhook with variants: its one response mapping is said to be the whole webhook's, on B's tab too
    await prisma.action.create({ data: { campaignId: retrying.id, variantOfId: retrying.actions[0]!.id, position: 0, name: "Hook B", urlTemplate: "https://crm.example.com/b", fields: [], headers: [] } });
    await page.reload();
    await page.getByRole("tab", { name: "Variant B" }).click();
    await expect(page.getByText("One for the whole webhook: it applies to every variant's response")).toBeVisible();

    const finished = await prisma.campaign.create({
      data: { name: `Finished ${tag}`, status: "finished", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
    });
    await page.goto(`/campaigns/${finished.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByText("Sent: every user in the audience when the campaign was activated was sent each webhook.")).toBeVisible();
    await expect(delivery.getByText(/users? match now; who it sent to was fixed when it was activated/)).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});

test("one per-user time-zone option under Scheduled and Recurring, kept when switching; a viewer's variant tabs say Showing", async ({ page, browser, baseURL }) => {
  const prisma = await appDb();
  try {
    const campaign = await prisma.campaign.create({
      data: { name: `Zones ${Date.now()}`, deliveryRule: { when: "scheduled", sendAt: "2030-01-01T09:00:00Z", timeZone: "UTC" }, actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
      include: { actions: true },
    });
    await prisma.action.create({ data: { campaignId: campaign.id, variantOfId: campaign.actions[0]!.id, position: 0, name: "Hook B", urlTemplate: "https://crm.example.com/b", fields: [], headers: [] } });
    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await delivery.getByRole("checkbox", { name: "In each user's time zone" }).check();
    await delivery.getByRole("radiogroup", { name: "When" }).getByRole("radio", { name: /^Recurring/ }).check();
    await expect(delivery.getByRole("checkbox", { name: "In each user's time zone" })).toBeChecked();
    await expect(page.getByText("Editing", { exact: true })).toBeVisible();

    await page.goto("/settings");
    await page.getByRole("button", { name: "Invite member" }).click();
    await page.getByLabel("Email").fill(`viewer-${Date.now()}@example.com`);
    await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Create invitation" }).click();
    const link = (await page.getByLabel("Invitation link").textContent())!.trim();
    const viewer = await (await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } })).newPage();
    await viewer.goto(link);
    await viewer.getByLabel("Name").fill("Vic");
    await viewer.getByLabel("Password").fill("viewer-password-1");
    await viewer.getByRole("button", { name: "Join" }).click();
    await expect(viewer.getByRole("heading", { name: "Campaigns" })).toBeVisible();
    await viewer.goto(`/campaigns/${campaign.id}`);
    await expect(viewer.getByRole("tab", { name: "Variant B" })).toBeVisible();
    await expect(viewer.getByText("Showing", { exact: true })).toBeVisible();
    await expect(viewer.getByText("Editing", { exact: true })).toHaveCount(0);
  } finally {
    await prisma.$disconnect();
  }
});
