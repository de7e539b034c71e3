// The Users page's search takes %, _ and \ as typed (lib/audience/user-search.ts): "_0" found "00" too,
// and "%" everyone. A repeated ?q= in the address is not a 500.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("the Users search finds ids and emails starting with what was typed, _ and % as written", async ({ page }) => {
  const prisma = await appDb();
  const tag = `srch${Date.now()}`;
  try {
    await prisma.user.createMany({
      data: [
        { id: `${tag}_0a`, attributes: {} },
        { id: `${tag}00b`, attributes: {} },
        { id: `${tag}-mail`, email: `${tag}%off@example.com`, attributes: {} },
      ],
    });
    const main = page.getByRole("main");
    const search = page.getByRole("search").getByLabel("Search by id or email");

    await page.goto("/users");
    await search.fill(`${tag.toUpperCase()}_0`);
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    await expect(main.getByRole("link", { name: `${tag}_0a` })).toBeVisible();
    await expect(main.getByRole("link", { name: `${tag}00b` })).toHaveCount(0);

    await search.fill(`${tag}%`);
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    await expect(main.getByRole("link", { name: `${tag}-mail` })).toBeVisible();
    await expect(main.getByRole("table").getByRole("row")).toHaveCount(2);

    // a key repeated in the address counts once, its first value (it was a 500)
    const response = await page.goto(`/users?q=${tag}_0&q=other`);
    expect(response?.status()).toBe(200);
    await expect(search).toHaveValue(`${tag}_0`);
    await expect(main.getByRole("link", { name: `${tag}_0a` })).toBeVisible();
    await page.goto(`/users?q=${tag}_1`);
    await expect(main.getByText("No users match.")).toBeVisible();
  } finally {
    await prisma.user.deleteMany({ where: { id: { startsWith: tag } } });
    await prisma.$disconnect();
  }
});
