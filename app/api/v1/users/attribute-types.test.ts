// A typed attribute (the attribute catalogue's number, true/false or date) is one rule at every
// door: the users API and the CSV import store the same value, or refuse it for the same reason,
// value for value (lib/audience/attribute-value.ts). Before, the API stored "06/07/2026" as that text.
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
  await db().user.create({ data: { id: "seed", attributes: { signup: "2026-01-01T00:00:00.000Z", seats: 3, beta: true, plan: "pro", mixed: "2026-01-01" } } });
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

/** Each value through POST /api/v1/users: the value stored, or the 400's message. */
async function viaApi(name: string, values: unknown[], prefix: string) {
  const results = [];
  for (const [i, value] of values.entries()) {
    const res = await post({ userId: `${prefix}${i}`, attributes: { [name]: value } });
    if (res.status === 200) results.push({ stored: (await stored(`${prefix}${i}`))?.[name] });
    else {
      expect(res.status).toBe(400);
      expect(await stored(`${prefix}${i}`)).toBeNull();
      results.push({ refused: (await res.json()).error.message as string });
    }
  }
  return results;
}

/** The import's reason and the API's message say the same of a value: "signup: <problem>" (and, for a leading zero, the import's advice) and "... catalogue): <problem>". */
function agree(values: string[], api: ({ stored: unknown } | { refused: string })[], csv: ({ stored: unknown } | { refused: string })[], name: string) {
  values.forEach((value, i) => {
    const a = api[i]!, c = csv[i]!;
    if ("stored" in c) expect([value, a]).toEqual([value, c]);
    else {
      expect([value, "refused" in a]).toEqual([value, true]);
      const problem = (a as { refused: string }).refused.split("(its type in the attribute catalogue): ")[1]!;
      expect(c.refused.startsWith(`${name}: ${problem}`)).toBe(true);
    }
  });
}

const DATES: [string, string | null][] = [
  ["2026-06-07", "2026-06-07T00:00:00.000Z"],
  ["2026-06-07T10:30:00+02:00", "2026-06-07T08:30:00.000Z"],
  ["2026-06-07T10:30:00Z", "2026-06-07T10:30:00.000Z"],
  ["06/07/2026", "2026-06-07T00:00:00.000Z"],
  ["12/25/2026", "2026-12-25T00:00:00.000Z"],
  ["25/12/2026", null],
  ["6/7/26", null],
  ["06.07.2026", null],
  ["7 June 2026", "2026-06-07T00:00:00.000Z"],
  ["1767225600", null],
  ["20260607", null],
  ["garbage", null],
  ["Room 101", null],
  ["0000-00-00", null],
  ["99999-01-01", null],
  ["NaN", null],
  ["x".repeat(10_000), null],
  ["7".repeat(10_000), null],
];

describe("a date attribute through the users API and the CSV import", () => {
  it("is stored as the same ISO instant, or refused for the same reason, value for value", async () => {
    const values = DATES.map(([v]) => v);
    const api = await viaApi("signup", values, "api-date-");
    const csv = await viaImport("signup", "date", values, "csv-date-");
    expect(api.map((r) => ("stored" in r ? r.stored : null))).toEqual(DATES.map(([, s]) => s));
    agree(values, api, csv, "signup");
  });

  it("a refusal names the attribute, its type, the accepted forms and the order a slash date is read in; nothing of the request is written", async () => {
    const res = await post({ users: [{ userId: "batch-ok", attributes: { signup: "2026-06-07" } }, { userId: "batch-bad", attributes: { signup: "25/12/2026", seats: "many" } }] });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.message).toBe(
      'users.1.attributes.signup: User "batch-bad": signup is a date attribute (its type in the attribute catalogue): "25/12/2026" is not a date: use ISO-8601 (2026-06-07, 2026-06-07T09:30:00+02:00), month/day/year (06/07/2026 is June 7) or the month\'s name (7 June 2026)',
    );
    expect(error.details.map((d: { path: string }) => d.path)).toEqual(["users.1.attributes.signup", "users.1.attributes.seats"]);
    expect(await stored("batch-ok")).toBeNull();
    expect(await stored("batch-bad")).toBeNull();
  });

  it("takes Unix seconds as a JSON number, and null still removes the attribute", async () => {
    expect((await post({ userId: "unix", attributes: { signup: 1767225600 } })).status).toBe(200);
    expect(await stored("unix")).toEqual({ signup: "2026-01-01T00:00:00Z" });
    expect((await post({ userId: "unix", attributes: { signup: null } })).status).toBe(200);
    expect(await stored("unix")).toEqual({});
  });

  it("leaves text, mixed and new attributes as sent: only a type the catalogue gives alone converts", async () => {
    expect((await post({ userId: "untyped", attributes: { plan: "06/07/2026", mixed: "06/07/2026", brandNew: "06/07/2026", other: 5 } })).status).toBe(200);
    expect(await stored("untyped")).toEqual({ plan: "06/07/2026", mixed: "06/07/2026", brandNew: "06/07/2026", other: 5 });
  });
});

describe("number and true/false attributes through the users API and the CSV import", () => {
  it("agree value for value", async () => {
    const numbers = ["42", " 1 000.5 ", "02134", "0x1F", "NaN", "1e999", "-3.5"];
    agree(numbers, await viaApi("seats", numbers, "api-n-"), await viaImport("seats", "number", numbers, "csv-n-"), "seats");
    expect(await stored("api-n-0")).toEqual({ seats: 42 });
    const flags = ["yes", "OFF", "1", "maybe"];
    agree(flags, await viaApi("beta", flags, "api-b-"), await viaImport("beta", "boolean", flags, "csv-b-"), "beta");
    expect(await stored("api-b-0")).toEqual({ beta: true });
    expect(await stored("api-b-1")).toEqual({ beta: false });
  });
});

describe("the catalogue's types as the users API reads them", () => {
  it("only the first write waits for a reading; later ones get the last reading while a newer one is read", async () => {
    const first = await catalogueTypes({ maxAgeMs: 0, wait: true });
    expect(first.signup).toBe("date");
    await db().user.create({ data: { id: "typed-later", attributes: { renewsOn: "2026-02-01" } } });
    // stale: a new reading starts, and the caller is not kept waiting for it
    const served = await catalogueTypes({ maxAgeMs: 0 });
    expect(served).toBe(first);
    expect(served.renewsOn).toBeUndefined();
    expect((await catalogueTypes({ wait: true })).renewsOn).toBe("date");
    expect((await catalogueTypes()).renewsOn).toBe("date");
  });
});
