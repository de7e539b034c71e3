// The database of the app under test (the one playwright.config.ts started `npm start` on), for
// specs that write users and campaigns straight into it or read what the app wrote.
import path from "node:path";

export async function appDb() {
  Object.assign(process.env, JSON.parse(process.env.HOOKLINE_E2E_ENV ?? "{}"));
  const { databaseConfigFrom } = await import("../lib/env");
  const { createDb } = await import("../lib/db/client");
  return createDb(databaseConfigFrom(process.env.DATABASE_URL, path.resolve(process.env.HOOKLINE_DATA_DIR ?? "./data")));
}
