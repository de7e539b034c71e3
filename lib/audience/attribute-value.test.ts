// The one rule for a value written to a typed attribute (number, true/false, date): what each input
// becomes, or why it is refused, whoever writes it (the users API and the CSV import, attribute-types.test.ts).
import { describe, expect, it } from "vitest";
import { DATE_FORMS, typedAttributeValue, typesFromCatalogue } from "./attribute-value";

const date = (value: unknown) => typedAttributeValue(value, "date");

describe("typedAttributeValue: dates", () => {
  it("stores a date as the ISO instant it names: ISO, month/day/year, the month's name, RFC 2822", () => {
    const table: [string, string][] = [
      ["2026-06-07", "2026-06-07T00:00:00.000Z"],
      [" 2026-06-07 ", "2026-06-07T00:00:00.000Z"],
      ["2026-06-07T10:30:00+02:00", "2026-06-07T08:30:00.000Z"],
      ["2026-06-07 10:30", "2026-06-07T10:30:00.000Z"],
      // month first, always: 06/07/2026 is June 7, and 12/25/2026 Christmas
      ["06/07/2026", "2026-06-07T00:00:00.000Z"],
      ["6/7/2026 10:30", "2026-06-07T10:30:00.000Z"],
      ["12/25/2026", "2026-12-25T00:00:00.000Z"],
      ["2026/06/07", "2026-06-07T00:00:00.000Z"],
      ["7 June 2026", "2026-06-07T00:00:00.000Z"],
      ["June 7, 2026", "2026-06-07T00:00:00.000Z"],
      ["May 12 2026", "2026-05-12T00:00:00.000Z"],
      ["Mon, 01 Mar 2027 09:00:00 +0100", "2027-03-01T08:00:00.000Z"],
      ["0001-01-01", "0001-01-01T00:00:00.000Z"],
      ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
    ];
    for (const [input, stored] of table) expect([input, date(input)]).toEqual([input, { ok: true, value: stored }]);
  });

  it("refuses what is no date, or a date only by a guess, saying which forms it takes", () => {
    const refused = [
      "25/12/2026", // day first: a slash date is month/day/year
      "6/7/26", // which century?
      "06.07.2026", // day first where it is written so
      "6-7-2026",
      "2/30/2026", // JavaScript's parser made it 2 March
      "February 30, 2026",
      "2026-02-30",
      "garbage",
      "Room 101", // JavaScript's parser: the year 101
      "user 12", // JavaScript's parser: 2001-12-01
      "0000-00-00",
      "NaN",
      "Infinity",
      "x".repeat(10_000),
      `2026-06-07${"7".repeat(100_000)}`,
    ];
    for (const input of refused) {
      const result = date(input);
      expect([input.slice(0, 20), result.ok]).toEqual([input.slice(0, 20), false]);
      if (!result.ok) expect(result.problem).toContain(DATE_FORMS);
    }
    expect(date("25/12/2026")).toEqual({ ok: false, problem: `"25/12/2026" is not a date: use ${DATE_FORMS}` });
    // a long value is named by its first 40 characters
    expect(date("x".repeat(10_000))).toEqual({ ok: false, problem: `"${"x".repeat(40)}…" is not a date: use ${DATE_FORMS}` });
  });

  it("refuses digits alone (Unix seconds? 20260607?) in text, and a year past 9999 or before 1; a JSON number is Unix seconds", () => {
    for (const input of ["1767225600", "20260607", "2026", "0", "-1", "12", "1.5", "1e9"]) {
      const result = date(input);
      expect([input, result.ok]).toEqual([input, false]);
    }
    expect(date("1767225600")).toEqual({ ok: false, problem: `"1767225600" is digits alone (Unix seconds? 20260607?), not a date: use ${DATE_FORMS}; Unix seconds are taken as a JSON number` });
    for (const input of ["99999-01-01", "+099999-01-01", "-000001-01-01", "0000-01-01"]) expect([input, date(input).ok]).toEqual([input, false]);
    // Unix seconds are an instant, even on midnight UTC: stored so they read back as one (storedDateText)
    expect(date(1767225600)).toEqual({ ok: true, value: "2026-01-01T00:00:00Z" });
    // so is a time written in a zone that falls on midnight UTC (09:00 in Tokyo), while a date alone is a date
    expect(date("2026-03-01T09:00:00+09:00")).toEqual({ ok: true, value: "2026-03-01T00:00:00Z" });
    expect(date("2026-03-01")).toEqual({ ok: true, value: "2026-03-01T00:00:00.000Z" });
    expect(date(1e15)).toEqual({ ok: false, problem: "1000000000000000 is not a date between the years 1 and 9999" });
    expect(date(true)).toEqual({ ok: false, problem: "true is not a date" });
    expect(date(["2026-06-07"])).toEqual({ ok: false, problem: "A list is not a date" });
    expect(date("")).toEqual({ ok: false, problem: '"" is not a date (null removes the attribute)' });
  });

  it("reads a hostile value in well under a millisecond each", () => {
    const hostile = ["9".repeat(10_000), `${"1/".repeat(5_000)}2026`, `Mon, ${"0".repeat(10_000)}`, "2026-01-01".repeat(1_000), `${"a".repeat(9_990)} 2026`];
    const start = performance.now();
    for (let i = 0; i < 100; i++) for (const input of hostile) expect(date(input).ok).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe("typedAttributeValue: numbers and true/false", () => {
  it("reads a number in decimal notation, as the CSV import always did", () => {
    expect(typedAttributeValue("42", "number")).toEqual({ ok: true, value: 42 });
    expect(typedAttributeValue(" 1 000.5 ", "number")).toEqual({ ok: true, value: 1000.5 });
    expect(typedAttributeValue(7, "number")).toEqual({ ok: true, value: 7 });
    expect(typedAttributeValue("02134", "number")).toEqual({ ok: false, problem: '"02134" starts with a zero' });
    for (const input of ["0x1F", "NaN", "1e999", "twelve", true, ["1"]]) expect(typedAttributeValue(input, "number").ok).toBe(false);
  });

  it("reads true/false, yes/no, y/n, 1/0 and on/off in any case", () => {
    expect(typedAttributeValue("Yes", "boolean")).toEqual({ ok: true, value: true });
    expect(typedAttributeValue("off", "boolean")).toEqual({ ok: true, value: false });
    expect(typedAttributeValue(false, "boolean")).toEqual({ ok: true, value: false });
    expect(typedAttributeValue(1, "boolean")).toEqual({ ok: true, value: true });
    expect(typedAttributeValue("maybe", "boolean")).toEqual({ ok: false, problem: '"maybe" is not true or false' });
  });
});

describe("typesFromCatalogue", () => {
  it("types an attribute its users hold as number, boolean or date alone; text, lists and mixed types are not typed", () => {
    const types = typesFromCatalogue([
      { name: "signup", types: ["date"] },
      { name: "seats", types: ["number"] },
      { name: "beta", types: ["boolean"] },
      { name: "plan", types: ["string"] },
      { name: "tags", types: ["list"] },
      { name: "mixed", types: ["date", "string"] },
    ]);
    expect({ ...types }).toEqual({ signup: "date", seats: "number", beta: "boolean" });
  });
});
