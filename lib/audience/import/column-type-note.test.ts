// columnTypeNote: the sentence a mapping row shows when a column's first values do not all fit its type.
import { describe, expect, it } from "vitest";
import { columnTypeNote, guessMapping } from "./mapping";

describe("columnTypeNote", () => {
  it("says a date column with one non-ISO value was kept as text, and what that value would become as a date", () => {
    const cells = ["2026-11-01", "2026-11-02", "", "2026-11-04", "03/11/2026", "2026-11-05"];
    const [guess] = guessMapping(["signup"], cells.map((c) => [c]));
    expect(guess).toEqual({ target: "attribute", name: "signup", type: "string" });
    expect(columnTypeNote(cells, "string")).toBe(
      '4 of the first 5 values are ISO dates; "03/11/2026" is not, so the column is kept as text. As date, it would be stored as 2026-03-11.',
    );
  });

  it("says which rows a chosen type will refuse", () => {
    expect(columnTypeNote(["12", "7", "n/a"], "number")).toBe('1 of the first 3 values does not read as a number ("n/a"): its row will be refused. Choose string to keep it as text.');
    expect(columnTypeNote(["yes", "maybe", "perhaps"], "boolean")).toBe(
      '2 of the first 3 values do not read as true or false ("maybe"): their rows will be refused. Choose string to keep them as text.',
    );
    expect(columnTypeNote(["2026-01-01", "soon"], "date")).toBe('1 of the first 2 values does not read as a date ("soon"): its row will be refused. Choose string to keep it as text.');
  });

  it("says nothing when the values fit, when text is text, for lists and for empty columns", () => {
    expect(columnTypeNote(["1", "2.5", ""], "number")).toBeNull();
    expect(columnTypeNote(["gold", "silver", "2026-01-01"], "string")).toBeNull();
    expect(columnTypeNote(["02134", "10001"], "string")).toBeNull(); // zip codes: a leading zero is not a number cell
    expect(columnTypeNote(["a|b", "c"], "list")).toBeNull();
    expect(columnTypeNote(["", " "], "date")).toBeNull();
  });

  it("notes a mostly numeric text column whose odd value would be refused as a number", () => {
    expect(columnTypeNote(["10", "20", "30", "n/a"], "string")).toBe('3 of the first 4 values are numbers; "n/a" is not, so the column is kept as text. As number, its row would be refused.');
  });
});
