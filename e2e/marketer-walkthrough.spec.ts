// A QA walkthrough as a new marketer: Activate saves the edits on screen first, a viewer's campaign
// screen is read-only, an empty new campaign's preview is a hint rather than an error, the new API key
// and the invitation link have Copy buttons, and a delivery's details come into view with focus.
// Campaigns and users are written straight to the app's database; sends go to 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { appDb } from "./app-db";
import { activateCampaign, expect, invite, joinAs, test } from "./fixtures";

/** Activate on edits whose save fails: it saves first, before it checks or asks, so no dialog opens. */
async function activateUnsaved(page: Page) {
  await page.getByRole("region", { name: "Delivery", exact: true }).getByRole("button", { name: "Activate" }).click();
  await expect(page.getByText("Working…")).toHaveCount(0);
  await expect(page.getByRole("dialog")).toHaveCount(0);
}

async function draftCampaign(name: string, url: string) {
  const prisma = await appDb();
  try {
    return await prisma.campaign.create({
      data: {
        name,
        deliveryRule: { when: "triggered", event: `walkthrough-${Date.now()}` },
        actions: { create: { name: "Notify", urlTemplate: url, fields: [{ key: "id", value: "{{user.id}}", type: "text" }], headers: [] } },
      },
      include: { actions: true },
    });
  } finally {
    await prisma.$disconnect();
  }
}

async function storedCampaign(id: string) {
  const prisma = await appDb();
  try {
    return await prisma.campaign.findUniqueOrThrow({ where: { id }, include: { actions: true } });
  } finally {
    await prisma.$disconnect();
  }
}


test("Activate with an unsaved webhook edit saves it first, then activates what is on screen", async ({ page }) => {
  const campaign = await draftCampaign(`Unsaved activate ${Date.now()}`, "http://127.0.0.1:9999/old/{{user.id}}");
  await page.goto(`/campaigns/${campaign.id}`);
  const url = page.getByLabel("URL", { exact: true });
  await url.fill("http://127.0.0.1:9999/new/{{user.id}}");
  await expect(page.getByText("Unsaved changes")).toBeVisible();
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await activateCampaign(page);
  await expect(delivery.getByText(/^Active: /)).toBeVisible();
  await expect(page.getByText("Unsaved changes")).toHaveCount(0);

  const stored = await storedCampaign(campaign.id);
  expect(stored.status).toBe("active");
  expect(stored.actions[0]!.urlTemplate).toBe("http://127.0.0.1:9999/new/{{user.id}}");
  await page.reload();
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue("http://127.0.0.1:9999/new/{{user.id}}");
});

