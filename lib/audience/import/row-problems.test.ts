// A rejected line's reason names the column as the file's header names it (1-based) and says in plain
// words what is wrong and how to write it, not csv-parse's wording ("Invalid Opening Quote: a quote is
// found on field 3", a 0-based column the marketer cannot find).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnCountReason, malformedRowReason } from "./row-problems";
import { importCsv, inspectCsv } from "./run";

const headers = ["userId", "email", "plan", "firstName"];

describe("malformedRowReason, by csv-parse's error code", () => {
  it("CSV_INVALID_OPENING_QUOTE: a quote inside a value that does not start with one, and the value written right", () => {
    expect(malformedRowReason({ code: "CSV_INVALID_OPENING_QUOTE", field: 3 }, headers, ["u5", "m@example.com", "pro", '=HYPERLINK("x")'])).toBe(
      'Column 4 (firstName): a quote " inside a value that does not start with one. Put the whole value in quotes and double the inner quotes: "=HYPERLINK(""x"")"',
    );
  });

  it("CSV_INVALID_CLOSING_QUOTE: what follows the quote that reads as the value's end", () => {
    expect(malformedRowReason({ code: "CSV_INVALID_CLOSING_QUOTE", field: 1, got: "x" }, headers, [])).toBe(
      'Column 2 (email): the value starts with a quote, so a quote inside it reads as its end, yet "x" follows it. Double each quote inside a quoted value ("a ""quoted"" word"), or end the value at that quote',
    );
    expect(malformedRowReason({ code: "CSV_INVALID_CLOSING_QUOTE", field: 1, got: "\n" }, headers, [])).toContain("yet a line break of another kind than the file's follows it");
  });

  it("CSV_QUOTE_NOT_CLOSED: the quote opening the value never closes, the rest of the file read into it", () => {
    expect(malformedRowReason({ code: "CSV_QUOTE_NOT_CLOSED", field: 1 }, headers, [], { fromLine: 3 })).toBe(
      "Column 2 (email): the quote that opens the value is never closed, so the rest of the file, from line 3, was read into it. Add the closing quote; if the quote belongs in the value, put the whole value in quotes and double the quotes inside it",
    );
  });

  it("names a column without a header by its number, and a column past the header's as such", () => {
    expect(malformedRowReason({ code: "CSV_INVALID_OPENING_QUOTE", field: 1 }, ["id", " "], ["u", 'a"b'])).toMatch(/^Column 2: a quote/);
    expect(malformedRowReason({ code: "CSV_INVALID_OPENING_QUOTE", field: 4 }, headers, [])).toMatch(/^Column 5 \(past the header's 4 columns\): a quote .* double the inner quotes: "say ""hi"""$/);
  });

  it("CSV_RECORD_INCONSISTENT_COLUMNS (a row of more or fewer values than the header): which column, and the likely cause", () => {
    expect(columnCountReason(3, headers, ",")).toBe('The row has 3 values, the header 4 columns: column 4 (firstName) has none. Write a "," between values, an empty one too');
    expect(columnCountReason(5, headers, ";")).toBe('The row has 5 values, the header 4 columns: one past column 4 (firstName). A value holding a ";" must be in quotes');
  });
});

describe("the import's rejected lines", () => {
  it("says of =HYPERLINK(\"x\") in the 4th column, firstName, on line 5, which column and how to write it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hookline-row-problems-"));
    const csv = path.join(dir, "hyperlink.csv");
    const lines = ["userId,email,plan,firstName", "rp1,a@example.com,pro,Ann", "rp2,b@example.com,pro,Bob", "rp3,c@example.com,pro,Cy", 'rp4,d@example.com,pro,=HYPERLINK("x")', 'rp5,e@example.com,"pro",Eve,extra'];
    writeFileSync(csv, lines.join("\n") + "\n");
    const inspection = await inspectCsv(csv);
    // the mapping screen's first values read it as the import's parser does: the cell as written
    expect(inspection.sample[3]![3]).toBe('=HYPERLINK("x")');
    const mapping = [{ target: "userId" as const }, { target: "email" as const }, { target: "attribute" as const, name: "plan", type: "string" as const }, { target: "attribute" as const, name: "firstName", type: "string" as const }];
    const report = await importCsv(csv, { ...inspection, mapping });
    expect(report.rejected).toEqual([
      { line: 5, reason: 'Column 4 (firstName): a quote " inside a value that does not start with one. Put the whole value in quotes and double the inner quotes: "=HYPERLINK(""x"")"' },
      { line: 6, reason: 'The row has 5 values, the header 4 columns: one past column 4 (firstName). A value holding a "," must be in quotes' },
    ]);
    expect(report.imported).toBe(3);
  });
});
