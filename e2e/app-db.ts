// The database of the app under test (the one playwright.config.ts started `npm start` on), for
// specs that write users and campaigns straight into it or read what the app wrote.
import path from "node:path";

export async function appDb() {
  Object.assign(process.env, JSON.parse(process.env.HOOKLINE_E2E_ENV ?? "{}"));
  const { databaseConfigFrom } = await import("../lib/env");
  const { createDb } = await import("../lib/db/client");
  return createDb(databaseConfigFrom(process.env.DATABASE_URL, path.resolve(process.env.HOOKLINE_DATA_DIR ?? "./data")));
}

/** A triggered campaign with two webhooks, "First" and "Second", written straight to the app's database. */
export async function twoWebhooks(name: string) {
  const prisma = await appDb();
  try {
    const hook = (n: string, position: number) => ({ name: n, position, urlTemplate: `http://127.0.0.1:9999/${n.toLowerCase()}/{{user.id}}`, fields: [], headers: [] });
    return await prisma.campaign.create({
      data: { name, deliveryRule: { when: "triggered", event: `signup-${Date.now()}` }, actions: { create: [hook("First", 1), hook("Second", 2)] } },
    });
  } finally {
    await prisma.$disconnect();
  }
}
