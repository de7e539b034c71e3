import { closeSync, openSync, ftruncateSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect, OWNER } from "./fixtures";
import { appDb } from "./app-db";

// Its own context: signing out ends that session, and the other tests share the fixture's.
test("the owner signs in and out", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/campaigns");
  await expect(page).toHaveURL(/\/sign-in$/);
  await context.close();
});

test("an admin creates an API key, shown once, that the API accepts", async ({ page, playwright, baseURL }) => {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByLabel("Key name").fill("CRM sync");
  // least privilege by default: editor loads users and tracks events (lib/api/catalog.ts), admin is not needed
  await expect(page.getByLabel("Role").first()).toHaveValue("editor");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByLabel("New API key").textContent())!.trim();
  expect(key).toMatch(/^hk_live_/);
  await expect(page.getByRole("cell", { name: "CRM sync", exact: true })).toBeVisible();
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const res = await api.post("/api/v1/users", { data: { userId: "api-made", email: "api@example.com", attributes: { plan: "pro" } } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ created: 1, updated: 0 });
  expect((await api.get("/api/v1/users/api-made")).status()).toBe(200);
  // a method the route does not have: the API's envelope and Allow, as OPTIONS lists the methods (not Next's empty 405)
  const wrong = await api.fetch("/api/v1/users/api-made", { method: "PATCH" });
  expect(wrong.status()).toBe(405);
  expect(wrong.headers()["allow"]).toBe("DELETE, GET, HEAD, OPTIONS");
  expect(await wrong.json()).toEqual({ error: { code: "method_not_allowed", message: "PATCH is not allowed on /api/v1/users/api-made; it allows DELETE, GET, HEAD, OPTIONS", details: null } });
  const options = await api.fetch("/api/v1/users/api-made", { method: "OPTIONS" });
  expect([options.status(), options.headers()["allow"]]).toEqual([204, "DELETE, GET, HEAD, OPTIONS"]);
  expect((await api.head("/api/v1/users/api-made")).status()).toBe(200);
  await page.reload();
  await expect(page.getByLabel("New API key")).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);
  await api.dispose();
});

test("a CSV import maps columns, shows progress and reports rejected lines; the users appear", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  const csv = "user_id;email;plan;seats\ncsv-1;one@example.com;pro;3\ncsv-2;not-an-email;free;1\ncsv-3;three@example.com;team;x\ncsv-4;four@example.com;pro;5\n";
  await page.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByText("4 columns, UTF-8, semicolon separated")).toBeVisible();
  await expect(page.getByLabel("Import column user_id as")).toHaveValue("userId");
  await page.getByLabel("Type of column seats").selectOption("number");
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toBeVisible();
  const report = page.getByRole("region", { name: "Import report" });
  await expect(report).toContainText("2 rows imported (2 new users, 0 updated), 2 rejected");
  await expect(report.getByRole("row", { name: /3 .*not a valid email/ })).toBeVisible();
  await expect(report.getByRole("row", { name: /4 .*seats: "x" is not a number/ })).toBeVisible();
  const download = page.waitForEvent("download");
  await report.getByRole("link", { name: "Download rejected rows" }).click();
  expect((await download).suggestedFilename()).toBe("rejected-rows.csv");
  await page.goto("/users?q=csv-");
  await expect(page.getByRole("link", { name: "csv-1" })).toBeVisible();
  await expect(page.getByRole("link", { name: "csv-4" })).toBeVisible();
  await expect(page.getByRole("link", { name: "csv-2" })).toHaveCount(0);
  await page.getByRole("link", { name: "csv-1" }).click();
  await expect(page.getByRole("heading", { name: "csv-1" })).toBeVisible();
  await expect(page.getByText("one@example.com")).toBeVisible();
});

test("an upload's name shows as itself (a right-to-left override dropped) and a long cell is shown cut with an ellipsis, imported whole", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  const notes = "n".repeat(300);
  // "\u202E" would display the rest of the name backwards
  await page.getByLabel("CSV file").setInputFiles({ name: "\u202Elong-notes.csv", mimeType: "text/csv", buffer: Buffer.from(`id,notes\nlong-1,${notes}\n`) });
  await expect(page.getByText("long-notes.csv: 2 columns, UTF-8, comma separated.", { exact: true })).toBeVisible();
  await expect(page.getByText(`${"n".repeat(199)}…`, { exact: true })).toBeAttached();
  await expect(page.getByText(notes, { exact: true })).toHaveCount(0);
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("region", { name: "Import report" })).toContainText("1 row imported (1 new user, 0 updated), 0 rejected");
  const prisma = await appDb();
  try {
    const user = await prisma.user.findUnique({ where: { id: "long-1" } });
    expect(JSON.stringify(user?.attributes)).toContain(notes);
  } finally {
    await prisma.$disconnect();
  }
});

test("a 100 MB file is refused before it is uploaded", async ({ page }) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "hookline-e2e-")), "huge.csv");
  const fd = openSync(file, "w");
  ftruncateSync(fd, 100 * 1024 * 1024);
  closeSync(fd);
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  await page.getByLabel("CSV file").setInputFiles(file);
  await expect(page.getByText("The file is 100 MB; the limit is 50 MB. Split it and import the parts.")).toBeVisible();
});

