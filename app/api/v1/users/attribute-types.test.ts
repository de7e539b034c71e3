// A date attribute is read by one rule at both doors (lib/audience/attribute-value.ts): "06/07/2026"
// sent to the users API for an attribute the catalogue holds dates in is stored as the CSV import stores
// it (before, the API kept the text). The API never refuses a value for a type nobody declared: what does
// not read as a date is stored as sent, with a warning giving the import's reason.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { catalogueTypes } from "@/lib/audience/typed-inputs";
import { importCsv } from "@/lib/audience/import/run";
import type { ColumnMapping } from "@/lib/audience/import/mapping";
import { POST } from "./route";

let editor: Record<string, string>;
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  // users who make the catalogue type signup a date, seats a number, beta true/false, plan text
  // (each test writes values of its own attribute: one not a date, stored as sent, un-types it at the next reading)
  await db().user.create({ data: { id: "seed", attributes: { signup: "2026-01-01T00:00:00.000Z", renewal: "2026-01-01", many: "2026-01-01", firstSeen: "2026-01-01", seats: 3, beta: true, plan: "pro", mixed: "2026-01-01" } } });
  await db().user.create({ data: { id: "seed-2", attributes: { mixed: "soon" } } });
  await catalogueTypes({ maxAgeMs: 0, wait: true });
});

const post = (body: unknown) =>
  POST(new Request("http://127.0.0.1/api/v1/users", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...editor } }));
const stored = async (id: string) => ((await db().user.findUnique({ where: { id } }))?.attributes ?? null) as Record<string, unknown> | null;
const csvCell = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** Each value through the CSV import, in a column mapped as `type`: the value stored, or the reason its row was refused. */
async function viaImport(name: string, type: "date" | "number" | "boolean", values: string[], prefix: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "hookline-typed-")), "users.csv");
  writeFileSync(file, `id,${name}\n${values.map((v, i) => `${prefix}${i},${csvCell(v)}`).join("\n")}\n`);
  const mapping: ColumnMapping[] = [{ target: "userId" }, { target: "attribute", name, type }];
  const report = await importCsv(file, { delimiter: ",", encoding: "utf-8", headers: ["id", name], mapping });
  const reasons = new Map(report.rejected.map((r) => [r.line - 2, r.reason]));
  return Promise.all(values.map(async (_, i) => (reasons.has(i) ? { refused: reasons.get(i)! } : { stored: (await stored(`${prefix}${i}`))?.[name] })));
}

/** Each value through POST /api/v1/users: the value stored and the answer's warning (a value is never refused for its type). */
async function viaApi(name: string, values: unknown[], prefix: string) {
  const results: { stored: unknown; warning: string | null }[] = [];
  for (const [i, value] of values.entries()) {
    const res = await post({ userId: `${prefix}${i}`, attributes: { [name]: value } });
    expect(res.status).toBe(200);
    const answer = await res.json();
    results.push({ stored: (await stored(`${prefix}${i}`))?.[name], warning: answer.warnings?.[0]?.message ?? null });
  }
  return results;
}

// [sent, stored by the API, stored by the import (null: its row rejected)]
const DATES: [string, string, string | null][] = [
  // ISO texts are kept as sent by the API (they read as the same date or instant); the import stores its ISO text
  ["2026-06-07", "2026-06-07", "2026-06-07T00:00:00.000Z"],
  ["2026-06-07T10:30:00+02:00", "2026-06-07T10:30:00+02:00", "2026-06-07T08:30:00.000Z"],
  ["2026-03-01T09:00:00+09:00", "2026-03-01T09:00:00+09:00", "2026-03-01T00:00:00Z"],
  // other forms of a date: stored as the import stores them
  ["06/07/2026", "2026-06-07T00:00:00.000Z", "2026-06-07T00:00:00.000Z"],
  ["12/25/2026", "2026-12-25T00:00:00.000Z", "2026-12-25T00:00:00.000Z"],
  ["7 June 2026", "2026-06-07T00:00:00.000Z", "2026-06-07T00:00:00.000Z"],
  ["06/07/2026 09:30", "2026-06-07T09:30:00.000Z", "2026-06-07T09:30:00.000Z"],
  // not a date: the import rejects the row, the API stores it as sent with a warning
  ["25/12/2026", "25/12/2026", null],
  ["6/7/26", "6/7/26", null],
  ["06.07.2026", "06.07.2026", null],
  ["1767225600", "1767225600", null],
  ["TBD", "TBD", null],
  ["Room 101", "Room 101", null],
  ["99999-01-01", "99999-01-01", null],
  ["x".repeat(10_000), "x".repeat(10_000), null],
];

