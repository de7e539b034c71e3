// Issue 13, bugs 2, 8, 9, 10, 11, 12, 13: what a marketer meets on the first day. Campaigns, users
// and deliveries that need no browser are written straight to the app's database; sends go to a
// real receiver on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

// Dates in the member's own locale and zone: New York, in US English.
test.use({ timezoneId: "America/New_York", locale: "en-US" });

// logs (the delivery log's Planned, the audit log) read to the second
const US_DATE_TIME_SECONDS = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M$/;

test("bug 2: the Users search form is styled", async ({ page }) => {
  await page.goto("/users");
  const search = page.getByRole("search").getByLabel("Search by id or email");
  await expect(search).toHaveClass(/rounded-lg/);
  expect(await search.getAttribute("class")).not.toMatch(/function|=>/);
});

test("bug 13: favicon, current page in the nav, no app links when signed out", async ({ page, browser, baseURL }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto("/users");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Campaigns", exact: true })).not.toHaveAttribute("aria-current", "page");
  const icon = await page.request.get("/icon.svg");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  await page.goto("/campaigns");
  await expect(nav.getByRole("link", { name: "Campaigns", exact: true })).toHaveAttribute("aria-current", "page");
  expect(errors).toEqual([]);

  const visitor = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const signedOut = await visitor.newPage();
  await signedOut.goto("/campaigns");
  await expect(signedOut.getByRole("heading", { name: "Sign in" })).toBeVisible();
  const visitorNav = signedOut.getByRole("navigation", { name: "Main" });
  await expect(visitorNav.getByRole("link", { name: "Sign in" })).toBeVisible();
  for (const name of ["Campaigns", "Activity", "Users", "Settings", "Audit log"]) await expect(visitorNav.getByRole("link", { name, exact: true })).toHaveCount(0);
  // the favicon is outside the sign-in gate
  expect((await visitor.request.get("/icon.svg", { maxRedirects: 0 })).status()).toBe(200);
  await visitor.close();
});

test("bug 13: a long template shows whole on focus; the retry policies are not cut off", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Long template");
  const long = "https://api.example.com/v2/customers/{{user.id}}/events?source=hookline&campaign={{campaign.name}}&first={{default user.firstName \"there\"}}&plan={{user.plan}}";
  const url = page.getByLabel("URL", { exact: true });
  await url.fill(long);
  await url.focus();
  await expect(page.getByRole("note", { name: "Whole value" })).toHaveText(long);
  await page.getByLabel("Campaign name").focus();
  await expect(page.getByRole("note", { name: "Whole value" })).toHaveCount(0);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const retries = page.getByRole("region", { name: "Delivery", exact: true }).getByLabel("Retries").first();
  for (const policy of ["default", "aggressive"]) {
    await retries.selectOption(policy);
    // the selected label fits: its text is narrower than the select less its arrow and padding
    const fits = await retries.evaluate((el: HTMLSelectElement) => {
      const style = getComputedStyle(el);
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = el.options[el.selectedIndex]!.text;
      return ctx.measureText(text).width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 16 <= el.clientWidth;
    });
    expect(fits, policy).toBe(true);
  }
});

