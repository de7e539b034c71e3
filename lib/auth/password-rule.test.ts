// The password rule is one: the schema's messages and the forms' hint say the same length.
import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE, passwordSchema } from "./password-rule";

describe("password rule", () => {
  it("refuses a password shorter or longer than the rule the hint states", () => {
    expect(PASSWORD_RULE).toBe(`At least ${PASSWORD_MIN_LENGTH} characters.`);
    expect(passwordSchema.safeParse("x".repeat(PASSWORD_MIN_LENGTH - 1)).error?.issues[0]?.message).toBe(`Use at least ${PASSWORD_MIN_LENGTH} characters`);
    expect(passwordSchema.safeParse("x".repeat(PASSWORD_MIN_LENGTH)).success).toBe(true);
    expect(passwordSchema.safeParse("x".repeat(PASSWORD_MAX_LENGTH + 1)).success).toBe(false);
  });
});
