// guessMapping: the first guess the import screen shows, from the header names and the first rows.
import { describe, expect, it } from "vitest";
import { guessMapping, rowToUser } from "./mapping";

const types = (headers: string[], sample: string[][]) => guessMapping(headers, sample).map((m) => (m.target === "attribute" ? m.type : m.target));

describe("guessMapping", () => {
  it("maps the id, email and time zone columns by name", () => {
    expect(guessMapping(["User ID", "E-mail", "tz", "plan"])).toEqual([
      { target: "userId" },
      { target: "email" },
      { target: "timezone" },
      { target: "attribute", name: "plan", type: "string" },
    ]);
  });

  it("skips a second email, time zone or id column rather than guessing an attribute of that name, which the import refuses", () => {
    expect(guessMapping(["id", "email", "Email", "timezone", "timezone", "createdAt", "plan"])).toEqual([
      { target: "userId" },
      { target: "email" },
      { target: "attribute", name: "Email", type: "string" },
      { target: "timezone" },
      { target: "skip" },
      { target: "attribute", name: "createdAt", type: "string" },
      { target: "attribute", name: "plan", type: "string" },
    ]);
  });

  it("types an attribute column by its first rows: numbers, true/false, ISO dates", () => {
    const headers = ["id", "seats", "ltv", "beta", "signed_up", "last_seen", "plan"];
    const sample = [
      ["u1", "3", "1200.50", "true", "2026-03-01", "2026-11-30T09:15:00Z", "pro"],
      ["u2", "12", "-4", "FALSE", "2025-12-31", "2026-12-01 18:00", "free"],
      ["u3", "", "0", "", "", "", ""],
    ];
    expect(types(headers, sample)).toEqual(["userId", "number", "number", "boolean", "date", "date", "string"]);
  });

  it("keeps as text what only looks like a number, a yes/no or a date: leading zeros, long digit runs, phone numbers, y/n, US dates; 1/0 are numbers", () => {
    const headers = ["id", "zip", "card", "phone", "flag", "answer", "us_date", "mixed", "empty", "version"];
    const sample = [
      ["u1", "02134", "4111111111111111", "+33 6 12 34 56 78", "1", "yes", "03/01/2026", "3", "", "1.2.3"],
      ["u2", "10001", "4111111111111112", "555-0100", "0", "no", "12/31/2025", "n/a", "", "2.0.1"],
    ];
    expect(types(headers, sample)).toEqual(["userId", "string", "string", "string", "number", "string", "string", "string", "string", "string"]);
  });

  it("what it guesses imports the first rows it was guessed from", () => {
    const headers = ["id", "seats", "beta", "signed_up"];
    const sample = [["u1", "3", "True", "2026-03-01"], ["u2", "12", "false", "2026-12-01T18:00:00+01:00"]];
    const mapping = guessMapping(headers, sample);
    for (const row of sample) expect(rowToUser(row, mapping)).toMatchObject({ ok: true });
    expect(rowToUser(sample[1]!, mapping)).toEqual({ ok: true, user: { userId: "u2", attributes: { seats: 12, beta: false, signed_up: "2026-12-01T17:00:00.000Z" } } });
  });

  it("a number column takes decimals only: a later zip code with a leading zero, or hex, is a rejected row, never a changed value", () => {
    const mapping = guessMapping(["id", "zip"], [["u1", "10001"], ["u2", "94105"]]);
    expect(mapping[1]).toEqual({ target: "attribute", name: "zip", type: "number" });
    expect(rowToUser(["u3", "02134"], mapping)).toEqual({ ok: false, reason: 'zip: "02134" starts with a zero: import the column as string to keep it as written' });
    expect(rowToUser(["u4", "0x1F"], mapping)).toEqual({ ok: false, reason: 'zip: "0x1F" is not a number' });
    for (const [cell, n] of [["0", 0], ["0.5", 0.5], ["-0.25", -0.25], ["1 000", 1000], ["+7", 7], ["1e3", 1000], [".5", 0.5]] as const) {
      expect(rowToUser(["u5", cell], mapping)).toEqual({ ok: true, user: { userId: "u5", attributes: { zip: n } } });
    }
  });
});
