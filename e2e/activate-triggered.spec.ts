// Issue 13 bug 1 and issue 11 holes 8 and 10: a triggered campaign whose Number field reads an event
// parameter activates (the check no longer renders it with no event and calls "" not a number), and an
// event posted through the API reaches a receiver on 127.0.0.1 with the number rendered; a field that
// can never render ("{{event.params.amount}} USD" in a Number field, no event stored yet) is refused in
// plain words, in the list and at the field itself; every page and route carries the security headers.
// Paused, it misses events, and "Resume and catch up" sends them. Campaigns are written straight to the app's database.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, activateRefused, expect, test } from "./fixtures";

let server: http.Server;
let port = 0;
const received: { url: string; body: string }[] = [];
test.beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", body });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function triggeredCampaign(name: string, amount: string) {
  const prisma = await appDb();
  try {
    return await prisma.campaign.create({
      data: {
        name,
        deliveryRule: { when: "triggered", event: `purchase-${Date.now()}` },
        actions: {
          create: {
            name: "Receipt",
            urlTemplate: `http://127.0.0.1:${port}/receipt/{{user.id}}`,
            fields: [
              { key: "amount", value: amount, type: "number" },
              { key: "paid", value: "{{event.params.paid}}", type: "boolean" },
            ],
            headers: [],
          },
        },
      },
    });
  } finally {
    await prisma.$disconnect();
  }
}

test("a triggered campaign with {{event.params.amount}} in a Number field activates, and an event's amount is sent as a number", async ({ page, playwright, baseURL }) => {
  const campaign = await triggeredCampaign(`Receipts ${Date.now()}`, "{{event.params.amount}}");
  const event = (campaign.deliveryRule as { event: string }).event;
  await page.goto(`/campaigns/${campaign.id}`);
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await expect(delivery.getByRole("radiogroup", { name: "When" }).getByRole("radio", { name: "Triggered by event" })).toBeChecked();
  await activateCampaign(page);
  // a triggered campaign plans nothing at activation: it says what it waits for, not "0 deliveries planned"
  await expect(delivery.getByText(`Active: each "${event}" event tracked from now on sends this campaign to its user.`)).toBeVisible();
  await expect(delivery.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(delivery.getByText(/is not a number/)).toHaveCount(0);

  // An event through the public API: the receiver gets its amount as a JSON number
  await page.goto("/settings");
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByLabel("Key name").fill(`events ${campaign.id}`);
  await page.getByLabel("Role").first().selectOption("editor");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByLabel("New API key").textContent())!.trim();
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  try {
    const buyer = `buyer-${campaign.id}`;
    const prisma = await appDb();
    try {
      await prisma.user.upsert({ where: { id: buyer }, create: { id: buyer, attributes: {} }, update: {} });
    } finally {
      await prisma.$disconnect();
    }
    const res = await api.post("/api/v1/events", { data: { events: [{ userId: buyer, event, params: { amount: 42.5, paid: true } }] } });
    expect(res.status()).toBe(202);
    await expect.poll(() => received.find((r) => r.url === `/receipt/${buyer}`)?.body, { timeout: 20_000 }).toBeDefined();
    expect(JSON.parse(received.find((r) => r.url === `/receipt/${buyer}`)!.body)).toEqual({ amount: 42.5, paid: true });

    // Paused, the campaign misses events; "Resume and catch up" sends them as if it had not been paused
    await page.goto(`/campaigns/${campaign.id}`);
    await delivery.getByRole("button", { name: "Pause" }).click();
    await expect(delivery.getByRole("button", { name: "Resume", exact: true })).toBeVisible();
    const late = [`late-1-${campaign.id}`, `late-2-${campaign.id}`];
    const missed = await api.post("/api/v1/events", { data: { events: late.map((userId) => ({ userId, event, params: { amount: 7, paid: false } })) } });
    expect(await missed.json()).toMatchObject({ accepted: 2, scheduled: 0 });
    await page.reload();
    const note = delivery.getByRole("note").filter({ hasText: "Paused: deliveries already planned wait" });
    await expect(note).toContainText(`“${event}” events tracked meanwhile do not trigger it`);
    await expect(note).toContainText(": 2 have arrived.");
    await delivery.getByRole("button", { name: "Resume and catch up 2 events" }).click();
    await expect(delivery.getByText("Resumed, and caught up 2 events that arrived while it was paused: 2 deliveries planned.")).toBeVisible();
    for (const userId of late) {
      await expect.poll(() => received.find((r) => r.url === `/receipt/${userId}`)?.body, { timeout: 20_000 }).toBeDefined();
    }
    await expect(delivery.getByRole("button", { name: "Pause" })).toBeVisible();
  } finally {
    await api.dispose();
  }
});

test("a Number field that can never render is refused in plain words, in the list and at the field", async ({ page }) => {
  // no event of this trigger is stored: the field is judged with a stand-in for the amount, "1 USD"
  const campaign = await triggeredCampaign(`Broken receipts ${Date.now()}`, "{{event.params.amount}} USD");
  await page.goto(`/campaigns/${campaign.id}`);
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await activateRefused(page);
  const status = delivery.getByRole("status").filter({ hasText: "The campaign cannot be activated yet:" });
  await expect(status).toBeVisible();
  const message = '"1 USD" is not a number, with 1 for event.params.amount: no value makes it one';
  await expect(status.getByRole("listitem")).toHaveText([`Webhook 1 (Receipt): Data field "amount": ${message}`]);
  await expect(status).not.toContainText("fields[");
  await expect(delivery.getByRole("button", { name: "Activate" })).toBeVisible();

  // at the field, as the editor shows its own field errors; the Boolean field reading event data is fine
  const values = page.getByRole("combobox", { name: "Value", exact: true });
  await expect(values.nth(0)).toHaveValue("{{event.params.amount}} USD");
  await expect(values.nth(0)).toHaveAttribute("aria-invalid", "true");
  await expect(values.nth(0)).toHaveAccessibleDescription(message);
  await expect(values.nth(1)).not.toHaveAttribute("aria-invalid", "true");
  const prisma = await appDb();
  try {
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
  } finally {
    await prisma.$disconnect();
  }
});

test("every page and route carries the security headers", async ({ page, request }) => {
  const expectSecure = (headers: Record<string, string>, what: string) => {
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  };
  const response = await page.goto("/campaigns");
  expectSecure(response!.headers(), "/campaigns");
  for (const path of ["/api/health", "/api/v1/campaigns", "/sign-in", "/api/v1/openapi.json"]) {
    expectSecure((await request.get(path, { maxRedirects: 0 })).headers(), path);
  }
  const anonymous = await request.get("/api/preview", { headers: { cookie: "" }, maxRedirects: 0 });
  expectSecure(anonymous.headers(), "/api/preview without a session");
});
