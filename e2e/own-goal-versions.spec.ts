// The Goal form's save is version-checked like the other saves: from a tab that missed a change it is
// refused with the conflict, keeping what was typed (it had silently written over the other change).
// And a tab that missed a goal set in another tab deletes a webhook, then saves: its own delete is no
// conflict (it was, until a reload), while its Goal form, which never showed that goal, is refused. Campaigns are written straight to the app's database.
import { appDb, twoWebhooks } from "./app-db";
import { expect, test } from "./fixtures";

const storedGoal = async (id: string) => {
  const prisma = await appDb();
  try {
    return await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { name: true, goalEvent: true, actions: { select: { name: true } } } });
  } finally {
    await prisma.$disconnect();
  }
};

async function saveGoal(page: import("@playwright/test").Page, event: string) {
  const goal = page.getByRole("region", { name: "Goal and results" });
  await goal.getByLabel("Goal event").fill(event);
  await goal.getByRole("button", { name: "Save goal" }).click();
  return goal.getByRole("status");
}

test("a goal saved from a stale tab is refused as a conflict, keeping what was typed; the other change stays", async ({ context }) => {
  const campaign = await twoWebhooks(`Stale goal ${Date.now()}`);
  const tabA = await context.newPage();
  const tabB = await context.newPage();
  await tabA.goto(`/campaigns/${campaign.id}`);
  await tabB.goto(`/campaigns/${campaign.id}`);
  await expect(tabB.getByLabel("Campaign name")).toHaveValue(campaign.name);

  await tabA.getByLabel("Campaign name").fill(`${campaign.name} renamed`);
  await tabA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabA.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  const status = await saveGoal(tabB, "purchase");
  await expect(status).toHaveText(/This campaign was changed by .+ at \d{4}-\d\d-\d\d \d\d:\d\d UTC since you opened it\. Copy your changes, then reload to see theirs\./);
  await expect(tabB.getByRole("region", { name: "Goal and results" }).getByLabel("Goal event")).toHaveValue("purchase");
  expect(await storedGoal(campaign.id)).toMatchObject({ name: `${campaign.name} renamed`, goalEvent: null });

  // the renaming tab holds the version its save gave: its goal is saved
  await expect(await saveGoal(tabA, "purchase")).toHaveText(/^Goal saved: purchase within/);
});

test("a goal set in another tab, then this tab deletes a webhook and saves: saved, not a conflict with its own delete", async ({ context }) => {
  const campaign = await twoWebhooks(`Missed goal ${Date.now()}`);
  const tabA = await context.newPage();
  const tabB = await context.newPage();
  await tabA.goto(`/campaigns/${campaign.id}`);
  await tabB.goto(`/campaigns/${campaign.id}`);
  await expect(tabA.getByLabel("Webhook name")).toHaveCount(2);

  await expect(await saveGoal(tabB, "signup")).toHaveText(/^Goal saved: signup within/);

  await tabA.getByRole("button", { name: "Delete webhook" }).nth(1).click();
  await tabA.getByRole("dialog", { name: "Delete this webhook?" }).getByRole("button", { name: "Delete" }).click();
  await expect(tabA.getByLabel("Webhook name")).toHaveCount(1);
  await tabA.getByLabel("Campaign name").fill(`${campaign.name} renamed`);
  await tabA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabA.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(tabA.getByText("This campaign was changed")).toHaveCount(0);
  expect(await storedGoal(campaign.id)).toEqual({ name: `${campaign.name} renamed`, goalEvent: "signup", actions: [{ name: "First" }] });

  // its Goal form never showed the other tab's goal: refused, not written over it
  await expect(await saveGoal(tabA, "purchase")).toHaveText(/^This campaign was changed by /);
  expect(await storedGoal(campaign.id)).toMatchObject({ goalEvent: "signup" });
});
