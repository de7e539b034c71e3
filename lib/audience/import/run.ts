// CSV import of users: inspect a file (encoding, delimiter, header, first rows), then stream it
// through csv-parse, upserting valid rows a thousand at a time and reporting every refused row
// with its line number and reason (also written to a CSV of rejected rows).
import { createReadStream, createWriteStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { upsertUsers } from "../users";
import { detectDelimiter, detectEncoding, hasUtf16Bom, hasUtf8Bom, type CsvEncoding, type Delimiter } from "./detect";
import { rowToUser, type ColumnMapping } from "./mapping";
import type { UserInput } from "../../api/schemas/users";
import { csvField } from "../../text/csv-field";

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const MAX_COLUMNS = 1000;
const BATCH = 1000;
const MAX_LINE_CHARS = 1_000_000;
/** How many rejected rows the report lists; the rejected-rows CSV has every one. */
const REPORT_REJECTED_LIMIT = 10_000;
/**
 * How many rejected rows an import keeps (each with its source line, in memory until it ends, to
 * write them in line order): past it the import stops. A 50 MB file of two-byte rows that all fail
 * (a wrong column count, a wrong mapping) held 26 million of them, over 3 GB, and the server died.
 */
export const MAX_REJECTED_ROWS = 100_000;

export class CsvImportError extends Error {}

export type CsvInspection = { encoding: CsvEncoding; delimiter: Delimiter; headers: string[]; sample: string[][]; bytes: number };
export type RejectedRow = { line: number; reason: string };
export type ImportReport = {
  rows: number;
  imported: number;
  created: number;
  updated: number;
  rejectedCount: number;
  rejected: RejectedRow[];
  /** set when the import stopped early (too many rejected rows): why, and that the rest was not read */
  stopped?: string;
};

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The header and first rows, with the encoding and delimiter found; CsvImportError when it is no CSV we can take. */
export async function inspectCsv(file: string): Promise<CsvInspection> {
  const { size } = await stat(file);
  if (size === 0) throw new CsvImportError("The file is empty.");
  if (size > MAX_UPLOAD_BYTES) throw new CsvImportError(`The file is ${(size / 1024 / 1024).toFixed(0)} MB; the limit is 50 MB.`);
  const head = await readHead(file, 2 * 1024 * 1024);
  if (head.includes(0)) {
    // Excel's "Unicode Text" is UTF-16 (a NUL in every other byte of Latin text): text, but not one we read
    if (hasUtf16Bom(head)) throw new CsvImportError("This file is UTF-16 text; save it as \"CSV UTF-8\" and upload it again.");
    throw new CsvImportError("This does not look like a CSV text file (it contains binary data).");
  }
  const encoding = detectEncoding(head);
  const text = head.subarray(hasUtf8Bom(head) ? 3 : 0).toString(encoding === "utf-8" ? "utf8" : "latin1");
  const newline = text.indexOf("\n");
  if (newline === -1 && head.length < size) throw new CsvImportError("The header line is over 2 MB long; is this a CSV file?");
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  const delimiter = detectDelimiter(firstLine);
  const complete = head.length < size ? text.slice(0, text.lastIndexOf("\n") + 1) : text;
  let records: string[][];
  try {
    records = parseSync(complete, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: 6, skip_records_with_error: true });
  } catch (err) {
    throw new CsvImportError(`The file cannot be read as CSV: ${(err as Error).message}`);
  }
  const headers = (records[0] ?? []).map((h) => h.trim());
  if (headers.length === 0) throw new CsvImportError("The file has no header row.");
  if (headers.length > MAX_COLUMNS) {
    throw new CsvImportError(`The file has ${headers.length.toLocaleString("en-US")} columns; at most ${MAX_COLUMNS.toLocaleString("en-US")} can be imported.`);
  }
  return { encoding, delimiter, headers, sample: records.slice(1), bytes: size };
}

type Rejection = RejectedRow & { raw: string };
/** A record csv-parse could not read: its rejection, and its text and line as far as its last error. */
type Malformed = { rejection: Rejection; lastRaw: string; lastLine: number };

/**
 * Completes each malformed record's raw, which csv-parse cuts at its last error: the rest of that
 * line is read back from the file. Where the line read does not start with what csv-parse saw there
 * (its line count slips on CRLF inside quotes), the raw stays as it was.
 */
async function completeMalformedRaw(file: string, encoding: CsvEncoding, malformed: Malformed[]) {
  const byLine = new Map<number, Malformed[]>();
  for (const m of malformed) byLine.set(m.lastLine, [...(byLine.get(m.lastLine) ?? []), m]);
  const last = malformed.reduce((max, m) => Math.max(max, m.lastLine), 0);
  if (!last) return;
  const input = createReadStream(file, { encoding: encoding === "utf-8" ? "utf8" : "latin1" });
  try {
    let n = 0;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      for (const m of byLine.get(++n) ?? []) {
        const seen = m.lastRaw.replace(/\r\n?/g, "\n").replace(/\n$/, "");
        const earlier = seen.slice(0, seen.lastIndexOf("\n") + 1);
        const tail = seen.slice(earlier.length);
        // an empty tail matches any line: the count may have slipped, so nothing is attached on it
        if (tail && line.startsWith(tail)) m.rejection.raw = earlier + line;
      }
      if (n >= last) break;
    }
  } finally {
    input.destroy();
  }
}

