// The SQLite files (database, -wal, -shm) and secret.key are created 0600 in a 0700 data
// directory whatever the umask; files an older version left readable by others are narrowed.
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { env, resetEnv } from "../env";
import { resetSecretKey, secretKey } from "../crypto/secret-box";
import { applyMigrations } from "./migrate";
import { createDb } from "./client";

const root = mkdtempSync(path.join(tmpdir(), "hookline-modes-"));
const modeOf = (file: string) => statSync(file).mode & 0o777;
const saved = { key: process.env.HOOKLINE_SECRET_KEY, dir: process.env.HOOKLINE_DATA_DIR };
const umask = process.umask(0o022);

afterEach(() => {
  process.env.HOOKLINE_SECRET_KEY = saved.key;
  if (saved.dir === undefined) delete process.env.HOOKLINE_DATA_DIR;
  else process.env.HOOKLINE_DATA_DIR = saved.dir;
  resetEnv();
  resetSecretKey();
});
afterAll(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

describe("file modes", () => {
  it("creates the SQLite database, its -wal and -shm 0600 in a new 0700 directory", async () => {
    const dir = path.join(root, "data");
    const file = path.join(dir, "hookline.db");
    await applyMigrations({ provider: "sqlite", file });
    const db = createDb({ provider: "sqlite", file });
    try {
      await db.campaign.count(); // the client opens the file: WAL and shared memory exist now
      expect(modeOf(dir)).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f), f).toBe(0o600);
    } finally {
      await db.$disconnect();
    }
  });

  it("narrows a database file left 0644 by an older version", async () => {
    const file = path.join(root, "old", "hookline.db");
    await applyMigrations({ provider: "sqlite", file });
    chmodSync(file, 0o644);
    await applyMigrations({ provider: "sqlite", file });
    expect(modeOf(file)).toBe(0o600);
  });

  it("creates secret.key 0600 in a new 0700 data directory, and narrows an existing one", () => {
    const dir = path.join(root, "keys");
    delete process.env.HOOKLINE_SECRET_KEY;
    process.env.HOOKLINE_DATA_DIR = dir;
    resetEnv();
    resetSecretKey();
    expect(env().dataDir).toBe(dir);
    expect(secretKey()).toHaveLength(32);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.join(dir, "secret.key"))).toBe(0o600);

    const other = path.join(root, "keys-old");
    process.env.HOOKLINE_DATA_DIR = other;
    resetEnv();
    resetSecretKey();
    secretKey();
    chmodSync(path.join(other, "secret.key"), 0o644);
    resetSecretKey();
    secretKey();
    expect(modeOf(path.join(other, "secret.key"))).toBe(0o600);
  });
});
