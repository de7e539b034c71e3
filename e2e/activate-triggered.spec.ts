// Issue 13 bug 1 and issue 11 holes 8 and 10: a triggered campaign whose Number field reads an event
// parameter activates (the check no longer renders it with no event and calls "" not a number); a
// field that can never render is refused in plain words at the field; every page and route carries
// the security headers. Campaigns are written straight to the app's database; the event goes to a
// receiver on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

let server: http.Server;
let port = 0;
test.beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("ok"));
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

test("a triggered campaign with {{event.params.amount}} in a Number field activates", async ({ page }) => {
  const campaign = await triggeredCampaign(`Receipts ${Date.now()}`, "{{event.params.amount}}");
  await page.goto(`/campaigns/${campaign.id}`);
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await expect(delivery.getByRole("radiogroup", { name: "When" }).getByRole("radio", { name: "Triggered by event" })).toBeChecked();
  await delivery.getByRole("button", { name: "Activate" }).click();
  await expect(delivery.getByText(/^Active: \d+ deliver(y|ies) planned/)).toBeVisible();
  await expect(delivery.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(delivery.getByText(/is not a number/)).toHaveCount(0);
});

test("a field that can never render is refused in plain words, at the field", async ({ page }) => {
  const campaign = await triggeredCampaign(`Broken receipts ${Date.now()}`, "{{event.params.amount}} USD");
  // with a stored event of the trigger, "12 USD" is what every delivery would send: never a number
  const prisma = await appDb();
  try {
    const rule = campaign.deliveryRule as { event: string };
    await prisma.user.upsert({ where: { id: "e2e-buyer" }, create: { id: "e2e-buyer", attributes: {} }, update: {} });
    await prisma.event.create({ data: { userId: "e2e-buyer", name: rule.event, params: { amount: 12, paid: true }, time: new Date() } });
  } finally {
    await prisma.$disconnect();
  }
  await page.goto(`/campaigns/${campaign.id}`);
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await delivery.getByRole("button", { name: "Activate" }).click();
  const status = delivery.getByRole("status").filter({ hasText: "The campaign cannot be activated yet:" });
  await expect(status).toBeVisible();
  await expect(status.getByRole("listitem")).toHaveText(['Action 1 (Receipt): Data field "amount": "12 USD" is not a number']);
  await expect(status).not.toContainText("fields[");
  await expect(delivery.getByRole("button", { name: "Activate" })).toBeVisible();
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
