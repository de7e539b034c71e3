// The CSV import's closing line read "1 rows imported (1 new users, 0 updated)": its counts are worded
// by the app's one plural rule (lib/text/plural.ts) now.
import { describe, expect, it } from "vitest";
import { importSummary } from "./report-summary";

describe("the CSV import's summary line", () => {
  it("words one row and one user in the singular", () => {
    expect(importSummary({ imported: 1, created: 1, updated: 0, rejectedCount: 2 })).toBe("Import finished: 1 row imported (1 new user, 0 updated), 2 rejected.");
  });

  it("words other counts in the plural, grouped", () => {
    expect(importSummary({ imported: 1000, created: 1000, updated: 0, rejectedCount: 0 })).toBe("Import finished: 1,000 rows imported (1,000 new users, 0 updated), 0 rejected.");
    expect(importSummary({ imported: 0, created: 0, updated: 0, rejectedCount: 1 })).toBe("Import finished: 0 rows imported (0 new users, 0 updated), 1 rejected.");
  });

  it("says when it stopped", () => {
    expect(importSummary({ imported: 2, created: 1, updated: 1, rejectedCount: 0, stopped: "The file ended early" })).toBe("Import stopped: 2 rows imported (1 new user, 1 updated), 0 rejected.");
  });
});
