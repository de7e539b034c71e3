// The delivery log and the Outcomes bar poll on their own beats (1 s and 3 s): when one reads a change
// the other reads again at once (components/delivery/use-refresh-other.ts), so a send the log shows as
// delivered is in the bar within one poll, not up to 3 s later ("Delivered 10" beside "0 of 10").
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

const USERS = 6;

test("the Outcomes bar reads a send the delivery log shows as delivered within one poll", async ({ page }) => {
  // every answer is held until the test releases them all, right after the bar has read (its next read is 3 s away)
  const held: (() => void)[] = [];
  let holding = true;
  const release = () => {
    holding = false;
    held.splice(0).forEach((answer) => answer());
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const answer = () => res.writeHead(200).end("ok");
      if (holding) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `agree${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: USERS }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Agree ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Notify receiver", urlTemplate: `http://127.0.0.1:${port}/hook/{{user.id}}`, fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    await activateCampaign(page);
    const log = page.getByRole("region", { name: "Delivery log" });
    const progress = page.getByRole("region", { name: "Outcomes" }).getByRole("progressbar", { name: "Delivery progress" });
    await expect.poll(() => held.length, { timeout: 15_000 }).toBe(USERS);
    await expect(progress).toHaveAttribute("aria-valuetext", `0 of ${USERS} delivered · 0%`);
    // the bar's own read lands; the sends finish just after it
    await page.waitForResponse((r) => r.url().includes(`/api/campaigns/${campaign.id}/outcomes`) && r.ok(), { timeout: 10_000 });
    release();
    await expect(log.getByRole("button", { name: `Delivered ${USERS}`, exact: true })).toBeVisible({ timeout: 15_000 });
    // within one poll: the bar's own next read is up to 3 s away, the log's change asks for it at once
    await expect(progress).toHaveAttribute("aria-valuetext", `${USERS} of ${USERS} delivered · 100%`, { timeout: 1500 });
  } finally {
    release();
    server.close();
  }
});
