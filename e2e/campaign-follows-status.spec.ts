// What a marketer sees after Activate without reloading: the campaign's status and progress follow
// the sends until it finishes; a delivery held for quiet hours says until when instead of looking stuck.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

test("after Activate the campaign page follows it to Finished without a reload", async ({ page }) => {
  // the receiver holds its answers until the page has shown the campaign active
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => void released.then(() => res.writeHead(200).end("ok")));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `live${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 3 }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Follows status ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Notify receiver", urlTemplate: `http://127.0.0.1:${port}/hook/{{user.id}}`, fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    // a mark on this very document: it is gone if anything reloads the page
    await page.evaluate(() => ((window as unknown as { followMark: number }).followMark = 1));
    const header = page.getByRole("heading", { level: 1, name: `Follows status ${tag}` }).locator("..");
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(header.getByText("Draft", { exact: true })).toBeVisible();
    await expect(delivery.getByText("Draft", { exact: true })).toBeVisible();

    await activateCampaign(page);
    await expect(delivery.getByText("Active: 3 deliveries planned", { exact: false })).toBeVisible();
    await expect(header.getByText("Active", { exact: true })).toBeVisible();
    await expect(delivery.getByRole("button", { name: "Pause" })).toBeVisible();
    release();

    // every delivery final: the campaign finishes by itself, and the page says so
    const outcomes = page.getByRole("region", { name: "Outcomes" });
    await expect(outcomes.getByText("3 of 3 delivered · 100%")).toBeVisible({ timeout: 20_000 });
    await expect(header.getByText("Finished", { exact: true })).toBeVisible({ timeout: 20_000 });
    // the Delivery section words it as the header does
    await expect(delivery.getByText("Finished", { exact: true })).toBeVisible();
    await expect(delivery.getByRole("note").filter({ hasText: "Finished: every delivery is final" })).toBeVisible();
    await expect(delivery.getByRole("button", { name: "Pause" })).toHaveCount(0);
    // the line Activate left goes with the status it described: no "Active: 3 deliveries planned." beside Finished
    await expect(page.getByText("Active: 3 deliveries planned", { exact: false })).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { followMark?: number }).followMark)).toBe(1);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("finished");
  } finally {
    release();
    await prisma.$disconnect();
    server.close();
  }
});

test("a delivery held for quiet hours reads 'Held: quiet hours, until …' in the log, not a bare 'scheduled'", async ({ page }) => {
  const prisma = await appDb();
  const tag = `quiet${Date.now()}`;
  // quiet hours around now in UTC (the users' zone), ending an hour from now
  const now = new Date();
  const end = new Date(Math.ceil((now.getTime() + 3_600_000) / 60_000) * 60_000);
  const start = new Date(now.getTime() - 3_600_000);
  try {
    await prisma.user.createMany({ data: Array.from({ length: 2 }, (_, i) => ({ id: `${tag}-u-${i}`, timezone: "UTC", attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Quiet ${tag}`,
        deliveryRule: { when: "immediate", quietHours: { start: hhmm(start), end: hhmm(end) } },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Later", urlTemplate: "http://127.0.0.1:9999/later/{{user.id}}", fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    await activateCampaign(page);
    const table = page.getByRole("region", { name: "Delivery log" }).getByRole("table", { name: "Deliveries" });
    await expect(table.getByText("Held: quiet hours")).toHaveCount(2, { timeout: 15_000 });
    const day = end.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).replace(",", "");
    await expect(table.getByText(`until ${hhmm(end)} ${day} (UTC)`)).toHaveCount(2);
    await table.getByRole("button", { name: `Details of the delivery to ${tag}-u-0` }).click();
    await expect(page.getByRole("region", { name: "Delivery detail" }).getByText(`Held: quiet hours – Held for quiet hours until ${hhmm(end)} ${day} (UTC)`)).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});
