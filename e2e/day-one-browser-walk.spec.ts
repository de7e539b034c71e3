// What a new marketer met in the browser on the first day (phone and desktop): every section of the
// nav in view at 390 px, the "Saved as" choice read whole, a single webhook's results with nothing to compare.
import { expect, test } from "./fixtures";

test("at 390 px every nav link is on screen, none in a sideways-scrolling strip", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/campaigns");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Campaigns", "Activity", "Users", "Settings", "Audit log", "API"]) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
