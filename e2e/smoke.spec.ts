import { expect, test } from "./fixtures";

test("the campaign list opens on a fresh install with the demo campaign", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  await expect(page.getByText("Welcome to Hookline (demo)")).toBeVisible();
});
