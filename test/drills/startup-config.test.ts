// Day one for an operator: a start that cannot reach PostgreSQL, or is misconfigured, ends with one
// line saying what to fix (the setting named), never a stack trace or the password it was given, from
// each entry point: npm run migrate, npm start's preparation and npm run worker.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sparePort } from "./services";

const root = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "pw-Sentinel-31337";
const entryPoints = { migrate: "scripts/migrate.ts", prepare: "scripts/prepare.ts", worker: "worker/index.ts" } as const;
const testPostgres = process.env.HOOKLINE_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const onPostgres = /^postgres/.test(testPostgres ?? "");

function run(entry: keyof typeof entryPoints, overrides: Record<string, string>) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, { HOOKLINE_LOG_LEVEL: "info", HOOKLINE_QUEUE_PREFIX: "hookline-test-startup-config", ...overrides });
  const r = spawnSync(process.execPath, ["--import", "tsx", entryPoints[entry]], { cwd: root, env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 60_000 });
  const output = `${r.stdout}${r.stderr}`;
  return { status: r.status, output, problems: output.split("\n").filter((l) => l.trim() && !/ (INFO|WARN) /.test(l)) };
}

function expectOneLine(r: ReturnType<typeof run>, words: RegExp) {
  expect(r.status, r.output).toBe(1);
  expect(r.output).not.toMatch(/^\s+at /m);
  expect(r.output).not.toContain(PASSWORD);
  expect(r.problems, r.output).toHaveLength(1);
  expect(r.problems[0]).toMatch(words);
}

describe("a start that cannot reach PostgreSQL", () => {
  for (const entry of Object.keys(entryPoints) as (keyof typeof entryPoints)[]) {
    it(`${entry}: names the host and DATABASE_URL`, async () => {
      const port = await sparePort();
      const r = run(entry, { DATABASE_URL: `postgresql://hookline:${PASSWORD}@127.0.0.1:${port}/hookline?schema=x` });
      expectOneLine(r, new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} cannot be reached \\(ECONNREFUSED\\)\\. Check DATABASE_URL`));
    }, 90_000);
  }

  it.skipIf(!onPostgres)("a role PostgreSQL does not know: says the credentials in DATABASE_URL were refused", () => {
    const url = new URL(testPostgres!);
    url.username = "no_such_role_hookline";
    url.password = PASSWORD;
    expectOneLine(run("prepare", { DATABASE_URL: url.toString() }), /refused the credentials in DATABASE_URL: .*no_such_role_hookline/);
  }, 90_000);
});

describe("a misconfigured start", () => {
  it("a DATABASE_URL of another database: says which schemes it takes", () => {
    expectOneLine(run("migrate", { DATABASE_URL: `mysql://root:${PASSWORD}@127.0.0.1/hookline` }), /DATABASE_URL must start with postgres:\/\/, postgresql:\/\/ or file:/);
  }, 90_000);

  it("a worker whose secret key is not the install's: says so, whole", () => {
    expect(run("prepare", {}).status).toBe(0);
    // another machine: no HOOKLINE_SECRET_KEY, so a key generated into its own data directory
    const database = process.env.DATABASE_URL ?? `file:${path.join(process.env.HOOKLINE_DATA_DIR!, "hookline.db")}`;
    const r = run("worker", { DATABASE_URL: database, HOOKLINE_SECRET_KEY: "", HOOKLINE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "hookline-other-machine-")) });
    expectOneLine(r, /The worker cannot start: the key generated in \S+secret\.key is not the key this database's secrets are encrypted with: give every web process and worker the same HOOKLINE_SECRET_KEY \(the one the first start used\)\.$/);
  }, 90_000);

  it("an allowed host that can never match (a URL, a broken range): names the variable and the entry", () => {
    for (const [entry, words] of [["http://crm.internal", /not a URL/], ["10.0.0.0/33", /"10\.0\.0\.0\/33" is not a CIDR range/]] as const) {
      const r = run("prepare", { HOOKLINE_ALLOWED_HOSTS: `127.0.0.1,${entry}` });
      expectOneLine(r, /^Hookline cannot start: Invalid configuration: HOOKLINE_ALLOWED_HOSTS: /);
      expect(r.problems[0]).toMatch(words);
    }
    // wider than the settings page allows is the operator's choice
    expect(run("prepare", { HOOKLINE_ALLOWED_HOSTS: "127.0.0.1,10.0.0.0/7,crm.internal" }).status).toBe(0);
  }, 120_000);

  it("an invalid value: names the variable", () => {
    expectOneLine(run("worker", { HOOKLINE_WORKER_CONCURRENCY: "fifty" }), /The worker cannot start: Invalid configuration: HOOKLINE_WORKER_CONCURRENCY/);
  }, 90_000);
});