test("Activate whose save fails shows the save's errors and activates nothing", async ({ page }) => {
  const campaign = await draftCampaign(`Failed save ${Date.now()}`, "http://127.0.0.1:9999/old/{{user.id}}");
  await page.goto(`/campaigns/${campaign.id}`);
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9999/{{user.id");
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await activateUnsaved(page);
  await expect(page.getByLabel("URL", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(delivery.getByText(/^Active: /)).toHaveCount(0);
  await expect(delivery.getByRole("button", { name: "Activate" })).toBeEnabled();
  const stored = await storedCampaign(campaign.id);
  expect(stored.status).toBe("draft");
  expect(stored.actions[0]!.urlTemplate).toBe("http://127.0.0.1:9999/old/{{user.id}}");
});

test("Activate whose save clears a saved password (the host changed) stops there and says why", async ({ page }) => {
  const campaign = await draftCampaign(`Cleared secret ${Date.now()}`, "http://127.0.0.1:9999/old/{{user.id}}");
  await page.goto(`/campaigns/${campaign.id}`);
  await page.getByLabel("URL", { exact: true }).fill("http://crm:hunter2@127.0.0.1:9999/old/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  // another port is another server: the save clears the password, so nothing goes live without it
  await page.getByLabel("URL", { exact: true }).fill("http://crm:••••@127.0.0.1:8/new/{{user.id}}");
  await activateUnsaved(page);
  await expect(page.getByText("Saved, but not activated: the save cleared a saved secret (see the field). Type it again, then activate.")).toBeVisible();
  await expect(page.getByText("The host changed, so the saved password was cleared: type it again.")).toBeVisible();
  const stored = await storedCampaign(campaign.id);
  expect(stored.status).toBe("draft");
  // the user name went with the password: alone it would be a credential (url-password.ts withoutUrlSecret)
  expect(stored.actions[0]!.urlTemplate).toBe("http://127.0.0.1:8/new/{{user.id}}");
  expect(stored.actions[0]!.urlPasswordEnc).toBeNull();
});

test("a viewer's campaign screen is read-only, with a note, and its preview still works", async ({ page, browser, baseURL }) => {
  const campaign = await draftCampaign(`Viewer looks ${Date.now()}`, "http://127.0.0.1:9999/look/{{user.id}}");
  const email = `walk-viewer-${Date.now()}@example.com`;
  const link = await invite(page, email, "viewer");
  const viewer = await joinAs(browser, baseURL!, link, "Violet");
  const p = viewer.page;
  await p.goto(`/campaigns/${campaign.id}`);
  await expect(p.getByText("You can view this campaign; editing needs the editor role")).toBeVisible();
  await expect(p.getByLabel("Campaign name")).toHaveValue(campaign.name);
  await expect(p.getByLabel("Campaign name")).not.toBeEditable();
  await expect(p.getByLabel("URL", { exact: true })).toHaveValue("http://127.0.0.1:9999/look/{{user.id}}");
  await expect(p.getByLabel("URL", { exact: true })).not.toBeEditable();
  for (const name of ["Save", "Delete", "Add webhook", "Delete webhook", "Duplicate webhook", "Activate", "Retry all failed", "Cancel waiting deliveries"]) {
    await expect(p.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await expect(p.getByRole("region", { name: "Delivery", exact: true }).getByRole("radio", { name: "Triggered by event" })).toBeDisabled();
  // The preview renders for the viewer, with its own sample inputs.
  const preview = p.getByRole("region", { name: "Request preview" });
  await p.getByLabel("Test user attributes").fill('{"id": "vera"}');
  await expect(preview.getByText("http://127.0.0.1:9999/look/", { exact: false })).toBeVisible();
  // no way into a new campaign's form it could not save
  await p.goto("/campaigns");
  await expect(p.getByRole("heading", { name: "Campaigns", exact: true })).toBeVisible();
  await expect(p.getByRole("link", { name: "New campaign" })).toHaveCount(0);
  // the list, read-only: no Duplicate or Delete it could only be refused
  const row = p.getByRole("listitem", { name: campaign.name });
  await expect(row.getByRole("link", { name: campaign.name })).toBeVisible();
  await expect(row.getByRole("button")).toHaveCount(0);
  // a typed /campaigns/new says why there is no form (it used to redirect to the list silently)
  await p.goto("/campaigns/new");
  await expect(p.getByRole("note").getByText("Viewers cannot create campaigns", { exact: true })).toBeVisible();
  await expect(p.getByLabel("Campaign name")).toHaveCount(0);
  await viewer.context.close();

  // No extra member for later specs (their "Role" selects would be one more).
  await page.goto("/settings");
  await page.getByRole("button", { name: `Remove ${email}` }).click();
  await expect(page.getByText(email)).toHaveCount(0);
});

test("an empty new campaign's preview is a hint; a typed bad URL is an error", async ({ page }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview.getByText("Type the webhook's URL to see the request")).toBeVisible();
  await expect(preview.getByText("The request cannot be built yet")).toHaveCount(0);
  await page.getByLabel("URL", { exact: true }).fill("not a url");
  await expect(preview.getByText("The request cannot be built yet")).toBeVisible();
  await expect(preview.getByText("Type the webhook's URL to see the request")).toHaveCount(0);
});

test("the new API key and the invitation link each have a Copy button; an invitation can be withdrawn", async ({ page, context, browser, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/settings");
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByLabel("Key name").fill(`Copy test ${Date.now()}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByLabel("New API key").textContent())!.trim();
  await page.getByRole("button", { name: "Copy API key" }).click();
  await expect(page.getByRole("region", { name: "API keys" }).getByText("Copied", { exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  const email = `walk-copy-${Date.now()}@example.com`;
  const link = await invite(page, email, "viewer");
  await page.getByRole("button", { name: "Copy invite link" }).click();
  await expect(page.getByRole("region", { name: "Members" }).getByText("Copied", { exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  // a lost link: New link shows another one for the same address; the first stops working
  await expect(page.getByText(`${email} (invited, link valid until`)).toHaveCount(1);
  await page.getByRole("button", { name: `New link for ${email}` }).click();
  await expect(page.getByLabel("Invitation link")).not.toHaveText(link);
  await expect(page.getByRole("region", { name: "Members" }).getByText(`Send this invitation link to ${email}`)).toBeVisible();
  const second = (await page.getByLabel("Invitation link").textContent())!.trim();
  await expect(page.getByText(`${email} (invited, link valid until`)).toHaveCount(1);
  // a pending invitation can be withdrawn (a mistyped address): its link stops working
  await page.getByRole("button", { name: `Withdraw the invitation for ${email}` }).click();
  await expect(page.getByText(`${email} (invited, link valid until`)).toHaveCount(0);
  const withdrawn = await browser.newContext({ baseURL });
  const visitor = await withdrawn.newPage();
  for (const old of [link, second]) {
    await visitor.goto(old);
    await expect(visitor.getByText(/invalid, used or expired/)).toBeVisible();
  }
  await withdrawn.close();
});

test("a delivery's details scroll into view with focus on their heading", async ({ page }) => {
  const server = http.createServer((req, res) => void req.resume().on("end", () => res.end("ok")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `walk-${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 30 }, (_, i) => ({ id: `${tag}-${String(i).padStart(2, "0")}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Details ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Ping", urlTemplate: `http://127.0.0.1:${port}/ping/{{user.id}}`, fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    await activateCampaign(page);
    await expect(page.getByRole("region", { name: "Delivery log" }).getByText("Delivered 30", { exact: true })).toBeVisible({ timeout: 30_000 });

    await page.setViewportSize({ width: 1280, height: 600 });
    await page.goto("/activity");
    const first = page.getByRole("table", { name: "Deliveries" }).getByRole("button", { name: /^Details of the delivery to / }).first();
    const userId = (await first.textContent())!.trim();
    await first.click();
    const heading = page.getByRole("region", { name: "Delivery detail" }).getByRole("heading", { name: `Delivery to ${userId}` });
    await expect(heading).toBeFocused();
    await expect(heading).toBeInViewport();
  } finally {
    await prisma.$disconnect();
    server.close();
  }
});

test("on a 390 px phone the campaign editor fits the screen: its Webhooks buttons wrap instead of running off it", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const campaign = await draftCampaign("Narrow", "https://crm.example.com/hook");
  await page.goto(`/campaigns/${campaign.id}`);
  await expect(page.getByRole("button", { name: "Add webhook" })).toBeVisible();
  for (const name of ["Add webhook", "Delete webhook", "Duplicate webhook"]) {
    const box = (await page.getByRole("button", { name }).first().boundingBox())!;
    expect(box.x + box.width, name).toBeLessThanOrEqual(390);
  }
});

test("on a 390 px phone a campaign with deliveries does not scroll sideways, and the log's State shows beside the user", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const campaign = await draftCampaign(`Narrow sent ${Date.now()}`, "https://crm.example.com/hook");
  const prisma = await appDb();
  try {
    const sent = new Date(Date.now() - 60_000);
    await prisma.user.createMany({ data: [0, 1, 2].map((i) => ({ id: `${campaign.id}-customer-${i}`, attributes: {} })) });
    await prisma.campaign.update({ where: { id: campaign.id }, data: { status: "paused" } });
    await prisma.delivery.createMany({
      data: [0, 1, 2].map((i) => ({
        webhookId: `msg_${campaign.id}_${i}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `${campaign.id}-customer-${i}`,
        triggerKey: `event:${i}`, plannedAt: sent, dueAt: sent, sentAt: sent, state: i === 2 ? "failed" : "delivered", attempts: 1, lastStatus: i === 2 ? 500 : 200,
      })),
    });
  } finally {
    await prisma.$disconnect();
  }
  await page.goto(`/campaigns/${campaign.id}`);
  // the chart is drawn (its hidden tooltip box once ran 95 px off the screen)
  await expect(page.getByRole("figure", { name: "Deliveries over time by outcome" })).toBeVisible();
  const table = page.getByRole("region", { name: "Delivery log" }).getByRole("table", { name: "Deliveries" });
  await expect(table.getByRole("row").filter({ hasText: `${campaign.id}-customer-0` })).toBeVisible();
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
  // the state is read without a sideways scroll: its column comes right after the user's and ends on screen
  const headers = (await table.getByRole("columnheader").allInnerTexts()).map((t) => t.trim().toLowerCase());
  expect(headers.slice(0, 2)).toEqual(["user", "state"]);
  const state = (await table.getByRole("columnheader", { name: "State" }).boundingBox())!;
  expect(state.x + state.width).toBeLessThanOrEqual(390);
  const failed = (await table.getByRole("row").filter({ hasText: `${campaign.id}-customer-2` }).getByRole("cell").nth(1).boundingBox())!;
  expect(failed.x + failed.width).toBeLessThanOrEqual(390);
});
