import { test, expect, OWNER } from "./fixtures";

// Password guessing through the sign-in form stops at the account's limit and tells the person how
// long to wait; the failures are in the audit log with the address the server saw on its socket.
test("the sign-in form stops guessing after ten wrong passwords and says how long to wait", async ({ browser, baseURL, page }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const guesser = await context.newPage();
  await guesser.goto("/sign-in");
  const attempt = async (password: string) => {
    await guesser.getByLabel("Email").fill("guessed@hookline.test");
    await guesser.getByLabel("Password").fill(password);
    await guesser.getByRole("button", { name: "Sign in" }).click();
    // React empties the password box once the action has answered.
    await expect(guesser.getByLabel("Password")).toHaveValue("");
  };
  for (let i = 0; i < 10; i++) {
    await attempt(`wrong guess ${i}`);
    await expect(guesser.getByRole("alert").filter({ hasText: "That email and password do not match an account." })).toBeVisible();
  }
  await attempt("one more guess");
  await expect(guesser.getByText(/Too many attempts, try again in \d+ s/)).toBeVisible();
  await context.close();

  await page.goto("/audit-log");
  const failed = page.getByRole("row").filter({ hasText: "member.sign_in_failed" }).filter({ hasText: "g***@hookline.test" });
  await expect(failed).toHaveCount(10);
  await expect(failed.first()).toContainText("127.0.0.1");
  await expect(page.getByRole("row").filter({ hasText: "member.sign_in_throttled" })).toHaveCount(1);
});

// The HTTP route: the address counted is the connection's, whatever X-Forwarded-For (or our own
// internal header) a client sends, and a successful sign-in's JSON carries no session token.
test("the sign-in route counts the connection's address and returns no session token", async ({ playwright, baseURL, page }) => {
  const api = await playwright.request.newContext({ baseURL });
  const spoofed = { origin: baseURL!, "x-forwarded-for": "6.6.6.6", "x-hookline-peer": "7.7.7.7" };
  const wrong = await api.post("/api/auth/sign-in/email", { data: { email: "spoofer@hookline.test", password: "wrong password" }, headers: spoofed });
  expect(wrong.status()).toBe(401);
  const right = await api.post("/api/auth/sign-in/email", { data: OWNER, headers: spoofed });
  expect(right.status()).toBe(200);
  const body = await right.json();
  expect(body.user.email).toBe(OWNER.email);
  expect(body).not.toHaveProperty("token");
  await api.dispose();

  await page.goto("/audit-log");
  const row = page.getByRole("row").filter({ hasText: "s***@hookline.test" });
  await expect(row).toContainText("member.sign_in_failed");
  await expect(row).toContainText("127.0.0.1");
});
