import { describe, expect, it } from "vitest";
import { csvField } from "./csv-field";

describe("csvField", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas in text", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(["=", "+", "-", "@", "\t"].map((lead) => csvField(`${lead}SUM(A1)`))).toEqual(["'=SUM(A1)", "'+SUM(A1)", "'-SUM(A1)", "'@SUM(A1)", "'\tSUM(A1)"]);
    expect(csvField("\r=1")).toBe(`"'\r=1"`);
    expect(csvField('=HYPERLINK("x"),b')).toBe(`"'=HYPERLINK(""x""),b"`);
    expect(csvField("-5", false)).toBe("-5");
    expect(csvField(null)).toBe("");
  });
});
