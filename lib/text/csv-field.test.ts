import { describe, expect, it } from "vitest";
import { csvField, csvFieldPieces } from "./csv-field";

describe("csvField", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas in text", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(["=", "+", "-", "@", "\t"].map((lead) => csvField(`${lead}SUM(A1)`))).toEqual(["'=SUM(A1)", "'+SUM(A1)", "'-SUM(A1)", "'@SUM(A1)", `"'\tSUM(A1)"`]);
    expect(csvField("\r=1")).toBe(`"'\r=1"`);
    expect(csvField('=HYPERLINK("x"),b')).toBe(`"'=HYPERLINK(""x""),b"`);
    expect(csvField("-5", false)).toBe("-5");
    expect(csvField(null)).toBe("");
  });

  it("quotes a cell holding a semicolon or a tab: a spreadsheet of a semicolon locale (de, fr, ...) splits an unquoted one there, and the part after it could be a formula", () => {
    expect(csvField("u1;=cmd|' /C calc'!A0")).toBe(`"u1;=cmd|' /C calc'!A0"`);
    expect(csvField("a\t=1+2")).toBe(`"a\t=1+2"`);
    expect(csvField("u1;free;3")).toBe(`"u1;free;3"`);
  });

  it("gives the same field in pieces, a long text's quotes doubled a piece at a time", () => {
    for (const value of ["plain", 'say "hi"', '=HYPERLINK("x"),b', "two\nlines", '"'.repeat(10), 'a"b'.repeat(7)]) {
      const pieces = [...csvFieldPieces(value, 4)];
      expect(pieces.join("")).toBe(csvField(value));
      if (csvField(value).startsWith('"')) expect(pieces.length).toBe(2 + Math.ceil(formulaSafeLength(value) / 4));
    }
  });
});

const formulaSafeLength = (value: string) => value.length + (/^[=+\-@\t\r]/.test(value) ? 1 : 0);
