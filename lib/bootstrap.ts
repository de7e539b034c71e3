// What a start does before serving: migrate, then fill an empty install (demo data, bootstrap
// credentials). Run by scripts/prepare.ts from npm start, by workers, and by the test harness.
import { env } from "./env";
import { applyMigrations } from "./db/migrate";
import { isSqliteBusy } from "./db/busy";
import { log } from "./log";
import { checkSecretKey } from "./crypto/key-check";

// SQLite answers "database is locked" at once (lib/db/busy.ts) when a read transaction cannot become a
// write one because another process wrote meanwhile, e.g. a start during a big fan-out. Every step
// below is idempotent, so the whole preparation is simply tried again.
const BUSY_TRIES = 10;

export async function prepareInstall(options: { seed?: boolean } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prepareOnce(options);
    } catch (err) {
      if (attempt >= BUSY_TRIES || !isSqliteBusy(err)) throw err;
      log.warn("The database is busy; preparing again", { attempt });
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
}

async function prepareOnce(options: { seed?: boolean }) {
  const { checkAllowedHostsFromEnv } = await import("./webhooks/allowed-destinations");
  checkAllowedHostsFromEnv();
  const config = env().database;
  const applied = await applyMigrations(config);
  if (applied.length) log.info(`Applied ${applied.length} database migration(s)`, { migrations: applied });
  // the same key in every process of the install, or a clear stop (key-check.ts)
  await checkSecretKey();
  // actions saved before a templated scheme's URL password (or a user name that is the credential) was
  // split still hold it in clear: encrypt it (one that cannot be split is named at every start until rewritten)
  const { backfillUrlPasswords } = await import("./campaigns/url-password-backfill");
  const backfill = await backfillUrlPasswords();
  if (backfill.moved.length) log.info(`Encrypted the URL password of ${backfill.moved.length} webhook action(s) that held it in clear`);
  if (backfill.stray.length) log.warn("Webhook actions hold a URL password written where it cannot be split out: shown masked; saving them asks for the URL to be rewritten", { actions: backfill.stray });
  // headers named like a credential (Authorization, X-Api-Key) saved unticked were stored in clear: encrypt them
  const { backfillSecretHeaders } = await import("./campaigns/secret-header-backfill");
  const headers = await backfillSecretHeaders();
  if (headers.sealed.length) log.info(`Encrypted the credential headers of ${headers.sealed.length} webhook action(s) that held them in clear`);
  const { bootstrapApiKey } = await import("./auth/api-keys");
  await bootstrapApiKey(env().HOOKLINE_BOOTSTRAP_API_KEY);
  const { bootstrapOwner } = await import("./auth/members");
  await bootstrapOwner(env().HOOKLINE_BOOTSTRAP_OWNER);
  if (options.seed ?? env().HOOKLINE_DEMO_SEED) {
    const { seedDemoIfEmpty } = await import("./campaigns/demo-seed");
    await seedDemoIfEmpty();
  }
}
