// onlyReferences decides whether a typed value carries a literal of its own (a secret to seal, to keep
// from a host chosen by data) or only {{ }} references: letters and digits of any script are literal.
import { describe, expect, it } from "vitest";
import { onlyReferences } from "./references";

describe("onlyReferences", () => {
  it("is true for references alone, with an auth scheme word or a separator", () => {
    for (const value of ["{{user.token}}", "Bearer {{user.token}}", "basic {{{user.b64}}}", "{{user.a}}-{{user.b}}", "Bearer: {{user.token}}", "", "  "]) {
      expect(onlyReferences(value), value).toBe(true);
    }
  });

  it("is false for anything written out: ASCII, other scripts, digits, symbols, literals inside an expression", () => {
    for (const value of ["sk_live_123", "Bearer sk_live_123", "секрет", "密码", "١٢٣٤", "!@#$%^&*", "Bearer ~~~{{user.x}}", '{{default user.key "sk_live_x"}}', "{{default user.pin 4321}}", "{{user.[sk_live_x]}}"]) {
      expect(onlyReferences(value), value).toBe(false);
    }
  });
});
