import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, SecretKeyError } from "./secret-box";

describe("secret box", () => {
  it("round-trips a secret and never stores it in the clear", () => {
    const sealed = encryptSecret("s3cret:pässwörd");
    expect(sealed).not.toContain("s3cret");
    expect(decryptSecret(sealed)).toBe("s3cret:pässwörd");
    expect(encryptSecret("same")).not.toBe(encryptSecret("same"));
  });

  it("refuses a secret sealed with another key", () => {
    const sealed = encryptSecret("x", randomBytes(32));
    expect(() => decryptSecret(sealed)).toThrow(SecretKeyError);
  });
});
