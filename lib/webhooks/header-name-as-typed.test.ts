// A header name the save refuses (Host, a webhook-* name, a routing header) is refused at its field as
// it is typed, in the save's words: the editor and the save read one rule (request-headers.ts). Before,
// "Host" showed nothing until Save.
import { describe, expect, it } from "vitest";
import { campaignDraftSchema } from "../campaigns/schemas";
import { headerNameProblemAsTyped } from "./request-headers";

function saveRefusal(name: string, url = "https://crm.example.com/x") {
  const parsed = campaignDraftSchema.safeParse({ name: "C", actions: [{ name: "Hook", url, headers: [{ name, value: "v" }] }] });
  return parsed.success ? null : (parsed.error.issues.find((i) => i.path.join(".") === "actions.0.headers.0.name")?.message ?? null);
}

describe("a header name as typed", () => {
  it("is refused in the save's words for each name the save refuses", () => {
    for (const name of ["Host", "webhook-id", "Content-Length", "X-Forwarded-Host", "bad name"]) {
      const typed = headerNameProblemAsTyped(name, 0, false);
      expect(typed, name).not.toBeNull();
      expect(typed).toBe(saveRefusal(name));
    }
    expect(headerNameProblemAsTyped("Host", 0, false)).toBe("Host is set by Hookline and cannot be changed");
    expect(headerNameProblemAsTyped("Authorization", 0, true)).toBe(saveRefusal("Authorization", "https://u:p@crm.example.com/x"));
  });

  it("says nothing of a name the save takes, nor of a blank one still being typed", () => {
    for (const name of ["X-Api-Key", "Authorization", "", "  "]) expect(headerNameProblemAsTyped(name, 0, false)).toBeNull();
  });
});
