// First run: a second instance of the app already built for this run, on a fresh empty database and
// without HOOKLINE_BOOTSTRAP_OWNER, asks its first visitor for the owner account. It is served with
// `next start` from the same HOOKLINE_DIST_DIR (after the same database preparation as npm start),
// so it never builds, and so never touches the build the main server is serving.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { databaseConfigFrom } from "../lib/env";
import { dropTestDatabase, testDatabaseEnv } from "../test/database-env";
import { expect, test } from "./fixtures";

const root = path.resolve(import.meta.dirname, "..");
let server: ChildProcess | undefined;
let output = "";
let baseURL = "";
let database: Record<string, string> = {};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`The first-run instance exited (${server?.exitCode}):\n${output}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The first-run instance did not answer ${url} within ${timeoutMs} ms:\n${output}`);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  database = testDatabaseEnv("first-run");
  const env: NodeJS.ProcessEnv = { ...process.env };
  // no owner, no key, and none of the main server's database settings
  for (const name of ["HOOKLINE_BOOTSTRAP_OWNER", "HOOKLINE_BOOTSTRAP_API_KEY", "DATABASE_URL", "HOOKLINE_DATA_DIR", "HOOKLINE_SECRET_KEY", "REDIS_URL"]) delete env[name];
  Object.assign(env, database, { PORT: String(port), NEXT_TELEMETRY_DISABLED: "1", HOOKLINE_LOG_LEVEL: "warn" });

  const prepared = spawnSync(process.execPath, ["--import", "tsx", "scripts/prepare.ts"], { cwd: root, env, encoding: "utf8" });
  if (prepared.status !== 0) throw new Error(`Preparing the first-run database failed:\n${prepared.stdout}${prepared.stderr}`);
  server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
  await waitForHealth(`${baseURL}/api/health`, 60_000);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill("SIGKILL");
  }
  await dropTestDatabase(databaseConfigFrom(database.DATABASE_URL, database.HOOKLINE_DATA_DIR!));
});

test("first run: the first visit creates the owner, who signs out and in again", async ({ browser }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Create the owner account" })).toBeVisible();
  // no account exists yet: nothing to sign in to
  await expect(page.getByRole("link", { name: "Sign in" })).toHaveCount(0);
  // The password rule is said once, as the field's hint, and is the field's description
  await expect(page.getByText(/10 characters/)).toHaveCount(1);
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription(/at least 10 characters/i);

  // A password that is too short is refused next to its field, and nothing is created.
  await page.getByLabel("Name").fill("Olivia Owner");
  await page.getByLabel("Email").fill("olivia@example.com");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  // what was typed stays, to be corrected rather than typed again
  await expect(page.getByLabel("Password")).toHaveValue("short");
  // refused, the rule is still said once (the error replaces the hint, it does not repeat it)
  await expect(page.getByText(/10 characters/)).toHaveCount(1);
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription(/at least 10 characters/i);
  await expect(page.getByRole("heading", { name: "Create the owner account" })).toBeVisible();

  await page.getByLabel("Password").fill("first-run-password");
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns$/);
  await expect(page.getByText("Olivia Owner")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/first-run-signed-in.png" });

  await page.getByRole("button", { name: "Sign out" }).click();
  // The install has its owner now: the screen is the ordinary sign-in.
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/campaigns");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("button", { name: "Create owner account" })).toHaveCount(0);

  await page.getByLabel("Email").fill("olivia@example.com");
  await page.getByLabel("Password").fill("first-run-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  await expect(page.getByText("Olivia Owner")).toBeVisible();
  await context.close();
});