async function writeRejected(file: string, rows: Rejection[]) {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write("line,reason,row\n");
  for (const r of rows) await write(`${r.line},${csvField(r.reason)},${csvField(r.raw.replace(/\r?\n$/, ""))}\n`);
  out.end();
  await once(out, "close");
}

export type ImportOptions = {
  delimiter: Delimiter;
  encoding: CsvEncoding;
  mapping: ColumnMapping[];
  /** where to write the rejected rows (line, reason, then the row's cells) */
  rejectedFile?: string;
  onProgress?: (fraction: number, report: ImportReport) => void;
};

export async function importCsv(file: string, options: ImportOptions): Promise<ImportReport> {
  const { size } = await stat(file);
  const report: ImportReport = { rows: 0, imported: 0, created: 0, updated: 0, rejectedCount: 0, rejected: [] };
  // Kept in memory (at most the 50 MB file) so the rejected rows come out in line order.
  const rejectedRows: Rejection[] = [];
  // the last line of the file taken in (a row imported or rejected): where a stop leaves off
  let lastLine = 1;
  let stopped = false;
  /** The rejection, or null once the import has stopped: a row past MAX_REJECTED_ROWS stops it, unread rows and all. */
  const reject = (line: number, reason: string, raw: string): Rejection | null => {
    if (stopped) return null;
    if (rejectedRows.length >= MAX_REJECTED_ROWS) {
      stopped = true;
      report.stopped = `More than ${MAX_REJECTED_ROWS.toLocaleString("en-US")} rows were rejected, so the import stopped after line ${lastLine.toLocaleString("en-US")}: the lines after it were not read. Check the column mapping and the file, then import it again (users already imported are updated, not duplicated).`;
      input.destroy();
      parser.destroy();
      return null;
    }
    report.rejectedCount++;
    rejectedRows.push({ line, reason, raw });
    return rejectedRows[rejectedRows.length - 1]!;
  };
  const malformed: Malformed[] = [];
  const input = createReadStream(file);
  let bytesRead = 0;
  input.on("data", (chunk) => (bytesRead += chunk.length));
  const parser: ReturnType<typeof parse> = input.pipe(
    parse({
      delimiter: options.delimiter,
      encoding: options.encoding === "utf-8" ? "utf8" : "latin1",
      bom: true,
      from_line: 2,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      max_record_size: MAX_LINE_CHARS,
      skip_records_with_error: true,
      on_skip: (err, raw = "") => {
        const line = Number((err as { lines?: number } | undefined)?.lines ?? 0);
        // csv-parse calls this for every bad quote of a record, its text so far growing each time (on
        // the same line, or past a line break inside quotes): that is one row, rejected once.
        const previous = malformed[malformed.length - 1];
        if (previous && raw.startsWith(previous.lastRaw) && (line === previous.lastLine || /[\r\n]/.test(raw.slice(previous.lastRaw.length)))) {
          previous.lastRaw = previous.rejection.raw = raw;
          previous.lastLine = line;
          return undefined;
        }
        const rejection = reject(line, `Malformed CSV: ${(err?.message ?? "unreadable").replace(/\s*at line \d+.*$/, "")}`, raw);
        if (!rejection) return undefined;
        report.rows++;
        lastLine = Math.max(lastLine, line);
        malformed.push({ rejection, lastRaw: raw, lastLine: line });
        return undefined;
      },
    }),
  );
  let batch: UserInput[] = [];
  // each batch entry's line and text, to reject the rows of a user the upsert left alone
  let batchRows: { line: number; raw: string }[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const result = await upsertUsers(batch, { skipTooLarge: true });
    report.created += result.created;
    report.updated += result.updated;
    const skipped = new Map(result.skipped.map((s) => [s.userId, s.problem]));
    batch.forEach((user, i) => {
      const problem = skipped.get(user.userId);
      if (problem) reject(batchRows[i]!.line, problem, batchRows[i]!.raw);
      else report.imported++;
    });
    batch = [];
    batchRows = [];
    options.onProgress?.(Math.min(1, bytesRead / size), report);
  };
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      if (stopped) break;
      const result = rowToUser(record, options.mapping);
      if (result.ok) {
        batch.push(result.user);
        batchRows.push({ line: info.lines, raw });
      } else if (!reject(info.lines, result.reason, raw)) break;
      report.rows++;
      lastLine = Math.max(lastLine, info.lines);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  } catch (err) {
    // the stop destroys the parser under the loop (a premature close): the rows read so far are imported
    if (!stopped) throw new CsvImportError(`The import stopped: ${(err as Error).message}`);
    await flush();
  }
  await completeMalformedRaw(file, options.encoding, malformed);
  rejectedRows.sort((a, b) => a.line - b.line);
  report.rejected = rejectedRows.slice(0, REPORT_REJECTED_LIMIT).map(({ line, reason }) => ({ line, reason }));
  if (options.rejectedFile) await writeRejected(options.rejectedFile, rejectedRows);
  options.onProgress?.(1, report);
  return report;
}
