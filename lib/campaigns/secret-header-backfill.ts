// Run at every start (lib/bootstrap.ts; a no-op once done). A header whose name says it holds a
// credential (Authorization, X-Api-Key, ...: sealed-secret.ts sealedAsSecret) was stored in clear
// when its "secret" box was not ticked, and read back in clear by every role (the API, the editor),
// while the preview and the delivery log masked it. Since then sealActionDraft stores such a header as
// a secret; this encrypts the ones saved before. The value sent stays the same (decrypted at send).
import { encryptSecret } from "../crypto/secret-box";
import { transaction } from "../db/transaction";
import { sealedAsSecret } from "./sealed-secret";
import { storedHeaders } from "./secret-resolver";

export async function backfillSecretHeaders(): Promise<{ sealed: string[] }> {
  return transaction(
    async (tx) => {
      const sealed: string[] = [];
      for (const row of await tx.action.findMany({ select: { id: true, headers: true } })) {
        const headers = storedHeaders(row);
        const sealing = (h: (typeof headers)[number]) => !h.secret && sealedAsSecret(h);
        if (!headers.some(sealing)) continue;
        // an empty value stays empty: the editor then shows a box to fill, as for any secret nobody typed
        const next = headers.map((h) => (sealing(h) ? { ...h, value: h.value ? encryptSecret(h.value) : "", secret: true } : h));
        await tx.action.update({ where: { id: row.id }, data: { headers: next } });
        sealed.push(row.id);
      }
      return { sealed };
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}
