// A webhook added to a live campaign is in none of the deliveries it already planned (a campaign plans
// its users with the webhooks it has when it fans out): Save's question and its "Saved." say who it goes
// to. A marketer was told "webhook changes apply to the next deliveries", then "Saved.", and it never sent.
import { activateCampaign, expect, test } from "./fixtures";

test("adding a webhook to a live triggered campaign says it goes to the events tracked from now on, not those already planned", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Live new webhook");
  await page.getByLabel("URL", { exact: true }).fill("https://live-new.example/one/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const id = page.url().split("/").at(-1)!;
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await delivery.getByRole("radiogroup", { name: "When" }).getByRole("radio", { name: "Triggered by event" }).check();
  await delivery.getByLabel("Event name").fill(`live_new_${id}`);
  await activateCampaign(page);
  await expect(delivery.getByText(`Active: each "live_new_${id}" event tracked from now on sends this campaign to its user.`)).toBeVisible();

  await page.getByRole("button", { name: "Add webhook" }).click();
  await page.getByLabel("Webhook name").nth(1).fill("Follow-up");
  await page.getByRole("region", { name: /^2\s*/ }).getByLabel("URL", { exact: true }).fill("https://live-new.example/two/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const said = "Webhook 2 (Follow-up) is new: it goes to nobody for the events already tracked (their users were planned with the webhooks they had); each event tracked from now on sends it too.";
  const dialog = page.getByRole("dialog", { name: "Save changes to a live campaign?" });
  await expect(dialog).toContainText(said);
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved. ${said}` })).toBeVisible();
});
