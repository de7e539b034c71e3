// Which header names say they carry a credential. Pure (no Node APIs): the editor's Secret box and the
// save's sealing (lib/campaigns/sealed-secret.ts) read the same rule, and masking (mask.ts) starts from it.

/** Headers that carry a credential whatever their value. */
export const ALWAYS_SECRET_HEADERS: ReadonlySet<string> = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);

// Names a save stores as a secret even with the box unticked (sealedAsSecret): credentials beyond
// doubt. Narrower than mask.ts's SECRET_NAME, which only decides what is shown masked: "Idempotency-Key",
// "X-Session-Id" or "X-Key" hold ids as often as secrets, and a value stored as a secret is lost when the
// URL's host changes or a non-admin copies the webhook.
// "Authentication" only as the whole name (X- or not): X-Authentication-Method, Authentication-Type name no credential.
const CREDENTIAL_NAME = /(^|[-_])(api[-_]?key|access[-_]?key|subscription[-_]?key|private[-_]?key|secret[-_]?key|token|secret|password|passwd|passphrase|pwd|auth|credentials?)s?($|[-_])|^(x-)?authentication$/i;

/** Whether a header's name says it carries a credential beyond doubt (Authorization, X-Api-Key, X-Auth-Token, ...). */
export function isCredentialHeader(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith("webhook-")) return false;
  return ALWAYS_SECRET_HEADERS.has(lower) || CREDENTIAL_NAME.test(lower);
}
