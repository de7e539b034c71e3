// checkMemberName: the one rule for a member's name (owner set-up, invitations, update-user).
import { describe, expect, it } from "vitest";
import { checkMemberName, MEMBER_NAME_MAX_LENGTH } from "./member-name";

describe("checkMemberName", () => {
  it("keeps ordinary names, trimmed, in any script, with joiners", () => {
    for (const [typed, stored] of [["  Ana Lima ", "Ana Lima"], ["Zoë O'Brien-Smith", "Zoë O'Brien-Smith"], ["محمد", "محمد"], ["می\u200cخواهم", "می\u200cخواهم"], ["👩\u200d💻 Dev", "👩\u200d💻 Dev"]]) {
      expect(checkMemberName(typed!)).toEqual({ ok: true, name: stored });
    }
  });

  it("refuses empty, too long, control characters, direction overrides and invisible-only names", () => {
    for (const name of ["", "   ", "a".repeat(MEMBER_NAME_MAX_LENGTH + 1), "Ana\nLima", "Ana\u0007", "\u202enimda", "Ana\u2066x\u2069", "\u200b\u200b", "\u200d"]) {
      expect(checkMemberName(name).ok, JSON.stringify(name)).toBe(false);
    }
  });
});
