import type { Page } from "@playwright/test";
import { test, expect, invite, OWNER } from "./fixtures";

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

// An attacker's review: ten wrong passwords for a member, from anywhere, refused the member's right
// password for 15 minutes. A browser the member signed in from through the form holds a device cookie
// (lib/auth/device-cookie.ts), and its sign-ins are not counted with the stranger's, while its session
// merely ended; signing out takes the cookie out of the browser (a shared browser keeps no device).
test("a stranger's ten wrong passwords do not lock a member out of a browser they signed in from before", async ({ browser, baseURL, page }) => {
  test.setTimeout(120_000); // twelve sign-ins through the form, each a password hash
  const email = "kept@hookline.test";
  const password = "kept-member-password-1";
  const link = await invite(page, email, "viewer");
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const own = await context.newPage();
  await own.goto(link);
  await own.getByLabel("Name").fill("Kept");
  await own.getByLabel("Password").fill(password);
  await own.getByRole("button", { name: "Join" }).click();
  await expect(own.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  const deviceCookies = async () => (await context.cookies()).filter((c) => /hookline\.device_/.test(c.name));
  expect(await deviceCookies()).toHaveLength(1);
  await own.getByRole("button", { name: "Sign out" }).click();
  await expect(own.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await deviceCookies()).toHaveLength(0);
  const signIn = async (on: Page, typed = password) => {
    await on.goto("/sign-in");
    await on.getByLabel("Email").fill(email);
    await on.getByLabel("Password").fill(typed);
    await on.getByRole("button", { name: "Sign in" }).click();
  };
  // the form's sign-in (a server action) sets the session and the device cookie, httpOnly
  await signIn(own);
  await expect(own.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  const device = await deviceCookies();
  expect(device).toHaveLength(1);
  expect(device[0]).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(device[0]!.expires * 1000 - Date.now()).toBeGreaterThan(300 * 24 * 60 * 60_000);
  // the session ends without a sign-out (it expired): the browser keeps its device cookie
  await context.clearCookies({ name: /session_token/ });

  // a stranger's browser (through the form: the HTTP route also allows only 3 sign-ins per 10 s per address)
  const strangers = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const stranger = await strangers.newPage();
  for (let i = 0; i < 10; i++) {
    await signIn(stranger, `wrong guess ${i}`);
    await expect(stranger.getByLabel("Password")).toHaveValue("");
    await expect(stranger.getByRole("alert").filter({ hasText: "That email and password do not match an account." })).toBeVisible();
  }
  await strangers.close();

  // a browser the member never signed in from waits, as before
  const fresh = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const elsewhere = await fresh.newPage();
  await signIn(elsewhere);
  await expect(elsewhere.getByText(/^Too many attempts, try again in \d+ s$/)).toBeVisible();
  await fresh.close();
  // the member's own browser signs in
  await signIn(own);
  await expect(own.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  // signed out, it is a browser like any other: the stranger's count holds it too
  await own.getByRole("button", { name: "Sign out" }).click();
  await expect(own.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await deviceCookies()).toHaveLength(0);
  await signIn(own);
  await expect(own.getByText(/^Too many attempts, try again in \d+ s$/)).toBeVisible();
  await context.close();
});
