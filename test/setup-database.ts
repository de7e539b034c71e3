// Every test file gets a database of its own, migrated: a fresh SQLite file, or, when DATABASE_URL
// points at PostgreSQL, a fresh schema in it (dropped afterwards). No database is ever mocked.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { env, resetEnv } from "@/lib/env";
import { applyMigrations } from "@/lib/db/migrate";
import { disconnectDb } from "@/lib/db";
import { dropTestDatabase, testDatabaseEnv } from "./database-env";

Object.assign(process.env, testDatabaseEnv(), {
  HOOKLINE_LOG_LEVEL: process.env.HOOKLINE_LOG_LEVEL ?? "warn",
  HOOKLINE_ALLOWED_HOSTS: "127.0.0.1,::1",
  HOOKLINE_SECRET_KEY: randomBytes(32).toString("base64"),
  HOOKLINE_DEMO_SEED: "0",
  HOOKLINE_EMBEDDED_WORKER: "0",
});
resetEnv();

beforeAll(async () => {
  await applyMigrations(env().database);
});

afterAll(async () => {
  await disconnectDb();
  await dropTestDatabase(env().database);
});
