// Deleting a saved webhook moves the campaign's version; the tab holds the version the delete answers,
// so its own next Save and Activate are not refused as "changed by <you> since you opened it" (they were).
// Duplicating a webhook and saving stays a plain save too. Campaigns are written straight to the app's database.
import { twoWebhooks } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

async function deleteSecond(page: import("@playwright/test").Page) {
  await expect(page.getByLabel("Webhook name")).toHaveCount(2);
  await page.getByRole("button", { name: "Delete webhook" }).nth(1).click();
  await page.getByRole("dialog", { name: "Delete this webhook?" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByLabel("Webhook name")).toHaveCount(1);
}

test("delete a webhook, rename, Save: saved, not a conflict with yourself", async ({ page }) => {
  const campaign = await twoWebhooks(`Own delete ${Date.now()}`);
  await page.goto(`/campaigns/${campaign.id}`);
  await deleteSecond(page);
  await page.getByLabel("Campaign name").fill(`${campaign.name} renamed`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.getByText("This campaign was changed")).toHaveCount(0);
});

test("delete a webhook, then Activate: active", async ({ page }) => {
  const campaign = await twoWebhooks(`Own delete activate ${Date.now()}`);
  await page.goto(`/campaigns/${campaign.id}`);
  await deleteSecond(page);
  await activateCampaign(page);
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await expect(delivery.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(page.getByText("This campaign was changed")).toHaveCount(0);
});

test("duplicate a webhook, Save, then Save again", async ({ page }) => {
  const campaign = await twoWebhooks(`Own copy ${Date.now()}`);
  await page.goto(`/campaigns/${campaign.id}`);
  await page.getByRole("button", { name: "Duplicate webhook" }).first().click();
  await expect(page.getByLabel("Webhook name")).toHaveCount(3);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.getByLabel("Campaign name").fill(`${campaign.name} renamed`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.getByText("This campaign was changed")).toHaveCount(0);
});
