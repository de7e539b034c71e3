// npm run backfill-url-passwords: moves URL passwords that actions saved before templated schemes were
// split ({{user.scheme}}://name:secret@host) still hold in clear into their encrypted column
// (lib/campaigns/url-password-backfill.ts). Safe to run again; what each action sends does not change.
import { env } from "../lib/env";
import { applyMigrations } from "../lib/db/migrate";
import { disconnectDb } from "../lib/db";
import { backfillUrlPasswords } from "../lib/campaigns/url-password-backfill";

async function main() {
  await applyMigrations(env().database);
  const { moved, stray } = await backfillUrlPasswords();
  console.log(`Encrypted the URL password of ${moved.length} webhook action(s) that held it in clear.`);
  if (stray.length) {
    console.log(`${stray.length} action(s) hold a URL password that cannot be split out (shown masked; saving them again asks for the URL to be rewritten): ${stray.join(", ")}`);
  }
  await disconnectDb();
}

main().catch(async (err) => {
  console.error(`Backfill failed, nothing was changed: ${(err as Error).message}`);
  await disconnectDb().catch(() => undefined);
  process.exit(1);
});
