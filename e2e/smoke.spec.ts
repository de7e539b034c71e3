import { expect, test } from "./fixtures";

test("the campaign list opens on a fresh install with the demo campaign", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  // by its name: the whole suite's campaigns can push it off the first page
  await page.goto("/campaigns?q=Welcome%20to%20Hookline");
  await expect(page.getByRole("link", { name: "Welcome to Hookline (demo)", exact: true })).toBeVisible();
});
