// Issue 13, "Outcomes you can see": a one-off campaign sent to a real receiver on 127.0.0.1 fills
// its progress bar and chart live; the count chips filter the log; the export downloads the
// filtered rows as CSV; the campaign list searches and filters; Activity names the failing hosts.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

const USERS = 30;

test("outcomes: live progress and chart, chips filter the log, CSV export, campaign list, failing hosts", async ({ page }) => {
  // the chart is rendered on the server too: hydrating it must not disagree with the first paint
  const pageErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && !/favicon/i.test(m.text()) && !/Failed to load resource/.test(m.text()) && pageErrors.push(`${page.url()} ${m.text()}`));
  page.on("pageerror", (e) => pageErrors.push(`${page.url()} ${e.message}`));
  const received: string[] = [];
  // the second half of the users' sends is held until the test has seen the bar part-way (or 10 s
  // pass, well inside the 15 s send timeout), so the live update is observed in between
  const held: (() => void)[] = [];
  let holding = true;
  const release = () => {
    holding = false;
    held.splice(0).forEach((answer) => answer());
  };
  const server = http.createServer((req, res) => {
    received.push(req.url ?? "");
    req.resume();
    req.on("end", () => {
      const answer = () => res.writeHead(200).end("ok");
      const n = Number(/-u-(\d+)/.exec(req.url ?? "")?.[1] ?? 0);
      if (holding && n >= USERS / 2) {
        held.push(answer);
        setTimeout(release, 10_000);
      } else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `oc${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: USERS }, (_, i) => ({ id: `${tag}-u-${String(i).padStart(3, "0")}`, attributes: {} })) });
    const audience = { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] };
    const sending = await prisma.campaign.create({
      data: {
        name: `Zeta ${tag}`,
        deliveryRule: { when: "immediate" },
        audience,
        actions: { create: { name: "Notify receiver", urlTemplate: `http://127.0.0.1:${port}/hook/{{user.id}}`, fields: [], headers: [] } },
      },
      include: { actions: true },
    });
    // a paused campaign with a known history: 5 delivered yesterday, 3 failed at a host that fails
    const history = await prisma.campaign.create({
      data: { name: `Alpha ${tag}`, status: "paused", deliveryRule: { when: "immediate" }, audience, actions: { create: { name: "Old hook", urlTemplate: "https://failing.example/hook", fields: [], headers: [] } } },
      include: { actions: true },
    });
    const yesterday = new Date(Date.now() - 86_400_000);
    await prisma.delivery.createMany({
      data: Array.from({ length: 8 }, (_, i) => ({
        webhookId: `msg_${tag}_${i}`, campaignId: history.id, actionId: history.actions[0].id, userId: `${tag}-u-${String(i).padStart(3, "0")}`, triggerKey: "activation",
        plannedAt: yesterday, dueAt: yesterday, sentAt: yesterday, attempts: 1, state: i < 5 ? "delivered" : "failed", lastStatus: i < 5 ? 200 : 500,
        host: i < 5 ? "ok.example" : "failing.example", reason: i < 5 ? null : "HTTP 500, \"down\"",
      })),
    });
    // each sent one request (the log's and the export's attempts count the requests a delivery sent)
    const sent = await prisma.delivery.findMany({ where: { campaignId: history.id }, select: { id: true, lastStatus: true } });
    await prisma.deliveryAttempt.createMany({
      data: sent.map((d) => ({
        deliveryId: d.id, number: 1, startedAt: yesterday, durationMs: 120, outcome: d.lastStatus === 200 ? "delivered" : "failed", status: d.lastStatus,
        request: { method: "POST", url: "https://failing.example/hook", headers: [] },
      })),
    });

    // The one-off send: the progress bar and the chart follow it without a reload.
    await page.goto(`/campaigns/${sending.id}`);
    const outcomes = page.getByRole("region", { name: "Outcomes" });
    await expect(outcomes.getByText("No outcomes yet", { exact: false })).toBeVisible();
    await activateCampaign(page);
    const progress = outcomes.getByRole("progressbar", { name: "Delivery progress" });
    // part-way while the receiver holds half the responses, then complete once it answers them
    await expect.poll(async () => Number(await progress.getAttribute("aria-valuenow")), { timeout: 10_000 }).toBeGreaterThan(0);
    const partWay = Number(await progress.getAttribute("aria-valuenow"));
    expect(partWay).toBeGreaterThan(0);
    expect(partWay).toBeLessThan(100);
    release();
    await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
    await expect(progress).toHaveAttribute("aria-valuetext", `${USERS} of ${USERS} delivered · 100%`);
    await expect(outcomes.getByRole("figure", { name: "Deliveries over time by outcome" })).toBeVisible();
    await expect(outcomes.getByText(`${USERS} delivered, 0 retrying, 0 failed, 0 suppressed`, { exact: false })).toBeVisible();
    // the response-time percentiles are drawn as two lines, named in the legend
    const chart = outcomes.getByRole("figure", { name: "Deliveries over time by outcome" });
    await expect(chart.getByText("Response p50 (ms)", { exact: true })).toBeVisible();
    await expect(chart.getByText("Response p95 (ms)", { exact: true })).toBeVisible();
    expect(new Set(received.filter((u) => u.startsWith(`/hook/${tag}`))).size).toBe(USERS);
    await page.screenshot({ path: test.info().outputPath("campaign-outcomes.png"), fullPage: true });
    // a fresh load renders the chart on the server and hydrates it without a mismatch
    await page.reload();
    await expect(outcomes.getByRole("figure", { name: "Deliveries over time by outcome" })).toBeVisible();
    await expect(progress).toHaveAttribute("aria-valuenow", "100");

    // The count chips filter the log; the export takes the same filter.
    await page.goto(`/campaigns/${history.id}`);
    const log = page.getByRole("region", { name: "Delivery log" });
    const table = log.getByRole("table", { name: "Deliveries" });
    await expect(table.getByRole("row")).toHaveCount(9);
    const failedChip = log.getByRole("button", { name: "Failed 3", exact: true });
    await expect(failedChip).toHaveAttribute("aria-pressed", "false");
    await failedChip.click();
    await expect(failedChip).toHaveAttribute("aria-pressed", "true");
    await expect(table.getByRole("row")).toHaveCount(4);
    await expect(log.getByLabel("State")).toHaveValue("failed");
    const downloading = page.waitForEvent("download");
    await log.getByRole("link", { name: "Export CSV" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^deliveries-.*\.csv$/);
    const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
    expect(csv[0]).toMatch(/^id,webhookId,campaign,action,userId,state,reason,/);
    expect(csv.slice(1)).toHaveLength(3);
    for (const line of csv.slice(1)) expect(line).toContain(`,Alpha ${tag},Old hook,${tag}-u-`);
    expect(csv[1]).toContain(',failed,"HTTP 500, ""down""",1,500,');
    await failedChip.click();
    await expect(failedChip).toHaveAttribute("aria-pressed", "false");
    await expect(table.getByRole("row")).toHaveCount(9);

    // The campaign list: figures per campaign, search, state filter (paging: campaign-list.spec.ts).
    await page.goto("/campaigns");
    await page.getByLabel("Search campaigns").fill(tag);
    await page.getByLabel("Search campaigns").press("Enter");
    const list = page.getByRole("list", { name: "Campaigns" });
    await expect(list.getByRole("listitem")).toHaveCount(2);
    const zeta = list.getByRole("listitem", { name: `Zeta ${tag}` });
    await expect(zeta).toContainText(`${USERS} users`);
    await expect(zeta).toContainText(`${USERS} delivered`);
    await expect(list.getByRole("listitem", { name: `Alpha ${tag}` })).toContainText("3 failed");
    await page.screenshot({ path: test.info().outputPath("campaigns.png"), fullPage: true });
    await page.getByLabel("State").selectOption({ label: "Paused" });
    await expect(list.getByRole("link")).toHaveText([`Alpha ${tag}`]);
    await page.getByLabel("Search campaigns").fill("no such campaign");
    await page.getByLabel("Search campaigns").press("Enter");
    await expect(page.getByText("No campaign matches the search.")).toBeVisible();

    // Activity: the chart across campaigns and the hosts that fail most.
    await page.goto("/activity");
    await expect(page.getByRole("figure", { name: "Deliveries over time by outcome, every campaign" })).toBeVisible();
    const hosts = page.getByRole("table", { name: "Hosts that fail most" });
    await expect(hosts.getByRole("row", { name: "failing.example 3 0" })).toBeVisible();
    await expect(hosts.getByRole("row", { name: /ok\.example/ })).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath("activity.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  } finally {
    await prisma.$disconnect();
    release();
    server.close();
  }
});
