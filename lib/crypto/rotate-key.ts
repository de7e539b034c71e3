// Re-encrypts every secret at rest (URL passwords, secret header values, signing secrets) from one
// HOOKLINE_SECRET_KEY to another, in one transaction: all of them move or none does.
import { decryptSecret, encryptSecret, SecretKeyError } from "./secret-box";
import { transaction } from "../db/transaction";
import { recordKeyCheck } from "./key-check";

type StoredHeader = { name: string; value: string; secret: boolean };

export type RotationResult = { actions: number; secrets: number };

/** A value sealed with `from` sealed again with `to`; one already under `to` is kept (a re-run is safe). */
function reseal(sealed: string, from: Buffer, to: Buffer): string {
  try {
    return encryptSecret(decryptSecret(sealed, from), to);
  } catch (err) {
    try {
      decryptSecret(sealed, to);
      return sealed;
    } catch {
      throw err instanceof SecretKeyError ? new SecretKeyError("A stored secret opens with neither the old nor the new key; nothing was changed") : err;
    }
  }
}

export async function rotateSecretKey(from: Buffer, to: Buffer): Promise<RotationResult> {
  return transaction(
    async (tx) => {
      const actions = await tx.action.findMany({ select: { id: true, urlPasswordEnc: true, signingSecretEnc: true, previousSigningSecretEnc: true, headers: true } });
      let secrets = 0;
      let changed = 0;
      for (const a of actions) {
        const count = (v: string | null) => (v ? (secrets++, reseal(v, from, to)) : v);
        const headers = Array.isArray(a.headers) ? (a.headers as StoredHeader[]) : [];
        const data = {
          urlPasswordEnc: count(a.urlPasswordEnc),
          signingSecretEnc: count(a.signingSecretEnc),
          previousSigningSecretEnc: count(a.previousSigningSecretEnc),
          headers: headers.map((h) => (h.secret ? { ...h, value: count(h.value)! } : h)),
        };
        if (a.urlPasswordEnc || a.signingSecretEnc || a.previousSigningSecretEnc || headers.some((h) => h.secret)) {
          await tx.action.update({ where: { id: a.id }, data });
          changed++;
        }
      }
      // the processes started with the new key afterwards are the install's
      await recordKeyCheck(tx, to);
      return { actions: changed, secrets };
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}
