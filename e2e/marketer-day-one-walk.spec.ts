// A new marketer's first day, walked in Chromium: a template, a test send, save, a delivery rule,
// activate, pause, resume, export. What they hit on the way: a test send made before the first save
// stays in the webhook's history; Pause says what it does in one short line; the exported log is
// named for its campaign. Sends go to a receiver on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

let server: http.Server;
let port = 0;
test.beforeAll(async () => {
  // a path with /slow/ answers after 3 s: a test send still on its way when the marketer saves
  server = http.createServer((req, res) => void req.resume().on("end", () => setTimeout(() => res.end("ok"), req.url?.includes("/slow/") ? 3000 : 0)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

test("a test send made before the first save is in the webhook's Recent test sends after it", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`First test ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/first/{{user.id}}`);
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(page.getByRole("region", { name: "Test send result" })).toContainText("200 OK");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const history = page.getByRole("region", { name: "Recent test sends" });
  await expect(history.getByRole("button", { name: /200 OK/ })).toHaveCount(1);
  await page.reload();
  await expect(history.getByRole("button", { name: /200 OK/ })).toHaveCount(1);
});

test("a test send still on its way when the first save is made is in the webhook's Recent test sends once it is back", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Slow test ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/slow/{{user.id}}`);
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(page.getByRole("region", { name: "Test send result" })).toContainText("Sending the test request…");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const history = page.getByRole("region", { name: "Recent test sends" });
  await expect(history.getByRole("button", { name: /200 OK/ })).toHaveCount(1, { timeout: 15_000 });
  await page.reload();
  await expect(history.getByRole("button", { name: /200 OK/ })).toHaveCount(1);
});

test("a test send the first save cannot keep is not lost silently: Recent test sends say why", async ({ page }) => {
  const tag = `lost${Date.now().toString(36)}`;
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Lost test ${tag}`);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/${tag}/{{user.id}}`);
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(page.getByRole("region", { name: "Test send result" })).toContainText("200 OK");
  // the send is kept with this page's draft key; dated after the save to come, the save may not take it
  const prisma = await appDb();
  try {
    const rows = await prisma.testSend.findMany({ where: { actionId: null }, orderBy: { createdAt: "desc" }, take: 50 });
    const row = rows.find((r) => JSON.stringify(r.request).includes(tag))!;
    expect(row.draftKey).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    await prisma.testSend.update({ where: { id: row.id }, data: { createdAt: new Date(Date.now() + 3_600_000) } });
  } finally {
    await prisma.$disconnect();
  }
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const history = page.getByRole("region", { name: "Recent test sends" });
  await expect(history.getByRole("alert")).toContainText(/These test sends could not be kept with the campaign: Only your own test sends/);
  await expect(history.getByText("No test sends yet.")).toBeVisible();
});

test("Pause of a scheduled campaign says so in one short line; Export CSV names the campaign", async ({ page }) => {
  const name = `Walk pause ${Date.now()}`;
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/later/{{user.id}}`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await delivery.getByRole("radio", { name: "Scheduled" }).check();
  await delivery.getByLabel("Send at").fill("2030-01-01T09:00");
  await activateCampaign(page);
  await expect(delivery.getByText(/^Active: /)).toBeVisible();

  await delivery.getByRole("button", { name: "Pause" }).click();
  await expect(delivery.getByRole("button", { name: "Resume" })).toBeVisible();
  await expect(delivery.getByText("Paused: nothing sends until you resume.", { exact: true })).toBeVisible();
  // a scheduled campaign has no events to miss: nothing about them
  await expect(delivery).not.toContainText("Events tracked");

  const log = page.getByRole("region", { name: "Delivery log" });
  const downloading = page.waitForEvent("download");
  await log.getByRole("link", { name: "Export CSV" }).click();
  const slug = name.toLowerCase().replace(/ /g, "-");
  expect((await downloading).suggestedFilename()).toMatch(new RegExp(`^deliveries-${slug}-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}\\.csv$`));
});
