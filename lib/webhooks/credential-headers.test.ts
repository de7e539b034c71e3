// Which header names a save seals as a credential (isCredentialHeader): credentials beyond doubt only,
// since a sealed value is lost when the URL's host changes or a non-admin copies the webhook.
import { describe, expect, it } from "vitest";
import { isCredentialHeader } from "./credential-headers";

describe("isCredentialHeader", () => {
  it("takes Authorization, keys, tokens, passphrases and the Authentication header", () => {
    for (const name of ["Authorization", "X-Api-Key", "X-Auth-Token", "KC-API-PASSPHRASE", "CB-ACCESS-PASSPHRASE", "passphrase", "Authentication", "authentication", "X-Authentication"]) expect(isCredentialHeader(name), name).toBe(true);
  });

  it("takes Authentication only as the whole name: a method or a type is not a credential", () => {
    for (const name of ["X-Authentication-Method", "Authentication-Type", "X-Authentication-Scheme", "Authentication-Info", "X-Request-Id", "Idempotency-Key", "webhook-token"]) expect(isCredentialHeader(name), name).toBe(false);
  });
});
