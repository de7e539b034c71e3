import { test, expect } from "./fixtures";

// Password guessing through the sign-in form stops at the account's limit and tells the person how
// long to wait; the failures are in the audit log with the address the server saw on its socket.
test("the sign-in form stops guessing after ten wrong passwords and says how long to wait", async ({ browser, baseURL, page }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const guesser = await context.newPage();
  await guesser.goto("/sign-in");
  for (let i = 0; i < 10; i++) {
    await guesser.getByLabel("Email").fill("guessed@hookline.test");
    await guesser.getByLabel("Password").fill(`wrong guess ${i}`);
    await guesser.getByRole("button", { name: "Sign in" }).click();
    await expect(guesser.getByText("That email and password do not match an account.")).toBeVisible();
  }
  await guesser.getByLabel("Email").fill("guessed@hookline.test");
  await guesser.getByLabel("Password").fill("one more guess");
  await guesser.getByRole("button", { name: "Sign in" }).click();
  await expect(guesser.getByText(/Too many attempts, try again in \d+ s/)).toBeVisible();
  await context.close();

  await page.goto("/audit-log");
  const failed = page.getByRole("row").filter({ hasText: "member.sign_in_failed" });
  await expect(failed).toHaveCount(10);
  await expect(failed.first()).toContainText("g***@hookline.test");
  await expect(failed.first()).toContainText("127.0.0.1");
  await expect(page.getByRole("row").filter({ hasText: "member.sign_in_throttled" })).toHaveCount(1);
});
