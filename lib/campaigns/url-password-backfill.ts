// Run at every start (lib/bootstrap.ts; a no-op once done). Actions saved before a templated scheme's URL password was split ({{user.scheme}}://name:secret@host)
// hold that password in clear in urlTemplate. This moves it where every other one is: out of the
// template, encrypted in urlPasswordEnc. The request each action sends stays byte for byte the same
// (a row is rewritten only when putting the password back gives its template again). A password
// that cannot be split (stray: after leading template text, in another {{#if}} branch) is left, and
// named: the editor shows it masked, and saving that URL again is refused until it is rewritten.
import { encryptSecret } from "../crypto/secret-box";
import { transaction } from "../db/transaction";
import { cleanUrl, strayUrlPasswords } from "../webhooks/url-credentials";
import { splitUrlPassword, withUrlPassword } from "./url-password";

export type BackfillResult = { moved: string[]; stray: string[] };

export async function backfillUrlPasswords(): Promise<BackfillResult> {
  return transaction(
    async (tx) => {
      const rows = await tx.action.findMany({ where: { urlPasswordEnc: null, urlTemplate: { contains: "@" } }, select: { id: true, urlTemplate: true } });
      const result: BackfillResult = { moved: [], stray: [] };
      for (const row of rows) {
        const split = splitUrlPassword(row.urlTemplate);
        // compared with the URL as sent (tabs and newlines dropped, trimmed: what a browser and the sender read)
        const moved = split.password !== null && withUrlPassword(split.urlTemplate, split.password) === cleanUrl(row.urlTemplate);
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
