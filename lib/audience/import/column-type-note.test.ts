// columnTypeNote: the sentence a mapping row shows when a column's first values do not all fit its type.
import { describe, expect, it } from "vitest";
import { kindOf } from "../attribute-kind";
import { columnTypeNote, guessMapping, rowToUser } from "./mapping";

describe("columnTypeNote", () => {
  it("says a date column with one non-ISO value is kept as written, its ISO dates still dates, and what that value would become as a date", () => {
    const cells = ["2026-11-01", "2026-11-02", "", "2026-11-04", "03/11/2026", "2026-11-05"];
    const [guess] = guessMapping(["signup"], cells.map((c) => [c]));
    expect(guess).toEqual({ target: "attribute", name: "signup", type: "string" });
    expect(columnTypeNote(cells, "string")).toBe(
      '4 of the first 5 values are ISO dates; "03/11/2026" is not. As text, each value is kept as written, and the ISO dates still count as dates (the attribute catalogue will list them as date). As date, it would be stored as 2026-03-11.',
    );
  });

  it("says which rows a chosen type will refuse", () => {
    expect(columnTypeNote(["12", "7", "n/a"], "number")).toBe('1 of the first 3 values does not read as a number ("n/a"): its row will be refused. Choose string to keep it as written.');
    expect(columnTypeNote(["yes", "maybe", "perhaps"], "boolean")).toBe(
      '2 of the first 3 values do not read as true or false ("maybe"): their rows will be refused. Choose string to keep them as written.',
    );
    expect(columnTypeNote(["2026-01-01", "soon"], "date")).toBe('1 of the first 2 values does not read as a date ("soon"): its row will be refused. Choose string to keep it as written.');
  });

  it("says a date column's slash date that reads two ways is read month first, before a day-first file is imported a month off", () => {
    expect(columnTypeNote(["2026-01-01", "06/07/2026", "12/25/2026"], "date")).toBe(
      '"06/07/2026" is read month first, as 2026-06-07: a slash date is month/day/year. If the file writes the day first, write its dates as ISO (yyyy-mm-dd) or choose string.',
    );
    // one way only: 12/25/2026 (no 25th month), 05/05/2026 (either way the same day)
    expect(columnTypeNote(["12/25/2026", "05/05/2026", "2026-01-01"], "date")).toBeNull();
    // a day-first date past the 12th is refused, and that says so first
    expect(columnTypeNote(["06/07/2026", "25/12/2026"], "date")).toBe('1 of the first 2 values does not read as a date ("25/12/2026"): its row will be refused. Choose string to keep it as written.');
  });

  it("says nothing when the values fit, when text is text, for lists and for empty columns", () => {
    expect(columnTypeNote(["1", "2.5", ""], "number")).toBeNull();
    expect(columnTypeNote(["02134", "10001"], "string")).toBeNull(); // zip codes: a leading zero is not a number cell
    expect(columnTypeNote(["a|b", "c"], "list")).toBeNull();
    expect(columnTypeNote(["", " "], "date")).toBeNull();
  });

  it("notes a mostly numeric text column whose odd value would be refused as a number", () => {
    expect(columnTypeNote(["10", "20", "30", "n/a"], "string")).toBe('3 of the first 4 values are numbers; "n/a" is not, so the column is kept as text. As number, its row would be refused.');
  });

  // the catalogue and the note read a stored value with one rule (attribute-kind.ts kindOf): an ISO
  // date kept as text is listed as a date, so the note never calls such a column plain text
  it("agrees with the attribute catalogue on what each stored value of a text column is", () => {
    const cells = ["2026-11-01", "2026-11-02", "2026-11-03", "yesterday", "2026-11-05"];
    const [guess] = guessMapping(["signup"], cells.map((c) => [c]));
    expect(guess).toMatchObject({ type: "string" });
    const stored = cells.map((c) => rowToUser(["u", c], [{ target: "userId" }, guess!])).map((r) => (r.ok ? r.user.attributes?.signup : null));
    expect(stored.map(kindOf)).toEqual(["date", "date", "date", "string", "date"]);
    const note = columnTypeNote(cells, "string")!;
    expect(note).not.toMatch(/kept as text/);
    expect(note).toBe(
      '4 of the first 5 values are ISO dates; "yesterday" is not. As text, each value is kept as written, and the ISO dates still count as dates (the attribute catalogue will list them as date). As date, its row would be refused.',
    );
    expect(columnTypeNote(["gold", "silver", "2026-01-01"], "string")).toBe(
      '1 of the first 3 values is an ISO date; "gold" is not. As text, each value is kept as written, and that ISO date still counts as a date (the attribute catalogue will list it as date).',
    );
    // ISO-looking only to the import's guess (a space before the time): stored as written it is text, as the note says
    expect(columnTypeNote(["2026-11-01 10:00", "2026-11-02 10:00", "soon"], "string")).toBe(
      '2 of the first 3 values are ISO dates; "soon" is not, so the column is kept as text. As date, its row would be refused.',
    );
    expect(kindOf("2026-11-01 10:00")).toBe("string");
  });
});
