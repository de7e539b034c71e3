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

  it("offers the catalogue's attribute for a column named like it (case, spaces, _ and - ignored), with the catalogue's type", () => {
    const catalogue = [
      { name: "firstName", types: ["string" as const] },
      { name: "seats", types: ["number" as const] },
      { name: "signup_date", types: ["date" as const] },
    ];
    const headers = ["id", "first name", "E-mail", "SEATS", "Signup-Date", "plan"];
    const sample = [["u1", "Ada", "a@example.com", "n/a", "2026-03-01", "pro"]];
    expect(guessMapping(headers, sample, catalogue)).toEqual([
      { target: "userId" },
      { target: "attribute", name: "firstName", type: "string" },
      { target: "email" },
      // the catalogue's type, not the cells' (seats would read as text here)
      { target: "attribute", name: "seats", type: "number" },
      { target: "attribute", name: "signup_date", type: "date" },
      { target: "attribute", name: "plan", type: "string" },
    ]);
    for (const header of ["First_Name", "firstname", " FIRST-NAME "]) {
      expect(guessMapping(["id", header], [], catalogue)[1]).toEqual({ target: "attribute", name: "firstName", type: "string" });
    }
  });

  it("the email field comes first: 'email address' is the email unless a column already is, and a second column of the same attribute keeps its own name", () => {
    const catalogue = [{ name: "firstName", types: ["string" as const] }, { name: "emailAddress", types: ["string" as const] }];
    expect(guessMapping(["id", "email address", "Email Address", "first name", "firstName"], [], catalogue)).toEqual([
      { target: "userId" },
      { target: "email" },
      { target: "attribute", name: "emailAddress", type: "string" },
      { target: "attribute", name: "firstName", type: "string" },
      // two columns cannot fill one attribute (the import refuses that mapping)
      { target: "skip" },
    ]);
  });

  it("among loosely equal catalogue names the exact one wins, then the one most users have; a name of several types keeps the cells' type when it is one of them", () => {
    const catalogue = [
      { name: "first_name", types: ["string" as const], users: 3 },
      { name: "firstName", types: ["string" as const], users: 40 },
      { name: "score", types: ["number" as const, "string" as const], users: 5 },
    ];
    expect(guessMapping(["id", "first_name", "First Name", "score"], [["u1", "Ada", "Ada", "7"]], catalogue)).toEqual([
      { target: "userId" },
      { target: "attribute", name: "first_name", type: "string" },
      { target: "attribute", name: "firstName", type: "string" },
      { target: "attribute", name: "score", type: "number" },
    ]);
    expect(guessMapping(["id", "score"], [["u1", "high"]], catalogue)[1]).toEqual({ target: "attribute", name: "score", type: "string" });
    // cells of none of its types: text when it is one of them, else the cells' own (never the first type by name: "date" for numbers refused every row)
    const mixed = [{ name: "since", types: ["date" as const, "string" as const] }, { name: "level", types: ["boolean" as const, "date" as const] }];
    expect(guessMapping(["id", "since", "level"], [["u1", "42", "7"]], mixed).slice(1)).toEqual([
      { target: "attribute", name: "since", type: "string" },
      { target: "attribute", name: "level", type: "number" },
    ]);
  });

  it("a catalogue name the import refuses (a legacy attribute named like a built-in field) is never offered", () => {
    expect(guessMapping(["id", "Time Zone"], [], [{ name: "timeZone", types: ["string"] }])[1]).toEqual({ target: "timezone" });
    expect(guessMapping(["id", "email", "E Mail"], [], [{ name: "email", types: ["number"] }])).toEqual([
      { target: "userId" },
      { target: "email" },
      { target: "attribute", name: "E Mail", type: "string" },
    ]);
  });
});
