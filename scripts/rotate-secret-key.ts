// npm run rotate-secret-key: re-encrypts every secret at rest from the current key to a new one.
//   HOOKLINE_NEW_SECRET_KEY=<32 bytes, hex or base64> npm run rotate-secret-key
// The old key is HOOKLINE_OLD_SECRET_KEY, else HOOKLINE_SECRET_KEY, else the data directory's
// secret.key (which is then replaced by the new key, the old one kept beside it). Stop the app first.
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../lib/env";
import { applyMigrations } from "../lib/db/migrate";
import { disconnectDb } from "../lib/db";
import { parseKey, secretKey } from "../lib/crypto/secret-box";
import { rotateSecretKey } from "../lib/crypto/rotate-key";

async function main() {
  const e = env();
  if (!e.HOOKLINE_NEW_SECRET_KEY) {
    console.error("Set HOOKLINE_NEW_SECRET_KEY to the new key (32 bytes as 64 hex digits or base64), e.g. `openssl rand -base64 32`.");
    process.exit(2);
  }
  const keyFile = path.join(e.dataDir, "secret.key");
  const fromFile = !e.HOOKLINE_OLD_SECRET_KEY && !e.HOOKLINE_SECRET_KEY;
  const oldKey = e.HOOKLINE_OLD_SECRET_KEY ? parseKey(e.HOOKLINE_OLD_SECRET_KEY) : secretKey();
  const newKey = parseKey(e.HOOKLINE_NEW_SECRET_KEY);
  await applyMigrations(e.database);
  const result = await rotateSecretKey(oldKey, newKey);
  if (fromFile && existsSync(keyFile)) {
    copyFileSync(keyFile, `${keyFile}.old-${Date.now()}`);
    writeFileSync(keyFile, newKey.toString("base64") + "\n", { mode: 0o600 });
    console.log(`Re-encrypted ${result.secrets} secrets in ${result.actions} webhook actions; ${keyFile} now holds the new key (the old one is kept beside it).`);
  } else {
    console.log(`Re-encrypted ${result.secrets} secrets in ${result.actions} webhook actions. Now set HOOKLINE_SECRET_KEY to the new key and restart.`);
  }
  console.log("Members will have to sign in again (sessions are signed with a key derived from it).");
  await disconnectDb();
}

main().catch(async (err) => {
  console.error(`Key rotation failed, nothing was changed: ${(err as Error).message}`);
  await disconnectDb().catch(() => undefined);
  process.exit(1);
});
