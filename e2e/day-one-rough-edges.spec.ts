// A marketer's first day, walked in a browser on a clean install (2026-12-05): the rough edges it
// found, each pinned here. The receiver listens on 127.0.0.2, which playwright.config.ts's
// HOOKLINE_ALLOWED_HOSTS does not allow, so a test send there is refused until allowed.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, activateRefused, expect, test } from "./fixtures";
import { deliveryStateLabel } from "../lib/delivery/core/states";

let server: Server;
let port = 0;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
  port = (server.address() as AddressInfo).port;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("the delivery log says why a delivery failed, is retrying or was suppressed, in its row", async ({ page }) => {
  const prisma = await appDb();
  const tag = `rough-${Date.now()}`;
  try {
    await prisma.user.createMany({ data: ["a", "b", "c", "d"].map((s) => ({ id: `${tag}-${s}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: { name: `Reasons ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
      include: { actions: true },
    });
    const now = new Date();
    const rows = [
      ["a", "failed", 'Template error: Field "amount" value: "" is not a number'],
      ["b", "retrying", "Attempt 1: DNS lookup failed for crm.example.com (ENOTFOUND)"],
      ["c", "suppressed", "Frequency cap: 1 per day reached"],
      ["d", "delivered", null],
    ] as const;
    for (const [s, state, reason] of rows) {
      await prisma.delivery.create({
        data: { webhookId: `msg_${tag}_${s}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `${tag}-${s}`, triggerKey: "activation", plannedAt: now, dueAt: new Date(now.getTime() + 3_600_000), state, reason, attempts: 1 },
      });
    }
    await page.goto(`/campaigns/${campaign.id}`);
    const table = page.getByRole("region", { name: "Delivery log" }).getByRole("table", { name: "Deliveries" });
    for (const [s, state, reason] of rows) {
      const row = table.getByRole("row").filter({ hasText: `${tag}-${s}` });
      // the row names the state as the State filter and the counts do ("Failed")
      await expect(row).toContainText(deliveryStateLabel(state));
      if (reason) await expect(row.getByText(reason, { exact: true })).toBeVisible();
    }
    // a row the frequency cap stopped says before the click that Retry sends it only if the cap allows
    // (otherwise it is refused with the cap's words, as the API's 409); a failed one is a plain Retry
    const capped = table.getByRole("row").filter({ hasText: `${tag}-c` });
    await expect(capped.getByRole("button", { name: "Retry if the cap allows" })).toBeEnabled();
    await expect(capped.getByRole("button", { name: "Retry", exact: true })).toHaveCount(0);
    await expect(table.getByRole("row").filter({ hasText: `${tag}-a` }).getByRole("button", { name: "Retry", exact: true })).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});

test("a click on a button below a broken field lands, although leaving the field shows its error", async ({ page }) => {
  await page.goto("/campaigns/new");
  // the preview answering means the page is hydrated
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  const url = page.getByLabel("URL", { exact: true });
  await url.fill("https://crm.example.com/contacts/{{user.id}");
  // The press on "Add field" moves the focus out of the URL, whose error then shows and pushes the
  // button down: the click used to land on the hint above it and add nothing.
  await page.getByRole("button", { name: "Add field" }).click();
  await expect(page.getByLabel("Key", { exact: true })).toHaveCount(1);
  await expect(url).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("`{{` is not closed: add `}}` (line 1, column 34)")).toBeVisible();
});

test("a refused destination's Allow link opens Settings in a new tab: the unsaved campaign stays as typed", async ({ page, context }) => {
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill("Not saved yet");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.2:${port}/hook/{{user.id}}`);
  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("destination 127.0.0.2 is a loopback address");
  // nothing went out: the request is what would have been sent
  await expect(result.getByText("Request (not sent)")).toBeVisible();
  await expect(result.getByText("Request as sent")).toHaveCount(0);

  const opened = context.waitForEvent("page");
  await result.getByRole("link", { name: /Allow it in Settings › Allowed destinations/ }).click();
  const settings = await opened;
  const section = settings.getByRole("region", { name: "Allowed destinations" });
  await expect(section.getByLabel("Host, IP address or CIDR range")).toHaveValue("127.0.0.2");
  await section.getByRole("button", { name: "Allow destination" }).click();
  await expect(section.getByText("127.0.0.2 is allowed.")).toBeVisible();

  // the editor is where it was, and the next Test send goes out
  await expect(page).toHaveURL(/\/campaigns\/new$/);
  await expect(page.getByLabel("Campaign name")).toHaveValue("Not saved yet");
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  await expect(result.getByText("Request as sent")).toBeVisible();

  await section.getByRole("row", { name: /127\.0\.0\.2/ }).getByRole("button", { name: "Remove" }).click();
  await expect(section.getByRole("row", { name: /127\.0\.0\.2/ })).toHaveCount(0);
});

test("a Slack campaign whose URL still holds {{slack_webhook_path}} is not activated: the URL says to replace it", async ({ page }) => {
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill(`Slack ${Date.now()}`);
  await page.getByRole("button", { name: "Start from a template" }).click();
  await page.getByRole("dialog").getByText("Slack incoming webhook").first().click();
  await page.getByRole("button", { name: "Use template" }).click();
  const placeholder = "{{slack_webhook_path}} is a placeholder, not a variable: replace it with your own value";
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText(placeholder);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await activateRefused(page);
  const status = delivery.getByRole("status").filter({ hasText: "The campaign cannot be activated yet:" });
  await expect(status.getByRole("listitem")).toHaveText([`Webhook 1 (Slack incoming webhook): URL: ${placeholder} (it renders empty for every user)`]);
  await expect(page.getByLabel("URL", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(delivery.getByRole("button", { name: "Activate" })).toBeVisible();
});

test("a Generic JSON POST webhook whose secret Authorization header is left empty is noted at the field as it opens, saves, but is not activated: the header says to type it", async ({ page }) => {
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill(`Generic ${Date.now()}`);
  await page.getByRole("button", { name: "Start from a template" }).click();
  await page.getByRole("dialog").getByText("Generic JSON POST").first().click();
  await page.getByRole("button", { name: "Use template" }).click();
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/webhooks/hookline");
  await expect(page.getByLabel("Header name")).toHaveValue("Authorization");
  await expect(page.getByLabel("Header value")).toHaveValue("");
  // noted at the field from the start (the preview's warning Activate refuses), not first at Activate;
  // a note, not an error: the draft saves, and the value may be typed later
  const unset = 'The secret header "Authorization" has no value yet, so it is not sent: type it, or remove the header';
  const headerValue = page.getByLabel("Header value");
  await expect(headerValue).toHaveAccessibleDescription(unset);
  await expect(headerValue).not.toHaveAttribute("aria-invalid", "true");
  await headerValue.fill("Bearer t0ken");
  await expect(headerValue).toHaveAccessibleDescription("");
  await headerValue.fill("");
  await expect(headerValue).toHaveAccessibleDescription(unset);
  // the draft saves: the value may be typed later
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await activateRefused(page, (dialog) => expect(dialog.getByRole("listitem")).toHaveText([/Header "Authorization": The secret header "Authorization" has no value: type it, or remove the header$/]));
  const status = delivery.getByRole("status").filter({ hasText: "The campaign cannot be activated yet:" });
  const message = 'The secret header "Authorization" has no value: type it, or remove the header';
  await expect(status.getByRole("listitem")).toHaveText([`Webhook 1 (Generic JSON POST): Header "Authorization": ${message}`]);
  await expect(page.getByLabel("Header value")).toHaveAttribute("aria-invalid", "true");
  await expect(delivery.getByRole("button", { name: "Activate" })).toBeVisible();
});

test("CSV import: a file without a user id column says what to map, in words; one column is '1 column'", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  await page.getByLabel("CSV file").setInputFiles({ name: "notes.csv", mimeType: "text/csv", buffer: Buffer.from("Notes\nnot a user list\n") });
  await expect(page.getByText("notes.csv: 1 column, UTF-8, comma separated.")).toBeVisible();
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("region", { name: "Import CSV" }).getByRole("alert")).toHaveText("Map one column to the user id");
});

test("a saved campaign's sample event parameters and preview user are kept across a reload and a visit elsewhere", async ({ page }) => {
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill(`Sampled ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.2:${port}/orders/{{user.id}}`);
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("amount");
  await page.getByLabel("Value", { exact: true }).fill("{{event.params.amount}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  // typed at once, while the campaign's own page is still opening: it goes along
  const preview = page.getByRole("region", { name: "Request preview" });
  await page.getByLabel("Preview as").selectOption({ index: 1 });
  const chosen = await page.getByLabel("Preview as").inputValue();
  await page.getByLabel("Sample event parameters").fill('{"amount": 42.5}');
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const campaignUrl = page.url();
  await expect(page.getByLabel("Sample event parameters")).toHaveValue('{"amount": 42.5}');
  await expect(preview).toContainText(/"amount":\s*"42.5"/);

  await page.reload();
  await expect(page.getByLabel("Sample event parameters")).toHaveValue('{"amount": 42.5}');
  await expect(page.getByLabel("Preview as")).toHaveValue(chosen);
  await expect(preview).toContainText(/"amount":\s*"42.5"/);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await page.goto(campaignUrl);
  await expect(page.getByLabel("Sample event parameters")).toHaveValue('{"amount": 42.5}');
});

test("a campaign whose URL is a loopback address no one allowed is not activated: the URL says an admin can allow it, and then it activates", async ({ page }) => {
  // 127.0.0.3: no other test allows it (the Allow link test above allows 127.0.0.2 for a while)
  const name = `Loopback ${Date.now()}`;
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.3:4000/hook/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const campaignUrl = page.url();

  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await activateRefused(page);
  const reason = "every delivery would be refused: destination 127.0.0.3 is a loopback address; an admin can allow it in Settings › Allowed destinations";
  const status = delivery.getByRole("status").filter({ hasText: "The campaign cannot be activated yet:" });
  await expect(status.getByRole("listitem")).toHaveText([new RegExp(`^Webhook 1 \\(.+\\): URL: ${reason.replace(/[.()]/g, "\\$&")}$`)]);
  const url = page.getByLabel("URL", { exact: true });
  await expect(url).toHaveAttribute("aria-invalid", "true");
  await expect(url).toHaveAccessibleDescription(new RegExp(reason.replace(/[.()]/g, "\\$&")));
  await expect(delivery.getByRole("button", { name: "Activate" })).toBeVisible();

  // an admin allows it: the same campaign activates
  const prisma = await appDb();
  try {
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Allowed destinations" });
    await section.getByLabel("Host, IP address or CIDR range").fill("127.0.0.3");
    await section.getByRole("button", { name: "Allow destination" }).click();
    await expect(section.getByText("127.0.0.3 is allowed.")).toBeVisible();
    await page.goto(campaignUrl);
    await activateCampaign(page);
    await expect(page.getByRole("region", { name: "Delivery", exact: true }).getByText(/^Active: /)).toBeVisible();
  } finally {
    await prisma.allowedDestination.deleteMany({ where: { entry: "127.0.0.3" } });
    await prisma.$disconnect();
  }
});
