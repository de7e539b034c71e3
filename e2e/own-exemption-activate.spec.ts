// An admin's Activate with the cap exemption changed moves the campaign's version: the tab holds the one
// it is handed, so pausing and changing the exemption again from the same tab (no reload) is saved, not
// refused as "changed by <you> since you opened it"; a second admin tab opened before is still refused.
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

async function triggered(name: string) {
  const prisma = await appDb();
  try {
    return await prisma.campaign.create({
      data: { name, deliveryRule: { when: "triggered", event: `exempt-${Date.now()}` }, actions: { create: [{ name: "Hook", position: 1, urlTemplate: "http://127.0.0.1:9999/hook/{{user.id}}", fields: [], headers: [] }] } },
    });
  } finally {
    await prisma.$disconnect();
  }
}

async function storedExemption(id: string) {
  const prisma = await appDb();
  try {
    return (await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { capExempt: true } })).capExempt;
  } finally {
    await prisma.$disconnect();
  }
}

const EXEMPT = "Exempt from the per-user frequency cap";

async function activateExemptThenPause(page: import("@playwright/test").Page) {
  await page.getByLabel(EXEMPT).check();
  await activateCampaign(page);
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await delivery.getByRole("button", { name: "Pause" }).click();
  await expect(delivery.getByRole("button", { name: "Resume", exact: true })).toBeVisible();
}

test("activate with the exemption, pause, lift it from the same tab: saved, not a conflict with yourself", async ({ page }) => {
  const campaign = await triggered(`Own exemption ${Date.now()}`);
  await page.goto(`/campaigns/${campaign.id}`);
  await activateExemptThenPause(page);
  expect(await storedExemption(campaign.id)).toBe(true);
  await page.getByLabel(EXEMPT).uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.getByText("This campaign was changed")).toHaveCount(0);
  expect(await storedExemption(campaign.id)).toBe(false);
});

test("a second tab opened before the Activate is refused, the exemption kept", async ({ page, context }) => {
  const campaign = await triggered(`Other tab exemption ${Date.now()}`);
  const other = await context.newPage();
  await other.goto(`/campaigns/${campaign.id}`);
  await expect(other.getByLabel(EXEMPT)).not.toBeChecked();
  await page.goto(`/campaigns/${campaign.id}`);
  await activateExemptThenPause(page);
  await other.getByLabel("Campaign name").fill(`${campaign.name} from the other tab`);
  await other.getByRole("button", { name: "Save", exact: true }).click();
  await expect(other.getByText("This campaign was changed")).toBeVisible();
  expect(await storedExemption(campaign.id)).toBe(true);
});
