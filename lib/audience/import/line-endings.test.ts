// How the import reads quotes next to line breaks: a blank line before a row, and a line break that
// is not the file's line ending after a closing quote. Each case as csv-parse reads it strictly.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseSync } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { importCsv, inspectCsv } from "./run";

const dir = mkdtempSync(path.join(tmpdir(), "hookline-import-line-endings-"));
const mapping = [{ target: "userId" as const }, { target: "attribute" as const, name: "note", type: "string" as const }];

async function run(name: string, content: string) {
  const csv = path.join(dir, `${name}.csv`);
  writeFileSync(csv, content);
  const rejectedFile = path.join(dir, `${name}.rejected.csv`);
  const report = await importCsv(csv, { ...(await inspectCsv(csv)), mapping, rejectedFile });
  const written = parseSync(readFileSync(rejectedFile, "utf8"), { from_line: 2 }) as string[][];
  return { report, written };
}

const note = async (id: string) => (await db().user.findUnique({ where: { id } }))?.attributes;

describe("CSV import, quotes next to line breaks", () => {
  // skip_empty_lines leaves the skipped line's break at the start of csv-parse's raw: it was read as
  // text in field 0, so a first cell in quotes after a blank line was an "Invalid Opening Quote"
  it.each([
    ["lf", ",", "\n"],
    ["crlf", ",", "\r\n"],
    ["semicolon", ";", "\n"],
    ["tab", "\t", "\r\n"],
  ])("imports a row whose first cell is quoted after blank lines (%s)", async (name, d, eol) => {
    const lines = ["id", "note", `blank-${name}-1${d}a`, "", `"blank-${name}-2"${d}b`, "", "", `"blank-${name}-3"${d}"c"`, "", `blank-${name}-4${d}x"y`];
    const content = [lines[0] + d + lines[1], ...lines.slice(2)].join(eol) + eol;
    const { report, written } = await run(`blank-${name}`, content);
    expect(report).toMatchObject({ rows: 4, imported: 3, rejectedCount: 1 });
    expect(report.rejected).toEqual([{ line: 9, reason: "Column 2 (note): a quote \" inside a value that does not start with one. Put the whole value in quotes and double the inner quotes: \"x\"\"y\"" }]);
    expect(await note(`blank-${name}-2`)).toEqual({ note: "b" });
    expect(await note(`blank-${name}-3`)).toEqual({ note: "c" });
    // the rejected row is its own line, without the blank line before it or its line ending
    expect(written).toEqual([["9", "Column 2 (note): a quote \" inside a value that does not start with one. Put the whole value in quotes and double the inner quotes: \"x\"\"y\"", `blank-${name}-4${d}x"y`]]);
  });

  // csv-parse ends a quote only at the line ending it reads records by; strayQuote took any CR or LF,
  // so the relaxed read stored the quotes and the break as text where strict csv-parse refused the row
  it("rejects a closing quote followed by a line break that is not the file's line ending", async () => {
    const crlf = await run("lone-lf", 'id,note\r\nrv1,a\r\nrv2,"quoted note"\n');
    expect(crlf.report).toMatchObject({ rows: 2, imported: 1, rejectedCount: 1 });
    expect(crlf.report.rejected).toEqual([{ line: 3, reason: "Column 2 (note): the value starts with a quote, so a quote inside it reads as its end, yet a line break of another kind than the file's follows it. Double each quote inside a quoted value (\"a \"\"quoted\"\" word\"), or end the value at that quote" }]);
    expect(await note("rv2")).toBeUndefined();
    expect(crlf.written.map(([, , row]) => row)).toEqual(['rv2,"quoted note"\n']);

    const lf = await run("lone-cr", 'id,note\nrv3,"a"\r\nrv4,b\nrv5,"c"\n');
    expect(lf.report).toMatchObject({ rows: 3, imported: 2, rejectedCount: 1 });
    // csv-parse counts the CR inside the row as a line of its own
    expect(lf.report.rejected).toEqual([{ line: 3, reason: "Column 2 (note): the value starts with a quote, so a quote inside it reads as its end, yet a line break of another kind than the file's follows it. Double each quote inside a quoted value (\"a \"\"quoted\"\" word\"), or end the value at that quote" }]);
    expect(await note("rv3")).toBeUndefined();
    expect(await note("rv4")).toEqual({ note: "b" });
    expect(await note("rv5")).toEqual({ note: "c" });
    expect(lf.written.map(([, , row]) => row)).toEqual(['rv3,"a"\r']);
  });

  it("ends a quote at the file's own line ending, CRLF included", async () => {
    const { report } = await run("crlf-quoted", 'id,note\r\n"crq1","two\r\nlines"\r\ncrq2,"b"\r\n"crq3","c"');
    expect(report).toMatchObject({ rows: 3, imported: 3, rejectedCount: 0 });
    expect(await note("crq1")).toEqual({ note: "two\r\nlines" });
    expect(await note("crq3")).toEqual({ note: "c" });
  });
});
