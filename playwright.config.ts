// Playwright drives the real app (npm start on a fresh database) in Chromium found by
// scripts/e2e.mjs (CHROMIUM_PATH, /usr/bin/chromium, or Playwright's own download).
import { defineConfig } from "@playwright/test";
import { testDatabaseEnv } from "./test/database-env";

const port = Number(process.env.E2E_PORT ?? 3100);
// Computed once in the main process; workers inherit it through the environment.
if (!process.env.HOOKLINE_E2E_ENV) process.env.HOOKLINE_E2E_ENV = JSON.stringify(testDatabaseEnv("e2e"));
const appEnv: Record<string, string> = JSON.parse(process.env.HOOKLINE_E2E_ENV);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  // one retry, reported as "flaky" by the list reporter: a browser test that fails twice still fails the run (the
  // 2026-12-07 rehearsal's one failure, editor-day-one's preview after Stop signing, passed on every rerun; see the note)
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || undefined,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...appEnv,
      PORT: String(port),
      HOOKLINE_ALLOWED_HOSTS: "127.0.0.1,::1",
      // The owner e2e/fixtures.ts signs in as (every spec's page starts signed in).
      HOOKLINE_BOOTSTRAP_OWNER: "owner@hookline.test:e2e-owner-password",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
