// The environment for a fresh, isolated database: a temporary SQLite directory, or a new schema
// beside the one DATABASE_URL names. Used by the vitest setup and by tests that spawn processes.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DatabaseConfig } from "../lib/env";

export function testDatabaseEnv(label = "t"): Record<string, string> {
  const base = process.env.HOOKLINE_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `hookline-${label}-`));
  if (base && /^postgres(ql)?:\/\//.test(base)) {
    process.env.HOOKLINE_TEST_DATABASE_URL = base;
    const url = new URL(base);
    const prefix = url.searchParams.get("schema") ?? "test";
    url.searchParams.set("schema", `${prefix}_${label}_${randomBytes(4).toString("hex")}`.toLowerCase());
    return { DATABASE_URL: url.toString(), HOOKLINE_DATA_DIR: dataDir };
  }
  return { HOOKLINE_DATA_DIR: dataDir };
}

/** Drops the schema a PostgreSQL test database lives in (a SQLite one is a temporary file: nothing to do). */
export async function dropTestDatabase(config: DatabaseConfig): Promise<void> {
  if (config.provider !== "postgresql") return;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${config.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
