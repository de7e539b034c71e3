// Run at every start (lib/bootstrap.ts; a no-op once done). Actions saved before a templated scheme's URL password was split ({{user.scheme}}://name:secret@host)
// hold that password in clear in urlTemplate. This moves it where every other one is: out of the
// template, encrypted in urlPasswordEnc. The request each action sends stays byte for byte the same
// (a row is rewritten only when putting the password back gives its template again). A password
// that cannot be split (stray: after leading template text, in another {{#if}} branch) is left, and
// named: the editor shows it masked, and saving that URL again is refused until it is rewritten.
// The same pass moves a user name that is the credential (https://sk_live_...:@host, saved before a
// user name without a password was split out like one) out of the template.
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import { transaction } from "../db/transaction";
import { cleanUrl, strayUrlPasswords } from "../webhooks/url-credentials";
import { splitUrlPassword, withUrlPassword } from "./url-password";

export type BackfillResult = { moved: string[]; stray: string[] };

export async function backfillUrlPasswords(): Promise<BackfillResult> {
  return transaction(
    async (tx) => {
      const rows = await tx.action.findMany({ where: { urlTemplate: { contains: "@" } }, select: { id: true, urlTemplate: true, urlPasswordEnc: true } });
      const result: BackfillResult = { moved: [], stray: [] };
      for (const row of rows) {
        const stored = row.urlPasswordEnc ? decryptSecret(row.urlPasswordEnc) : null;
        // compared with the URL as sent (tabs and newlines dropped, trimmed: what a browser and the sender read)
        const sent = cleanUrl(withUrlPassword(row.urlTemplate, stored));
        const split = splitUrlPassword(sent);
        // a row already stored as split would be today has nothing to move
        if (stored !== null && split.password === stored) continue;
        const moved = split.password !== null && withUrlPassword(split.urlTemplate, split.password) === sent;
        if (moved) {
          await tx.action.update({ where: { id: row.id }, data: { urlTemplate: split.urlTemplate, urlPasswordEnc: encryptSecret(split.password!) } });
          result.moved.push(row.id);
        }
        // what is still in clear: a password the split could not take out, or one it could but not exactly
        if ((split.password !== null && !moved) || strayUrlPasswords(moved ? split.urlTemplate : row.urlTemplate).length) result.stray.push(row.id);
      }
      return result;
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}
