import { describe, expect, it } from "vitest";
import { auditChanges, auditValue } from "./audit-diff";

describe("auditChanges", () => {
  it("reads a campaign.updated entry's diff, secrets as changed only", () => {
    const details = {
      name: "Welcome",
      diff: [
        { field: "actions[0] (Webhook).url", before: "https://a.example.com", after: "https://b.example.com" },
        { field: "actions[0] (Webhook).headers[0].value", secret: "changed" },
        { field: "actions[0] (Webhook).splitPercent", before: 50, after: 70 },
      ],
    };
    expect(auditChanges(details)).toEqual(details.diff);
  });

  it("masks the credential parts an entry written before the diff masked them holds in clear", () => {
    const details = {
      diff: [
        { field: "actions[0] (Hook).url", before: "https://hooks.slack.com/services/T0/B0/OLDSECRET", after: "https://api.example.com/x?token=tok-old" },
        { field: "actions[0] (Hook).fields[0].value", before: "https://bob:hunter2@example.com/cb", after: JSON.stringify({ auth: { pin: "pin-old" }, city: "Paris" }) },
      ],
    };
    expect(auditChanges(details)).toEqual([
      { field: "actions[0] (Hook).url", before: "https://hooks.slack.com/services/••••", after: "https://api.example.com/x?token=••••" },
      { field: "actions[0] (Hook).fields[0].value", before: "https://bob:••••@example.com/cb", after: JSON.stringify({ auth: { pin: "••••" }, city: "Paris" }) },
    ]);
  });

  it("is empty for entries without a diff or of another shape", () => {
    expect(auditChanges(null)).toEqual([]);
    expect(auditChanges({ name: "x" })).toEqual([]);
    expect(auditChanges({ diff: "nope" })).toEqual([]);
    expect(auditChanges({ diff: [{ before: 1 }, { field: "x", before: { nested: true }, after: 1 }, { field: "ok", before: null, after: "added" }] })).toEqual([
      { field: "ok", before: null, after: "added" },
    ]);
  });
});

describe("auditValue", () => {
  it("quotes text and names an empty value", () => {
    expect(auditValue("a")).toBe('"a"');
    expect(auditValue(5)).toBe("5");
    expect(auditValue(null)).toBe("(none)");
    expect(auditValue("")).toBe("(none)");
  });
});
