// A campaign with No retries, retried by hand (Retry all failed), showed "Attempt 1: failed, retried (HTTP 500)"
// in the delivery detail, as if its policy had retried it: it now says who retried it by hand.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("the delivery detail says an attempt was retried by hand, and by whom", async ({ page }) => {
  const prisma = await appDb();
  const tag = `byhand${Date.now()}`;
  try {
    await prisma.user.create({ data: { id: `${tag}-u`, attributes: {} } });
    const campaign = await prisma.campaign.create({
      data: {
        name: `By hand ${tag}`, status: "finished", deliveryRule: { when: "immediate" },
        actions: { create: { name: "Hook", urlTemplate: "http://127.0.0.1:9999/hook", fields: [], headers: [], retryPolicy: "none" } },
      },
      include: { actions: true },
    });
    const at = (s: number) => new Date(Date.now() - 600_000 + s * 1000);
    const attempt = (number: number, start: number) => ({ number, startedAt: at(start), durationMs: 20, status: 500, outcome: "retryable", request: {} });
    await prisma.delivery.create({
      data: {
        webhookId: `msg_${tag}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `${tag}-u`, triggerKey: "activation",
        plannedAt: at(0), dueAt: at(0), state: "failed", attempts: 2, reason: "HTTP 500", attemptLog: { create: [attempt(1, 0), attempt(2, 120)] },
      },
    });
    await prisma.auditLog.create({ data: { actor: "ed@hookline.test", action: "delivery.retried_all_failed", target: campaign.id, details: { campaignId: campaign.id, count: 1 }, createdAt: at(60) } });
    await page.goto(`/campaigns/${campaign.id}`);
    const log = page.getByRole("region", { name: "Delivery log" });
    await log.getByRole("table", { name: "Deliveries" }).getByRole("button", { name: `Details of the delivery to ${tag}-u` }).click();
    const detail = page.getByRole("region", { name: "Delivery detail" });
    await expect(detail.getByText(/^Attempt 1: failed, retried by hand \(by ed@hookline\.test\) \(HTTP 500\)/)).toBeVisible();
    await expect(detail.getByText(/^Attempt 2: failed, no retries left \(HTTP 500\)/)).toBeVisible();
  } finally {
    await prisma.$disconnect();
  }
});
