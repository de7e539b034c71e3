// The campaign list a page at a time: 60 campaigns found by a search are two pages (50, then 10),
// newest edited first; the page, the search and the state filter live in the address, so a reload
// and Back show the same list; a bad page number says so and shows the list.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("campaign list: pages of 50, search and state filter in the address, reload and back", async ({ page }) => {
  const prisma = await appDb();
  const tag = `cl${Date.now()}`;
  const now = Date.now();
  try {
    // campaign i edited i seconds ago: 0 is the newest; every third one paused
    await prisma.campaign.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        name: `${tag} ${String(i).padStart(2, "0")}`,
        status: i % 3 === 0 ? "paused" : "draft",
        deliveryRule: { when: "immediate" },
        updatedAt: new Date(now - i * 1000),
      })),
    });
    const name = (i: number) => `${tag} ${String(i).padStart(2, "0")}`;
    const list = page.getByRole("list", { name: "Campaigns" });
    const pages = page.getByRole("navigation", { name: "Pages" });

    await page.goto("/campaigns");
    await page.getByLabel("Search campaigns").fill(tag);
    await page.getByLabel("Search campaigns").press("Enter");
    await expect(page).toHaveURL(new RegExp(`/campaigns\\?q=${tag}$`));
    await expect(list.getByRole("listitem")).toHaveCount(50);
    await expect(list.getByRole("link").first()).toHaveText(name(0));
    await expect(list.getByRole("link").last()).toHaveText(name(49));
    await expect(pages).toContainText("1–50 of 60 campaigns · page 1 of 2");
    await expect(pages.getByRole("link", { name: "Previous page" })).toHaveCount(0);

    await pages.getByRole("link", { name: "Next page" }).click();
    await expect(page).toHaveURL(new RegExp(`/campaigns\\?q=${tag}&page=2$`));
    await expect(list.getByRole("listitem")).toHaveCount(10);
    await expect(list.getByRole("link")).toHaveText(Array.from({ length: 10 }, (_, k) => name(50 + k)));
    await expect(pages).toContainText("51–60 of 60 campaigns · page 2 of 2");
    // a reload shows the same page, search kept in its box
    await page.reload();
    await expect(list.getByRole("listitem")).toHaveCount(10);
    await expect(page.getByLabel("Search campaigns")).toHaveValue(tag);
    // Back returns to page 1
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/campaigns\\?q=${tag}$`));
    await expect(list.getByRole("listitem")).toHaveCount(50);

    // The state filter applies at once, on the server, with the search; page 1 again
    await page.getByLabel("State").selectOption({ label: "Paused" });
    await expect(page).toHaveURL(/status=paused/);
    await expect(list.getByRole("listitem")).toHaveCount(20);
    await expect(list.getByRole("link").first()).toHaveText(name(0));
    await expect(list.getByRole("link").nth(1)).toHaveText(name(3));
    await expect(pages).toContainText("1–20 of 20 campaigns");
    await expect(pages.getByRole("link")).toHaveCount(0);
    await page.reload();
    await expect(page.getByLabel("State")).toHaveValue("paused");
    await expect(list.getByRole("listitem")).toHaveCount(20);
    await page.goBack();
    await expect(page.getByLabel("State")).toHaveValue("");
    await expect(list.getByRole("listitem")).toHaveCount(50);

    // Nothing matches; a page past the end; a page that is not a number
    await page.getByLabel("Search campaigns").fill(`${tag} none`);
    await page.getByLabel("Search campaigns").press("Enter");
    await expect(page.getByText("No campaign matches the search.")).toBeVisible();
    await page.goto(`/campaigns?q=${tag}&page=7`);
    await expect(page.getByText("There is no page 7: the list has 2.")).toBeVisible();
    await page.getByRole("link", { name: "Go to the last page" }).click();
    await expect(list.getByRole("listitem")).toHaveCount(10);
    const res = await page.goto(`/campaigns?q=${tag}&page=abc`);
    expect(res!.status()).toBe(200);
    await expect(page.getByRole("alert").filter({ hasText: "The page is a whole number from 1" })).toBeVisible();
    await expect(list.getByRole("listitem")).toHaveCount(50);
  } finally {
    await prisma.campaign.deleteMany({ where: { name: { startsWith: tag } } });
    await prisma.$disconnect();
  }
});
