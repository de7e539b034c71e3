// Issue 13, bugs 3, 4, 6 and 7: what a marketer meets on a new campaign. Field errors wait until a
// field is left or a save is tried and go once fixed; the preview shows webhook-signature as soon as
// a secret exists; sample event parameters survive the first save; a past "Send at" asks first; the
// time zone is a searchable list with the browser's own zone first. Sends go to a receiver on 127.0.0.1.
// The Delivery section shows on a new campaign, and its first Save keeps the delivery settings too.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

type Received = { url: string; headers: IncomingMessage["headers"]; body: string };
const received: Received[] = [];
let server: Server;
let port = 0;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ url: req.url!, headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("bug 4: no error or 'Unsaved changes' before typing; errors show on leaving a field and go once fixed", async ({ page }) => {
  await page.goto("/campaigns/new");
  const url = page.getByLabel("URL", { exact: true });
  const preview = page.getByRole("region", { name: "Request preview" });
  // The preview has rendered the empty URL ("To fix before saving"): a hint, not a red error; nothing is unsaved.
  await expect(preview).toContainText("To fix before saving");
  await expect(preview).toContainText("Type the webhook's URL to see the request");
  await expect(preview).not.toContainText(/absolute http|cannot be built/);
  await expect(url).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Unsaved changes")).toHaveCount(0);

  // Leaving the empty URL shows its error; typing a valid one clears it.
  await url.focus();
  await url.blur();
  await expect(url).toHaveAttribute("aria-invalid", "true");
  await expect(url).toHaveAccessibleDescription(/absolute http/);
  await url.fill(`http://127.0.0.1:${port}/hook`);
  await expect(url).not.toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Campaign name").fill("Day one");
  await expect(page.getByText("Unsaved changes")).toBeVisible();

  // A broken template refused by Save: the header says so until it is fixed.
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("greeting");
  const value = page.getByLabel("Value", { exact: true });
  await value.fill("{{#if user.id}}hi");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const syntaxMessage = page.getByRole("status").filter({ hasText: /syntax error/ });
  await expect(syntaxMessage).toBeVisible();
  await expect(value).toHaveAttribute("aria-invalid", "true");
  await value.fill("hi {{user.id}}");
  await expect(value).not.toHaveAttribute("aria-invalid", "true");
  await expect(syntaxMessage).toHaveCount(0);
  await expect(page.getByText("Unsaved changes")).toBeVisible();
});

test("bug 7 and bug 6: sample event parameters survive the first save; the preview shows webhook-signature once a secret exists", async ({ page }) => {
  await page.goto("/campaigns/new");
  // the preview answering means the page is hydrated: a click before that would be lost
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill("Signed and sampled");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/signed/{{user.id}}`);
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("order");
  await page.getByLabel("Value", { exact: true }).fill("{{event.params.orderId}}");
  await page.getByLabel("Sample event parameters").fill('{"orderId": "A-1001"}');
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview).toContainText(/"order":\s*"A-1001"/);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.getByLabel("Sample event parameters")).toHaveValue('{"orderId": "A-1001"}');
  await expect(preview).toContainText(/"order":\s*"A-1001"/);
  await expect(preview).not.toContainText("webhook-signature");

  await page.getByRole("button", { name: "Generate signing secret" }).click();
  await expect(page.getByLabel(/New signing secret/)).toHaveValue(/^whsec_/);
  // No reload: the preview asks again and shows the header the test send will carry.
  await expect(preview).toContainText("webhook-signature");
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(page.getByRole("region", { name: "Test send result" })).toContainText("200 OK");
  const sent = received.at(-1)!;
  expect(sent.url).toMatch(/^\/signed\//);
  expect(String(sent.headers["webhook-signature"])).toMatch(/^v1,/);
  for (const name of Object.keys(sent.headers).filter((h) => h.startsWith("webhook-"))) await expect(preview).toContainText(name);
  await expect(page.getByRole("button", { name: "Copy signing secret" })).toBeVisible();

  // One secret signs every variant: B's tab shows the webhook's state (no Generate of its own), and its test send is signed
  await page.getByRole("button", { name: "Add variant" }).click();
  await expect(page.getByRole("tab", { name: "Variant B" })).toHaveAttribute("aria-selected", "true");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/signed/{{user.id}}/b`);
  await expect(page.getByText("Variant B's requests are signed with the webhook's secret while its URL stays under the webhook's host and path", { exact: false })).toBeVisible();
  await expect(page.getByRole("button", { name: "Generate signing secret" })).toHaveCount(0);
  await expect(preview).toContainText("webhook-signature");
  await page.getByRole("button", { name: "Test send" }).click();
  await expect.poll(() => received.at(-1)?.url).toMatch(/^\/signed\/[^/]+\/b$/);
  expect(String(received.at(-1)!.headers["webhook-signature"])).toMatch(/^v1,/);
  await page.getByRole("tab", { name: "Variant A" }).click();

  await page.getByRole("button", { name: "Stop signing" }).click();
  await expect(page.getByText("Requests are no longer signed.")).toBeVisible();
  await expect(preview).not.toContainText("webhook-signature");
});

