// A CSV row's email and time zone cells: the same rules as the users API (one schema), and a row
// refused for a bad cell says which column and what would do.
import { describe, expect, it } from "vitest";
import { rowToUser, type ColumnMapping } from "./mapping";

const mapping: ColumnMapping[] = [{ target: "userId" }, { target: "email" }, { target: "timezone" }];

describe("rowToUser: email and time zone cells", () => {
  it("takes an internationalized email as written", () => {
    for (const email of ["chloé@example.com", "x@exämple.de", "用户@例子.广告"]) {
      expect(rowToUser(["u1", email, ""], mapping)).toEqual({ ok: true, user: { userId: "u1", email } });
    }
  });

  it("still refuses what is no address", () => {
    for (const email of ["nope", "a@b", "a@.de", "<script>@x.de", "chloé@"]) {
      expect(rowToUser(["u1", email, ""], mapping)).toEqual({ ok: false, reason: `"${email}" is not a valid email address` });
    }
  });

  it("refuses a row with a time zone that is none, naming the column and a zone that would do", () => {
    expect(rowToUser(["u1", "", "Mars/Olympus"], mapping)).toEqual({ ok: false, reason: 'timezone: "Mars/Olympus" is not an IANA time zone (for example Europe/Paris)' });
    // a city's name alone: the zone it names
    expect(rowToUser(["u1", "", "paris"], mapping)).toEqual({ ok: false, reason: 'timezone: "paris" is not an IANA time zone (did you mean Europe/Paris?)' });
    expect(rowToUser(["u1", "", "New York"], mapping)).toEqual({ ok: false, reason: 'timezone: "New York" is not an IANA time zone (did you mean America/New_York?)' });
    expect(rowToUser(["u1", "", "europe/paris"], mapping)).toEqual({ ok: true, user: { userId: "u1", timezone: "Europe/Paris" } });
  });
});
