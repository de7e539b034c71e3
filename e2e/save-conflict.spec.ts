// Two tabs on one campaign: A saves a new URL, then B saves a description from the version it loaded
// before. B is refused with who changed it and when, keeps what it typed, and offers Reload; A's URL
// is what a reload shows. A second save from A's tab (holding the version its first save gave) passes.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a save from a stale tab is refused with the conflict, keeping what was typed; the first save's change stays", async ({ page, context }) => {
  const prisma = await appDb();
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Daily nudge");
  await page.getByLabel("URL", { exact: true }).fill("https://old.example.com/nudge/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const id = page.url().split("/").at(-1)!;

  const tabA = await context.newPage();
  const tabB = await context.newPage();
  await tabA.goto(`/campaigns/${id}`);
  await tabB.goto(`/campaigns/${id}`);
  await expect(tabB.getByLabel("URL", { exact: true })).toHaveValue("https://old.example.com/nudge/{{user.id}}");

  await tabA.getByLabel("URL", { exact: true }).fill("https://new.example.com/nudge/{{user.id}}");
  await tabA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabA.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await tabB.getByLabel("Description").fill("Nudges every day at nine");
  await tabB.getByRole("button", { name: "Save", exact: true }).click();
  const status = tabB.getByRole("status").filter({ hasText: "This campaign was changed" });
  await expect(status).toContainText(/This campaign was changed by .+ at \d{4}-\d\d-\d\d \d\d:\d\d UTC since you opened it\. Copy your changes, then reload to see theirs\./);
  await expect(tabB.getByLabel("Description")).toHaveValue("Nudges every day at nine");
  await expect(tabB.getByLabel("URL", { exact: true })).toHaveValue("https://old.example.com/nudge/{{user.id}}");
  await expect(status.getByRole("button", { name: "Reload" })).toBeVisible();

  const stored = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { description: true, actions: { select: { urlTemplate: true } } } });
  expect(stored).toEqual({ description: "", actions: [{ urlTemplate: "https://new.example.com/nudge/{{user.id}}" }] });

  // the first tab holds the version its save gave: it saves again
  await tabA.getByLabel("Campaign name").fill("Daily nudge (v2)");
  await tabA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabA.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  // Reload shows theirs
  tabB.on("dialog", (d) => void d.accept());
  await status.getByRole("button", { name: "Reload" }).click();
  await expect(tabB.getByLabel("URL", { exact: true })).toHaveValue("https://new.example.com/nudge/{{user.id}}");
  await expect(tabB.getByLabel("Campaign name")).toHaveValue("Daily nudge (v2)");
  await expect(tabB.getByLabel("Description")).toHaveValue("");
});