test("bugs 9 and 10: the audit log names what changed, with links, in the member's time", async ({ page }) => {
  const prisma = await appDb();
  const name = `Audit ${Date.now()}`;
  try {
    const campaign = await prisma.campaign.create({
      data: { name, deliveryRule: { when: "immediate" }, actions: { create: { name: "CRM", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
    });
    // The first secret is generated, not rotated.
    await page.goto(`/campaigns/${campaign.id}`);
    await page.getByRole("button", { name: "Generate signing secret" }).click();
    await expect(page.getByText("Requests are signed.")).toBeVisible();
    // A duplicate is a created campaign.
    await page.goto("/campaigns");
    await page.getByRole("button", { name: `Duplicate ${name}`, exact: true }).click();
    await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

    await page.goto("/audit-log");
    const created = page.getByRole("row", { name: new RegExp(`campaign\\.created ${name} \\(copy\\)`) });
    await expect(created).toBeVisible();
    await expect(created.getByRole("link", { name: `${name} (copy)` })).toHaveAttribute("href", /^\/campaigns\/[a-z0-9]+$/);
    const secret = page.getByRole("row", { name: new RegExp(`signing_secret\\.created CRM in ${name}$`) });
    await expect(secret).toBeVisible();
    await expect(secret.getByRole("link", { name: `CRM in ${name}` })).toHaveAttribute("href", `/campaigns/${campaign.id}`);
    await expect(page.getByRole("row", { name: /signing_secret\.rotated/ })).toHaveCount(0);
    await expect(page.getByRole("cell", { name: campaign.id })).toHaveCount(0);

    // One date format: the member's locale and zone, the UTC time on hover.
    const when = created.getByRole("cell").first().locator("time");
    await expect(when).toHaveText(US_DATE_TIME_SECONDS);
    const utc = (await when.getAttribute("title"))!;
    expect(utc).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    const expected = new Date(utc.replace(" UTC", "Z").replace(" ", "T")).toLocaleString("en-US", { timeZone: "America/New_York", dateStyle: "medium", timeStyle: "medium" });
    await expect(when).toHaveText(expected);
  } finally {
    await prisma.$disconnect();
  }
});

test("bugs 8, 9 and 11: the success rate counts deliveries; attempt wording agrees with the reason", async ({ page }) => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(503).end("busy"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `polish-${Date.now()}`;
  try {
    // 16 delivered deliveries, 3 of them on a second try: 19 attempts, 100 % of deliveries.
    await prisma.user.createMany({ data: Array.from({ length: 17 }, (_, i) => ({ id: `${tag}-u${String(i).padStart(2, "0")}`, attributes: {} })) });
    const done = await prisma.campaign.create({
      data: { name: `Rate ${tag}`, status: "active", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } } },
      include: { actions: true },
    });
    const now = Date.now();
    for (let i = 0; i < 16; i++) {
      const outcomes = i < 3 ? ["retryable", "delivered"] : ["delivered"];
      await prisma.delivery.create({
        data: {
          webhookId: `msg_${tag}_${i}`, campaignId: done.id, actionId: done.actions[0]!.id, userId: `${tag}-u${String(i).padStart(2, "0")}`, triggerKey: "activation",
          plannedAt: new Date(now - 60_000), dueAt: new Date(now - 60_000), state: "delivered", attempts: outcomes.length, sentAt: new Date(now - 30_000),
          attemptLog: { create: outcomes.map((outcome, n) => ({ number: n + 1, startedAt: new Date(now - 60_000 + n * 1000), durationMs: 20, outcome, status: outcome === "delivered" ? 200 : 503, request: {} })) },
        },
      });
    }
    await page.goto(`/campaigns/${done.id}`);
    const log = page.getByRole("region", { name: "Delivery log" });
    await expect(log.getByText("Delivered 16", { exact: true })).toBeVisible();
    await expect(log.getByText(/16 deliveries in the last 5 minutes · response p50 20 ms, p95 20 ms over the last \d+ requests sent · success rate 100% of the last 16 finished deliveries/)).toBeVisible();
    await expect(log.getByRole("table", { name: "Deliveries" }).getByRole("row").nth(1).locator("time")).toHaveText(US_DATE_TIME_SECONDS);

    // bug 9: the campaign list's times go through the one formatter: relative in the member's
    // locale, the exact UTC time on hover.
    await page.goto("/campaigns");
    const row = page.getByRole("listitem", { name: `Rate ${tag}` });
    const times = row.locator("time");
    await expect(times).toHaveCount(2);
    await expect(times.first()).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    await expect(times.first()).toHaveText(/^(now|\d+ minutes? ago)$/);
    const sentUtc = `${new Date(now - 30_000).toISOString().replace("T", " ").slice(0, 19)} UTC`;
    await expect(times.last()).toHaveAttribute("title", sentUtc);
    await expect(times.last()).toHaveText(/(now|\d+ minutes? ago)$/);

    // No retries and a 503: one attempt, worded as the last one.
    const once = await prisma.campaign.create({
      data: {
        name: `No retries ${tag}`, deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${tag}-u16` }] },
        actions: { create: { name: "Busy receiver", urlTemplate: `http://127.0.0.1:${port}/busy`, fields: [], headers: [], retryPolicy: "none" } },
      },
    });
    await page.goto(`/campaigns/${once.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await activateCampaign(page);
    // bug 8: one delivery is "1 delivery", not "1 deliveries"
    await expect(delivery.getByText(/^Active: 1 delivery planned\./)).toBeVisible();
    const onceLog = page.getByRole("region", { name: "Delivery log" });
    await expect(onceLog.getByText("Failed 1", { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(onceLog.getByText(/success rate 0% of 1 finished delivery/)).toBeVisible();
    await onceLog.getByRole("table", { name: "Deliveries" }).getByRole("button", { name: `Details of the delivery to ${tag}-u16` }).click();
    const detail = page.getByRole("region", { name: "Delivery detail" });
    await expect(detail.getByText(/Gave up after 1 attempt/)).toBeVisible();
    await expect(detail.getByText(/^Attempt 1: failed, no retries left \(HTTP 503\)/)).toBeVisible();
    await expect(detail.getByText(/retryable/)).toHaveCount(0);
  } finally {
    await prisma.$disconnect();
    server.close();
  }
});

test("bug 12: the API reference renders its Markdown and gives examples and curl per route", async ({ page, baseURL }) => {
  await page.goto("/api-reference");
  const post = page.getByRole("region", { name: "POST /api/v1/users" });
  // `{ "users": [...] }` is code, not backticks
  await expect(post.getByText('{ "users": [...] }', { exact: true })).toHaveJSProperty("tagName", "CODE");
  await expect(post.getByText("`{")).toHaveCount(0);
  await expect(post.getByText("Example request")).toBeVisible();
  await expect(post.getByText('"userId": "user-1001"')).toBeVisible();
  await expect(post.getByText("Example response (200)")).toBeVisible();
  await expect(post.getByText(`curl -X POST '${baseURL}/api/v1/users' -H "Authorization: Bearer $HOOKLINE_API_KEY"`, { exact: false })).toBeVisible();
  const list = page.getByRole("region", { name: "GET /api/v1/campaigns/{id}/deliveries" });
  await expect(list.getByText(`curl '${baseURL}/api/v1/campaigns/`, { exact: false })).toBeVisible();
  // The JSON Schema (and its long date pattern) is there only on request.
  await expect(post.getByText("Request body schema (JSON Schema)")).toBeVisible();
  await expect(post.getByText('"$schema"', { exact: false })).not.toBeVisible();
});
