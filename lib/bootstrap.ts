// What a start does before serving: migrate, then fill an empty install (demo data, bootstrap
// credentials). Run by scripts/prepare.ts from npm start, by workers, and by the test harness.
import { env } from "./env";
import { applyMigrations } from "./db/migrate";
import { log } from "./log";
import { secretKey } from "./crypto/secret-box";

export async function prepareInstall(options: { seed?: boolean } = {}) {
  const config = env().database;
  const applied = await applyMigrations(config);
  if (applied.length) log.info(`Applied ${applied.length} database migration(s)`, { migrations: applied });
  secretKey();
  const { bootstrapApiKey } = await import("./auth/api-keys");
  await bootstrapApiKey(env().HOOKLINE_BOOTSTRAP_API_KEY);
  const { bootstrapOwner } = await import("./auth/members");
  await bootstrapOwner(env().HOOKLINE_BOOTSTRAP_OWNER);
  if (options.seed ?? env().HOOKLINE_DEMO_SEED) {
    const { seedDemoIfEmpty } = await import("./campaigns/demo-seed");
    await seedDemoIfEmpty();
  }
}
