// What a new marketer met in the browser on the first day (phone and desktop): every section of the
// nav in view at 390 px, a single webhook's results with nothing to compare, a host breaker's hold in
// the log read in the row's own time format, the outcome chart's time axis on a phone.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

// times in the member's own locale and zone
test.use({ timezoneId: "America/New_York", locale: "en-US" });

test("at 390 px every nav link is on screen, none in a sideways-scrolling strip", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/campaigns");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Campaigns", "Activity", "Users", "Settings", "Audit log", "API"]) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("a single webhook's results compare with nothing: no 'Lift vs A' column", async ({ page }) => {
  const prisma = await appDb();
  const tag = `sw${Date.now()}`;
  const campaign = await prisma.campaign.create({ data: { name: `Single ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, goalEvent: "purchase", goalWindowHours: 48 } });
  await prisma.action.create({ data: { campaignId: campaign.id, name: "Welcome", urlTemplate: "https://example.com/welcome", fields: [], headers: [] } });
  await page.goto(`/campaigns/${campaign.id}`);
  const table = page.getByRole("region", { name: "Goal and results" }).getByRole("table", { name: "Results: Welcome" });
  await expect(table.getByRole("columnheader", { name: "Converted" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: /Lift/i })).toHaveCount(0);
  await expect(table.getByRole("columnheader", { name: "Significance" })).toHaveCount(0);
  await prisma.$disconnect();
});

test("the log's breaker hold reads 'Host on hold' with its next try as the row's times read; the chart's time axis fits a phone", async ({ page }) => {
  const prisma = await appDb();
  const tag = `bh${Date.now()}`;
  const campaign = await prisma.campaign.create({
    data: { name: `Breaker ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://flaky.example/hook", fields: [], headers: [] } } },
    include: { actions: true },
  });
  const action = campaign.actions[0]!;
  const ago = (s: number) => new Date(Date.now() - s * 1000);
  // sends over ten minutes with a gap in the middle (no attempts there: the response-time lines break)
  const seconds = [600, 570, 540, 510, 200, 170, 140, 110];
  await prisma.user.createMany({ data: [...seconds.map((_, i) => ({ id: `${tag}-u${i}`, attributes: {} })), { id: `${tag}-held`, attributes: {} }] });
  for (const [i, s] of seconds.entries()) {
    await prisma.delivery.create({
      data: {
        webhookId: `msg_${tag}_${i}`, campaignId: campaign.id, actionId: action.id, userId: `${tag}-u${i}`, triggerKey: "activation", plannedAt: ago(s), dueAt: ago(s), sentAt: ago(s),
        attempts: 1, state: "delivered", lastStatus: 200, host: "flaky.example",
        attemptLog: { create: { number: 1, startedAt: ago(s), durationMs: 100 + i * 20, outcome: "delivered", status: 200, request: {} } },
      },
    });
  }
  const nextTry = new Date(Date.now() + 40_000);
  nextTry.setUTCMilliseconds(0);
  await prisma.delivery.create({
    data: {
      webhookId: `msg_${tag}_held`, campaignId: campaign.id, actionId: action.id, userId: `${tag}-held`, triggerKey: "activation", plannedAt: ago(30), dueAt: nextTry,
      attempts: 1, state: "retrying", lastStatus: 500, host: "flaky.example",
      reason: `Host on hold: flaky.example failed many requests in a row; next try after ${nextTry.toISOString().slice(11, 19)} UTC`,
    },
  });

  await page.goto(`/campaigns/${campaign.id}`);
  const row = page.getByRole("region", { name: "Delivery log" }).getByRole("row", { name: new RegExp(`${tag}-held`) });
  const local = new Intl.DateTimeFormat("en-US", { timeStyle: "medium", timeZone: "America/New_York" }).format(nextTry);
  await expect(row).toContainText(`Host on hold: flaky.example failed many requests in a row; next try after ${local}`);
  await page.screenshot({ path: test.info().outputPath("breaker-log-1280.png"), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  const chart = page.getByRole("region", { name: "Outcomes" }).getByRole("figure", { name: "Deliveries over time by outcome" });
  await chart.scrollIntoViewIfNeeded();
  // the svg's tick labels have no role: read their boxes to see that none overlaps the next
  const ticks = chart.locator(".recharts-xAxis .recharts-cartesian-axis-tick-value");
  await expect.poll(async () => {
    const boxes = (await ticks.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right })))).sort((a, b) => a.left - b.left);
    return boxes.length >= 2 && boxes.every((b, i) => i === 0 || b.left >= boxes[i - 1]!.right);
  }).toBe(true);
  await chart.screenshot({ path: test.info().outputPath("chart-390.png") });
  await prisma.$disconnect();
});

test("at 390 px Activity (its chart drawn) and the API reference do not scroll sideways; Activity names failures that never reached a host", async ({ page }) => {
  const prisma = await appDb();
  const tag = `nh${Date.now()}`;
  try {
    const campaign = await prisma.campaign.create({
      data: { name: `No host ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, actions: { create: { name: "Hook", urlTemplate: "https://example.com/{{user.x}}", fields: [], headers: [] } } },
      include: { actions: true },
    });
    await prisma.user.create({ data: { id: `${tag}-u`, attributes: {} } });
    // a template error: failed before any request, so no host
    await prisma.delivery.create({
      data: {
        webhookId: `msg_${tag}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `${tag}-u`, triggerKey: "activation",
        plannedAt: new Date(), dueAt: new Date(), attempts: 0, state: "failed", reason: "Template error",
      },
    });
  } finally {
    await prisma.$disconnect();
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/activity");
  await expect(page.getByRole("figure", { name: "Deliveries over time by outcome, every campaign" })).toBeVisible();
  const hosts = page.getByRole("region", { name: "Hosts that fail most" });
  await expect(hosts).toContainText(/failed before a request was sent \(template or data errors\)/);
  await expect(hosts.getByRole("link", { name: "see failed deliveries" })).toHaveAttribute("href", /state=failed/);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // one zone on the page, named: the chart's and the log's times both read in the member's (the browser's)
  await expect(page.getByRole("figure", { name: "Deliveries over time by outcome, every campaign" })).toContainText("(times in America/New_York)");
  await expect(page.getByRole("table", { name: "Deliveries" }).getByRole("columnheader", { name: "Planned (America/New_York)" })).toBeVisible();
  await page.goto("/api-reference");
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
