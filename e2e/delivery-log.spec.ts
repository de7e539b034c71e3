// Activating a campaign in the browser and watching its delivery log fill in, against a real
// receiver on 127.0.0.1. The users and the campaign are written straight to the app's database.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";
import { breakerPauseReason } from "../lib/delivery/core/hold-reason";

const USERS = 200;

test("activating a campaign fills its delivery log live", async ({ page }) => {
  const received: string[] = [];
  // The receiver holds its answers until the test has paused and resumed the campaign, so that it is
  // still sending then (once every delivery is final the campaign finishes by itself).
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  const server = http.createServer((req, res) => {
    received.push(req.url ?? "");
    req.resume();
    req.on("end", () => void released.then(() => res.writeHead(req.url?.endsWith("-u-0007") ? 400 : 200).end("ok")));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `e2e-${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: USERS }, (_, i) => ({ id: `${tag}-u-${String(i).padStart(4, "0")}`, attributes: { firstName: `N${i}` } })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Delivery log ${tag}`,
        deliveryRule: { when: "scheduled", sendAt: "2030-01-01T09:00", timeZone: "UTC" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Notify receiver", urlTemplate: `http://127.0.0.1:${port}/hook/{{user.id}}`, fields: [{ key: "name", value: "{{userAttribute.firstName}}", type: "text" }], headers: [] } },
      },
    });

    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    const when = delivery.getByRole("radiogroup", { name: "When" });
    await expect(when.getByRole("radio", { name: "Scheduled" })).toBeChecked();
    await expect(delivery.getByLabel("Send at")).toHaveValue("2030-01-01T09:00");
    await expect(delivery.getByLabel("Time zone", { exact: true })).toHaveValue("UTC");
    await expect(delivery.getByText(new RegExp(`^${USERS} of \\d+ users match$`))).toBeVisible();

    await when.getByRole("radio", { name: "Triggered by event" }).check();
    await delivery.getByLabel("Event name").fill("signed_up");
    await delivery.getByLabel("Delay", { exact: true }).fill("0");

    await when.getByRole("radio", { name: "Immediately" }).check();
    await activateCampaign(page);
    await expect(delivery.getByText(/Active: 200 deliveries planned/)).toBeVisible();
    // Pause and resume while it sends.
    await delivery.getByRole("button", { name: "Pause" }).click();
    await expect(delivery.getByRole("button", { name: "Resume" })).toBeVisible();
    // One short line where it happens; a triggered campaign's note says what it misses while it lasts.
    await expect(delivery.getByText("Paused: nothing sends until you resume.", { exact: true })).toBeVisible();
    await expect(delivery.getByRole("note").filter({ hasText: "Paused: deliveries already planned wait and go out when you resume." })).toBeVisible();
    await delivery.getByRole("button", { name: "Resume" }).click();
    await expect(delivery.getByText("Resumed.")).toBeVisible();
    release();

    const log = page.getByRole("region", { name: "Delivery log" });
    await expect(log.getByText(`Delivered ${USERS - 1}`, { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(log.getByText("Failed 1", { exact: true })).toBeVisible();
    const table = log.getByRole("table", { name: "Deliveries" });
    await expect(table.getByRole("row")).toHaveCount(51);

    await log.getByLabel("State").selectOption("failed");
    await expect(table.getByRole("row")).toHaveCount(2);
    await table.getByRole("button", { name: `Details of the delivery to ${tag}-u-0007` }).click();
    const detail = page.getByRole("region", { name: "Delivery detail" });
    await expect(detail.getByText("Attempt 1: failed (HTTP 400)", { exact: false })).toBeVisible();

    await log.getByRole("button", { name: "Retry all failed" }).click();
    await expect(log.getByText("Retrying 1 failed delivery.", { exact: true })).toBeVisible();
    await expect(detail.getByText("Attempt 2: failed (HTTP 400)", { exact: false })).toBeVisible({ timeout: 15_000 });
    // nothing it retried waits any more: the line goes by itself (it stayed beside "Failed 1")
    await expect(log.getByText("Retrying 1 failed delivery.", { exact: true })).toHaveCount(0, { timeout: 15_000 });

    await page.goto("/activity");
    await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Deliveries" }).getByRole("row").nth(1)).toBeVisible();
    expect(new Set(received.filter((u) => u.startsWith("/hook/")).map((u) => u)).size).toBe(USERS);
  } finally {
    release();
    await prisma.$disconnect();
    server.close();
  }
});

test("cancelling waiting deliveries asks first, counting scheduled and retrying ones, then says how many", async ({ page }) => {
  const prisma = await appDb();
  const tag = `e2e-cancel-${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 3 }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Cancel waiting ${tag}`,
        deliveryRule: { when: "scheduled", sendAt: "2030-01-01T09:00", timeZone: "UTC" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Later", urlTemplate: "http://127.0.0.1:9999/later/{{user.id}}", fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await activateCampaign(page);
    await expect(delivery.getByText("Active: 3 deliveries planned.")).toBeVisible();
    // one of them is waiting to be retried: it is cancelled too, and the dialog counts it
    const first = await prisma.delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
    await prisma.delivery.update({ where: { id: first.id }, data: { state: "retrying" } });

    const log = page.getByRole("region", { name: "Delivery log" });
    await page.reload();
    await expect(log.getByText("Retrying 1", { exact: true })).toBeVisible();
    // nothing has failed for good: Retry all failed is greyed out and says why
    const retryAll = log.getByRole("button", { name: "Retry all failed" });
    await expect(retryAll).toBeDisabled();
    await expect(retryAll).toHaveAccessibleDescription("Nothing has failed for good: 1 delivery is still retrying");
    await expect(log.getByText("Nothing has failed for good: 1 delivery is still retrying")).toBeVisible();
    await expect(log.getByRole("button", { name: "Cancel scheduled" })).toHaveCount(0);
    await log.getByRole("button", { name: "Cancel waiting deliveries" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel 3 waiting deliveries?" });
    await expect(dialog).toContainText("3 waiting deliveries (2 scheduled, 1 retrying) will not be sent.");
    await expect(dialog).toContainText("Once nothing is left to send, the campaign finishes");
    await dialog.getByRole("button", { name: "Keep them" }).click();
    await expect(dialog).toBeHidden();
    expect(await prisma.delivery.count({ where: { campaignId: campaign.id, state: "cancelled" } })).toBe(0);

    await log.getByRole("button", { name: "Cancel waiting deliveries" }).click();
    await dialog.getByRole("button", { name: "Cancel deliveries" }).click();
    await expect(log.getByText("Cancelled 3 waiting deliveries.", { exact: true })).toBeVisible();
    expect(await prisma.delivery.count({ where: { campaignId: campaign.id, state: "cancelled" } })).toBe(3);
    // nothing is left, so it finishes; the page says what that means
    await expect.poll(async () => (await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status, { timeout: 15_000 }).toBe("finished");
    await page.reload();
    await expect(delivery.getByRole("note").filter({ hasText: "Finished: every delivery is final" })).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});

test.describe("Retry on a delivery whose host is on hold", () => {
  test.use({ timezoneId: "UTC", locale: "en-US" });

  test("says it goes once the hold ends, at the hold's next try in the log's time format, not \"Retrying now.\"", async ({ page }) => {
    const prisma = await appDb();
    const tag = `e2e-hold-${Date.now()}`;
    const host = "127.0.0.1:4414";
    try {
      await prisma.user.createMany({ data: ["a", "b"].map((s) => ({ id: `${tag}-${s}`, attributes: {} })) });
      // paused: nothing is sent meanwhile, the rows stay as written
      const campaign = await prisma.campaign.create({
        data: { name: `Host on hold ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: `http://${host}/hook`, fields: [], headers: [] } } },
        include: { actions: true },
      });
      const now = new Date();
      const until = new Date(Math.ceil((now.getTime() + 600_000) / 1000) * 1000);
      const base = { campaignId: campaign.id, actionId: campaign.actions[0]!.id, triggerKey: "activation", plannedAt: now, host, attempts: 1 };
      await prisma.delivery.create({ data: { ...base, webhookId: `msg_${tag}_a`, userId: `${tag}-a`, dueAt: now, state: "failed", reason: "HTTP 500" } });
      await prisma.delivery.create({ data: { ...base, webhookId: `msg_${tag}_b`, userId: `${tag}-b`, dueAt: until, state: "retrying", reason: breakerPauseReason(host, until) } });

      await page.goto(`/campaigns/${campaign.id}`);
      const log = page.getByRole("region", { name: "Delivery log" });
      // as the log writes times ("6:49:41 PM"), whichever space the browser puts before PM
      const time = until.toLocaleTimeString("en-US", { timeZone: "UTC", timeStyle: "medium" }).replace(/\s/g, "\\s");
      await log.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: `${tag}-a` }).getByRole("button", { name: "Retry", exact: true }).click();
      const status = log.getByRole("status");
      await expect(status).toContainText(new RegExp(`Retrying once the hold on 127\\.0\\.0\\.1:4414 ends: next try after ${time}\\.`));
      await expect(status).not.toContainText("Retrying now.");
    } finally {
      await prisma.$disconnect();
    }
  });
});
