import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RejectedRows } from "./rejected-rows";
import { CsvImportError, importCsv, inspectCsv } from "./run";

const dir = mkdtempSync(path.join(tmpdir(), "hookline-rejected-rows-"));

describe("RejectedRows", () => {
  it("writes the rows up to a line in line order, holds the later ones, and lists the first few", async () => {
    const file = path.join(dir, "order.rejected.csv");
    const rows = new RejectedRows(file, 2);
    rows.add({ line: 7, reason: "late", raw: "g" });
    rows.add({ line: 3, reason: "a batch's", raw: "c" });
    rows.add({ line: 5, reason: "read later", raw: 'e,"q"' });
    await rows.release(5);
    // released in line order, the first two listed; line 7 held
    expect(rows.listed).toEqual([
      { line: 3, reason: "a batch's" },
      { line: 5, reason: "read later" },
    ]);
    rows.add({ line: 6, reason: "between", raw: "f" });
    await rows.close();
    expect(readFileSync(file, "utf8")).toBe('line,reason,row\n3,a batch\'s,c\n5,read later,"e,""q"""\n6,between,f\n7,late,g\n');
    expect(rows.listed).toHaveLength(2);
  });

  // every rejected row (with its source line) was held until the import ended: about the 50 MB file
  it("an import writes its rejected rows as it goes, not all at its end", async () => {
    const lines = ["userId,email"];
    for (let i = 0; i < 20_000; i++) lines.push(i % 2 ? `stream-${i},s${i}@example.com` : `stream-${i},not-an-email-${"x".repeat(100)}`);
    const csv = path.join(dir, "stream.csv");
    writeFileSync(csv, lines.join("\n") + "\n");
    const rejectedFile = path.join(dir, "stream.rejected.csv");
    const writtenMidway: number[] = [];
    const report = await importCsv(csv, {
      ...(await inspectCsv(csv)),
      mapping: [{ target: "userId" }, { target: "email" }],
      rejectedFile,
      onProgress: (fraction) => {
        if (fraction < 1) writtenMidway.push(statSync(rejectedFile).size);
      },
    });
    expect(report).toMatchObject({ rows: 20_000, imported: 10_000, rejectedCount: 10_000 });
    expect(Math.max(...writtenMidway)).toBeGreaterThan(500_000);
    const written = readFileSync(rejectedFile, "utf8").trim().split("\n");
    expect(written).toHaveLength(10_001);
    expect(written.slice(1).map((l) => Number(l.split(",")[0]))).toEqual(Array.from({ length: 10_000 }, (_, i) => 2 + 2 * i));
  }, 60_000);

  // the file's stream had no 'error' listener for most of the import: a disk full or a directory
  // gone killed the process with an unhandled 'error' event
  describe("an import whose rejected rows cannot be written fails, the process living on", () => {
    const lines = ["userId,email"];
    for (let i = 0; i < 5000; i++) lines.push(i % 2 ? `wfail-${i},w${i}@example.com` : `wfail-${i},not-an-email`);
    const csv = path.join(dir, "wfail.csv");
    writeFileSync(csv, lines.join("\n") + "\n");
    const importTo = async (rejectedFile: string) => importCsv(csv, { ...(await inspectCsv(csv)), mapping: [{ target: "userId" }, { target: "email" }], rejectedFile });

    it("a path that is a directory (the file cannot be opened)", async () => {
      const folder = path.join(dir, "a-folder.rejected.csv");
      mkdirSync(folder);
      const failed = importTo(folder);
      await expect(failed).rejects.toThrow(CsvImportError);
      // the error's message names the server's path: the member who reads it gets the reason alone
      await expect(failed).rejects.toThrow("The import stopped: could not write the rejected rows: EISDIR: illegal operation on a directory, open");
      await expect(failed).rejects.not.toThrow(folder);
    });

    it.runIf(existsSync("/dev/full"))("a disk full (each write fails)", async () => {
      const failed = importTo("/dev/full");
      await expect(failed).rejects.toThrow(CsvImportError);
      await expect(failed).rejects.toThrow(/^The import stopped: could not write the rejected rows: ENOSPC/);
    });

    it("RejectedRows.close reports a write that failed after the last row was added", async () => {
      const rows = new RejectedRows("/dev/full", 10);
      rows.add({ line: 2, reason: "r", raw: "x" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(rows.close()).rejects.toThrow(/^could not write the rejected rows: ENOSPC/);
    });
  });
});
