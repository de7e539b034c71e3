// Every process of an install must hold the same secret key: web processes seal the secrets that
// workers open, and sign the sessions other web processes check. Without HOOKLINE_SECRET_KEY each
// machine (or container) generates its own into its data directory, so a second web process or a
// worker elsewhere would quietly fail every signed or authenticated webhook and every session made on
// another. The database keeps a check value of the key (an HMAC of a fixed text: it reveals nothing
// of the key), and a start with another key stops, saying so.
import { createHmac } from "node:crypto";
import path from "node:path";
import type { DbOrTx } from "../db";
import { db } from "../db";
import { isUniqueViolation } from "../db/unique-violation";
import { env } from "../env";
import { decryptSecret, SecretKeyError, secretKey } from "./secret-box";

export const KEY_CHECK_SETTING = "secretKeyCheck";

function keyCheckValue(key: Buffer): string {
  return createHmac("sha256", key).update("hookline/secret-key-check").digest("base64url");
}

/** Records `key` as the install's key (the key rotation, in its transaction). */
export async function recordKeyCheck(tx: DbOrTx, key: Buffer) {
  const value = keyCheckValue(key);
  await tx.setting.upsert({ where: { key: KEY_CHECK_SETTING }, create: { key: KEY_CHECK_SETTING, value }, update: { value } });
}

function mismatch(): SecretKeyError {
  const e = env();
  const source = e.HOOKLINE_SECRET_KEY ? "HOOKLINE_SECRET_KEY" : `the key generated in ${path.join(e.dataDir, "secret.key")}`;
  return new SecretKeyError(
    `${source} is not the key this database's secrets are encrypted with: give every web process and worker the same HOOKLINE_SECRET_KEY (the one the first start used)`,
  );
}

/** Throws when this process's key is not the install's; on an install that has none recorded yet, records it. */
export async function checkSecretKey(prisma = db()): Promise<void> {
  const key = secretKey();
  const value = keyCheckValue(key);
  const stored = await prisma.setting.findUnique({ where: { key: KEY_CHECK_SETTING } });
  if (stored) {
    if (stored.value !== value) throw mismatch();
    return;
  }
  // an install from before the check: a secret it holds must open with this key before it is recorded
  const sealed = await prisma.action.findFirst({ where: { OR: [{ signingSecretEnc: { not: null } }, { urlPasswordEnc: { not: null } }] }, select: { signingSecretEnc: true, urlPasswordEnc: true } });
  const sample = sealed?.signingSecretEnc ?? sealed?.urlPasswordEnc;
  if (sample) {
    try {
      decryptSecret(sample, key);
    } catch {
      throw mismatch();
    }
  }
  try {
    await prisma.setting.create({ data: { key: KEY_CHECK_SETTING, value } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // another process's first start recorded its key meanwhile: it must be this one
    const winner = await prisma.setting.findUnique({ where: { key: KEY_CHECK_SETTING } });
    if (winner?.value !== value) throw mismatch();
  }
}
