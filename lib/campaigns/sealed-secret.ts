// The one rule for which header values a save stores as secrets (encrypted, shown masked). The save
// (action-template.ts sealActionDraft) and the editor's Secret box both read it, so the box shows what the
// save will do while the name and value are typed. Pure: it runs in the browser too.
import { onlyReferences } from "../templating/references";
import { isCredentialHeader } from "../webhooks/credential-headers";

type HeaderDraft = { name: string; value: string; secret?: boolean };

/**
 * Whether the header is stored as a secret whatever its box says: named as a credential beyond doubt
 * (Authorization, X-Api-Key, X-Auth-Token: isCredentialHeader) with something literal in its value.
 * "Bearer {{user.token}}" holds no secret of its own and stays readable (unless ticked);
 * "Idempotency-Key: {{user.id}}-welcome" is not a credential.
 */
export function sealedByName(h: HeaderDraft): boolean {
  return isCredentialHeader(h.name) && !onlyReferences(h.value);
}

/** Whether a header is stored as a secret: ticked, or sealed by its name (sealedByName). */
export function sealedAsSecret(h: HeaderDraft): boolean {
  return !!h.secret || sealedByName(h);
}
