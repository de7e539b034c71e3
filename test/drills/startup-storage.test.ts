// Fault drill: a start on storage that cannot be written (a read-only data directory or database
// file, a full disk, a data directory that cannot exist) ends with one clear line and a non-zero
// exit, never a stack trace.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { impossibleDir, makeReadOnly, tempDir, tinyFileSystem, unmountAll } from "./storage";

const root = path.resolve(import.meta.dirname, "../..");

function prepare(dataDir: string) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== "DATABASE_URL") env[k] = v;
  Object.assign(env, { HOOKLINE_DATA_DIR: dataDir, HOOKLINE_DEMO_SEED: "0", HOOKLINE_LOG_LEVEL: "warn" });
  delete env.HOOKLINE_SECRET_KEY;
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/prepare.ts"], { cwd: root, env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stderr: r.stderr, lines: r.stderr.split("\n").filter((l) => l.trim() && !/ (INFO|WARN) /.test(l)) };
}

function expectOneClearLine(r: ReturnType<typeof prepare>, words: RegExp) {
  expect(r.status, r.stderr).not.toBe(0);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.lines, r.stderr).toHaveLength(1);
  expect(r.lines[0]).toMatch(/^Hookline cannot start: /);
  expect(r.lines[0]).toMatch(words);
}

afterAll(() => unmountAll());

describe("starting on storage that cannot be written", () => {
  it("a data directory whose parent is a file", () => {
    expectOneClearLine(prepare(impossibleDir()), /HOOKLINE_DATA_DIR/);
  });

  it("a read-only data directory holding an existing database", (ctx) => {
    const dir = tempDir("ro");
    expect(prepare(dir).status).toBe(0);
    const reason = makeReadOnly(dir);
    if (reason) return ctx.skip(reason);
    expectOneClearLine(prepare(dir), /read-only|HOOKLINE_DATA_DIR/);
  });

  it("a read-only, empty data directory (first start)", (ctx) => {
    const dir = tempDir("ro-empty");
    const reason = makeReadOnly(dir);
    if (reason) return ctx.skip(reason);
    expectOneClearLine(prepare(dir), /read-only|HOOKLINE_DATA_DIR/);
  });

  it("a full disk", (ctx) => {
    const fs = tinyFileSystem(64);
    if ("skip" in fs) return ctx.skip(fs.skip);
    expectOneClearLine(prepare(fs.dir), /disk is full/);
  });
});