test.describe("bug 3: a past Send at and the time zone list", () => {
  test.use({ timezoneId: "Asia/Tokyo" });

  test("the time zone is a searchable list with the browser's zone first; a past time asks before sending at once", async ({ page }) => {
    const before = received.length;
    await page.goto("/campaigns/new");
    await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
    await page.getByLabel("Campaign name").fill("Past send");
    await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/past/{{user.id}}`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await delivery.getByRole("radiogroup", { name: "When" }).getByRole("radio", { name: "Scheduled" }).check();
    const zone = delivery.getByRole("combobox", { name: "Time zone" });
    await expect(zone).toBeVisible();
    await expect.poll(() => zone.evaluate((el) => (el as HTMLInputElement).list?.options[0]?.value)).toBe("Asia/Tokyo");
    // a new rule starts in the browser's zone, not UTC
    await expect(zone).toHaveValue("Asia/Tokyo");
    const zones = await zone.evaluate((el) => Array.from((el as HTMLInputElement).list?.options ?? [], (o) => o.value));
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toContain("America/Argentina/Salta");
    await zone.fill("Asia/Tokyo");

    await delivery.getByLabel("Send at").fill("2020-01-01T09:00");
    await delivery.getByRole("button", { name: "Activate" }).click();
    const dialog = page.getByRole("dialog", { name: "This time is in the past: send now?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(delivery.getByRole("button", { name: "Activate" })).toBeVisible();
    expect(received.length).toBe(before);

    await delivery.getByRole("button", { name: "Activate" }).click();
    await dialog.getByRole("button", { name: "Send now" }).click();
    await expect(delivery.getByText(/Active: [\d,]+ deliver(y|ies) planned/)).toBeVisible();
    await expect.poll(() => received.slice(before).filter((r) => r.url.startsWith("/past/")).length, { timeout: 20_000 }).toBeGreaterThan(0);
  });

  test("a saved rule keeps its own zone whatever the browser's", async ({ page }) => {
    const prisma = await appDb();
    try {
      const campaign = await prisma.campaign.create({
        data: {
          name: `Saved zone ${Date.now()}`,
          deliveryRule: { when: "recurring", frequency: "daily", time: "09:00", weekdays: [1], timeZone: "UTC", endsOn: null, maxOccurrences: null, quietHours: null },
          actions: { create: { name: "Daily", urlTemplate: `http://127.0.0.1:${port}/daily`, fields: [], headers: [] } },
        },
      });
      await page.goto(`/campaigns/${campaign.id}`);
      const zone = page.getByRole("region", { name: "Delivery", exact: true }).getByRole("combobox", { name: "Time zone" });
      // after hydration (the list has the browser's zone first), the saved zone is still the one shown
      await expect.poll(() => zone.evaluate((el) => (el as HTMLInputElement).list?.options[0]?.value)).toBe("Asia/Tokyo");
      await expect(zone).toHaveValue("UTC");
    } finally {
      await prisma.$disconnect();
    }
  });

  test("a recurring rule sends in each user's time zone when ticked, and not with a cron expression", async ({ page }) => {
    const prisma = await appDb();
    try {
      const campaign = await prisma.campaign.create({
        data: {
          name: `User zones ${Date.now()}`,
          deliveryRule: { when: "recurring", frequency: "daily", time: "09:00", weekdays: [1], timeZone: "UTC", endsOn: null, maxOccurrences: null, quietHours: null },
          actions: { create: { name: "Daily", urlTemplate: `http://127.0.0.1:${port}/daily`, fields: [], headers: [] } },
        },
      });
      await page.goto(`/campaigns/${campaign.id}`);
      const delivery = page.getByRole("region", { name: "Delivery", exact: true });
      const userZone = delivery.getByRole("checkbox", { name: "In each user's time zone" });
      await expect(userZone).not.toBeChecked();
      await userZone.check();
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
      await page.reload();
      await expect(delivery.getByRole("checkbox", { name: "In each user's time zone" })).toBeChecked();
      expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).deliveryRule).toMatchObject({ inUserTimeZone: true });

      // a cron expression has no one "time of day" to keep in each zone: refused at the checkbox
      await delivery.getByLabel("Repeat").selectOption("cron");
      await delivery.getByLabel("Cron expression").fill("0 9 * * *");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(delivery.getByRole("checkbox", { name: "In each user's time zone" })).toHaveAccessibleDescription(/not with a cron expression/);
      expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).deliveryRule).toMatchObject({ frequency: "daily" });
    } finally {
      await prisma.$disconnect();
    }
  });
});

test("the Delivery section is on a new campaign before its first save, and one Save keeps both", async ({ page }) => {
  await page.goto("/campaigns/new");
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await expect(delivery).toBeVisible();
  await expect(delivery.getByRole("button", { name: "Activate" })).toHaveCount(0);

  await page.getByLabel("Campaign name").fill("Delivery before save");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/first-save`);
  await delivery.getByRole("radiogroup", { name: "When" }).getByRole("radio", { name: "Triggered by event" }).check();
  await delivery.getByLabel("Event name").fill("delivery_before_save");
  await delivery.getByRole("checkbox", { name: /Quiet hours/ }).check();
  await delivery.getByLabel("Quiet from").fill("21:30");
  await delivery.getByLabel("Quiet until").fill("07:15");

  // one Save for the whole page: the campaign and its delivery settings
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await page.reload();
  const saved = page.getByRole("region", { name: "Delivery", exact: true });
  await expect(page.getByLabel("Campaign name")).toHaveValue("Delivery before save");
  await expect(saved.getByRole("radio", { name: "Triggered by event" })).toBeChecked();
  await expect(saved.getByLabel("Event name")).toHaveValue("delivery_before_save");
  await expect(saved.getByRole("checkbox", { name: /Quiet hours/ })).toBeChecked();
  await expect(saved.getByLabel("Quiet from")).toHaveValue("21:30");
  await expect(saved.getByLabel("Quiet until")).toHaveValue("07:15");
  await expect(saved.getByRole("button", { name: "Activate" })).toBeVisible();
});
