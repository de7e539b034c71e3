// The one rule for which headers a save stores as secrets, read by the save and by the editor's
// Secret box (components/HeadersEditor.tsx) alike.
import { describe, expect, it } from "vitest";
import { sealedAsSecret, sealedByName } from "./sealed-secret";

describe("sealedByName", () => {
  it("seals a credential's name with something literal in its value", () => {
    for (const name of ["X-Api-Key", "Authorization", "x-auth-token", "X-Client-Secret", "Private-Token", " api_key "]) {
      expect(sealedByName({ name, value: "sk_live_123" }), name).toBe(true);
    }
  });

  it("leaves ids, Standard Webhooks headers, empty values and mere references to the box", () => {
    expect(sealedByName({ name: "Idempotency-Key", value: "abc" })).toBe(false);
    expect(sealedByName({ name: "X-Request-Id", value: "abc" })).toBe(false);
    expect(sealedByName({ name: "webhook-token", value: "abc" })).toBe(false);
    expect(sealedByName({ name: "X-Api-Key", value: "" })).toBe(false);
    expect(sealedByName({ name: "Authorization", value: "Bearer {{user.token}}" })).toBe(false);
  });
});

describe("sealedAsSecret", () => {
  it("is the box, or the name's rule when the box is unticked", () => {
    expect(sealedAsSecret({ name: "X-Api-Key", value: "sk_live_123", secret: false })).toBe(true);
    expect(sealedAsSecret({ name: "Authorization", value: "Bearer {{user.token}}", secret: false })).toBe(false);
    expect(sealedAsSecret({ name: "Authorization", value: "Bearer {{user.token}}", secret: true })).toBe(true);
    expect(sealedAsSecret({ name: "X-Request-Id", value: "abc", secret: true })).toBe(true);
    expect(sealedAsSecret({ name: "X-Request-Id", value: "abc" })).toBe(false);
  });
});