test("an invited viewer joins by link, sees the campaign but no Test send button", async ({ page, browser, baseURL }) => {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Invite member" }).click();
  await page.getByLabel("Email").fill("viewer@example.com");
  // the invitation's own Role (exact): a member row's "Role of …" select, of a member an earlier spec left, also matches "Role"
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByLabel("Invitation link").textContent())!.trim();
  expect(link).toContain("/invite/");

  const viewer = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const viewerPage = await viewer.newPage();
  await viewerPage.goto(link);
  await viewerPage.getByLabel("Name").fill("Vera");
  await viewerPage.getByLabel("Password").fill("viewer-password-1");
  await viewerPage.getByRole("button", { name: "Join" }).click();
  await expect(viewerPage.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  await expect(viewerPage.getByText("Vera")).toBeVisible();
  // found by name: earlier specs' campaigns may have moved it off the list's first page
  await viewerPage.goto("/campaigns?q=Welcome%20to%20Hookline");
  await viewerPage.getByRole("link", { name: "Welcome to Hookline (demo)" }).first().click();
  await expect(viewerPage.getByRole("heading", { name: /Preview|Request/i }).first()).toBeVisible();
  // exact: a Recent test sends row is a button too, named by its error ("…a test send is never signed…")
  await expect(viewerPage.getByRole("button", { name: "Test send", exact: true })).toHaveCount(0);
  // the goal is shown, not offered: disabled with a note rather than refused after the click
  const results = viewerPage.getByRole("region", { name: "Goal and results", exact: true });
  await expect(results.getByLabel("Goal event", { exact: true })).toBeDisabled();
  await expect(results.getByRole("button", { name: "Save goal", exact: true })).toBeDisabled();
  await expect(results.getByText("Viewers cannot change the goal", { exact: true })).toBeVisible();
  // A crafted request is refused on the server too.
  const res = await viewer.request.post("/api/test-sends", { data: {}, headers: { origin: baseURL! } });
  expect(res.status()).toBe(403);
  // no New campaign for a viewer; a typed URL says why instead of landing on the list without a word
  await viewerPage.goto("/campaigns/new");
  await expect(viewerPage.getByText("Viewers cannot create campaigns", { exact: true })).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  // Import CSV is disabled with its reason, not refused after a file is picked
  await viewerPage.goto("/users");
  await expect(viewerPage.getByRole("button", { name: "Import CSV", exact: true })).toBeDisabled();
  await expect(viewerPage.getByText("Viewers cannot import users", { exact: true })).toBeVisible();
  // the audit log is an admin's: no link to a page that only says so
  const nav = viewerPage.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit log", exact: true })).toHaveCount(0);
  await viewerPage.goto("/settings");
  await expect(viewerPage.getByText("Only admins can manage API keys and members.")).toBeVisible();
  await viewerPage.goto("/audit-log");
  await expect(viewerPage.getByText("Only admins can see the audit log.")).toBeVisible();
  await expect(viewerPage.getByRole("table")).toHaveCount(0);
  await viewer.close();

  // The owner sees the viewer's arrival in the audit log, and has its link.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log", exact: true })).toBeVisible();
  await page.goto("/audit-log");
  await expect(page.getByRole("row").filter({ hasText: "member.joined" }).filter({ hasText: "viewer@example.com" })).toBeVisible();
});

test("without signing in, pages lead to Sign in and internal routes answer 401; the API reference stays open", async ({ browser, baseURL }) => {
  const anonymous = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await anonymous.newPage();
  await page.goto("/users");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect((await anonymous.request.get("/api/deliveries")).status()).toBe(401);
  expect((await anonymous.request.get("/api/health")).status()).toBe(200);
  expect((await anonymous.request.get("/api/v1/openapi.json")).status()).toBe(200);
  expect((await anonymous.request.get("/api/v1/users")).status()).toBe(401);
  // which methods a route has is public (the OpenAPI document is): a wrong one is 405 before the key is asked for
  const wrongMethod = await anonymous.request.put("/api/v1/events", { data: {} });
  expect([wrongMethod.status(), wrongMethod.headers()["allow"], (await wrongMethod.json()).error.code]).toEqual([405, "OPTIONS, POST", "method_not_allowed"]);
  await page.goto("/api-reference");
  await expect(page.getByRole("heading", { name: "API reference" })).toBeVisible();
  await anonymous.close();
});

test("on a phone (390 px) Users, Settings and the audit log do not scroll sideways: only their tables may", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, heading] of [["/users", "Users"], ["/settings", "Settings"], ["/audit-log", "Audit log"]] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, exact: true, level: 1 })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390 + 1);
  }
});

test("a CSV column named like an attribute users have ('First Name' beside firstName) is guessed as that attribute, not a second one", async ({ page }) => {
  const prisma = await appDb();
  const id = `guess-${Date.now()}`;
  try {
    await prisma.user.create({ data: { id, attributes: { firstName: "Ada" } } });
    // the guess reads the catalogue as the editors' suggestions last read it (kept 30 s): an editor
    // another spec opened just before this user was made may hold a reading without firstName
    await expect(async () => {
      await page.goto("/users");
      await page.getByRole("button", { name: "Import CSV" }).click();
      await page.getByLabel("CSV file").setInputFiles({ name: "names.csv", mimeType: "text/csv", buffer: Buffer.from(`id,First Name\n${id},Grace\n`) });
      await expect(page.getByLabel("Attribute name for column First Name")).toHaveValue("firstName", { timeout: 5_000 });
    }).toPass({ timeout: 45_000 });
    await expect(page.getByLabel("Type of column First Name")).toHaveValue("string");
  } finally {
    await prisma.$disconnect();
  }
});