describe("a date attribute through the users API and the CSV import", () => {
  it("a date in another form than ISO is stored as the import stores it; ISO is kept as sent; anything else is kept with a warning, never refused", async () => {
    const values = DATES.map(([v]) => v);
    const api = await viaApi("signup", values, "api-date-");
    const csv = await viaImport("signup", "date", values, "csv-date-");
    expect(api.map((r) => r.stored)).toEqual(DATES.map(([, a]) => a));
    expect(csv.map((r) => ("stored" in r ? r.stored : null))).toEqual(DATES.map(([, , c]) => c));
    values.forEach((value, i) => {
      const rejected = csv[i]!;
      if ("refused" in rejected) {
        // the same reason in both words
        const warning = api[i]!.warning!;
        expect(warning).toMatch(/^User "api-date-\d+": signup holds dates \(the attribute catalogue\): .*; stored as sent$/);
        const problem = warning.split("(the attribute catalogue): ")[1]!.replace(/; stored as sent$/, "");
        expect([value.slice(0, 20), rejected.refused!.startsWith(`signup: ${problem}`)]).toEqual([value.slice(0, 20), true]);
      } else expect([value, api[i]!.warning]).toEqual([value, null]);
    });
  });

  it("a warning names the user and the attribute; the other users of the request are written as sent", async () => {
    const res = await post({ users: [{ userId: "batch-ok", attributes: { renewal: "06/07/2026" } }, { userId: "batch-odd", attributes: { renewal: "25/12/2026", seats: "many" } }] });
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer).toMatchObject({ created: 2, updated: 0 });
    expect(answer.warnings).toEqual([
      {
        path: "users.1.attributes.renewal",
        message:
          'User "batch-odd": renewal holds dates (the attribute catalogue): "25/12/2026" is not a date: use ISO-8601 (2026-06-07, 2026-06-07T09:30:00+02:00), month/day/year (06/07/2026 is June 7) or the month\'s name (7 June 2026); stored as sent',
      },
    ]);
    expect(await stored("batch-ok")).toEqual({ renewal: "2026-06-07T00:00:00.000Z" });
    // numbers and true/false keep the JSON type sent: only dates are read
    expect(await stored("batch-odd")).toEqual({ renewal: "25/12/2026", seats: "many" });
  });

  it("keeps Unix seconds sent as a JSON number as sent, and null still removes the attribute", async () => {
    expect((await post({ userId: "unix", attributes: { signup: 1767225600 } })).status).toBe(200);
    expect(await stored("unix")).toEqual({ signup: 1767225600 });
    expect((await post({ userId: "unix", attributes: { signup: null } })).status).toBe(200);
    expect(await stored("unix")).toEqual({});
  });

  it("leaves text, mixed and new attributes as sent: only a type the catalogue gives alone converts", async () => {
    expect((await post({ userId: "untyped", attributes: { plan: "06/07/2026", mixed: "06/07/2026", brandNew: "06/07/2026", other: 5 } })).status).toBe(200);
    expect(await stored("untyped")).toEqual({ plan: "06/07/2026", mixed: "06/07/2026", brandNew: "06/07/2026", other: 5 });
  });

  it("at most 20 warnings in an answer, with the count of all", async () => {
    const users = Array.from({ length: 25 }, (_, i) => ({ userId: `many-${i}`, attributes: { many: "soon" } }));
    const answer = await (await post({ users })).json();
    expect(answer.warnings).toHaveLength(20);
    expect(answer.warningsCut).toBe(25);
  });
});

describe("number and true/false attributes through the users API and the CSV import", () => {
  it("the API keeps the JSON type sent (the catalogue's number is a reading, not a rule); the import converts its typed columns", async () => {
    const numbers = ["42", "02134", "N/A"];
    const api = await viaApi("seats", numbers, "api-n-");
    expect(api).toEqual(numbers.map((n) => ({ stored: n, warning: null })));
    const csv = await viaImport("seats", "number", numbers, "csv-n-");
    expect(csv[0]).toEqual({ stored: 42 });
    expect("refused" in csv[1]! && "refused" in csv[2]!).toBe(true);
    const flags = ["yes", "maybe"];
    expect(await viaApi("beta", flags, "api-b-")).toEqual(flags.map((f) => ({ stored: f, warning: null })));
    expect(await viaImport("beta", "boolean", flags, "csv-b-")).toMatchObject([{ stored: true }, { refused: expect.any(String) }]);
  });
});

describe("the catalogue's types as the users API reads them", () => {
  it("only the first write waits for a reading; later ones get the last reading while a newer one is read", async () => {
    await db().user.deleteMany({ where: { id: { not: "seed" } } });
    const first = await catalogueTypes({ maxAgeMs: 0, wait: true });
    expect(first.firstSeen).toBe("date");
    await db().user.create({ data: { id: "typed-later", attributes: { renewsOn: "2026-02-01" } } });
    // stale: a new reading starts, and the caller is not kept waiting for it
    const served = await catalogueTypes({ maxAgeMs: 0 });
    expect(served).toBe(first);
    expect(served.renewsOn).toBeUndefined();
    expect((await catalogueTypes({ wait: true })).renewsOn).toBe("date");
    expect((await catalogueTypes()).renewsOn).toBe("date");
  });
});
