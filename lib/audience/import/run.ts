// CSV import of users: inspect a file (encoding, delimiter, header, first rows), then stream it
// through csv-parse, upserting valid rows a thousand at a time and reporting every refused row
// with its line number and reason (also written to a CSV of rejected rows).
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { upsertUsers } from "../users";
import { detectDelimiter, detectEncoding, detectLineEnding, hasUtf16Bom, hasUtf8Bom, type CsvEncoding, type Delimiter } from "./detect";
import { mappedTypes, rowToUser, type ColumnMapping } from "./mapping";
import { recordText, strayQuote } from "./stray-quote";
import { malformedRowReason, unreadableRowReason } from "./row-problems";
import { RejectedRows, type RejectedRow } from "./rejected-rows";
import { displayedSample } from "./inspection-sample";
import type { UserInput } from "../../api/schemas/users";
import { UPLOAD_LIMIT_BYTES } from "../../http/body-limits";

export const MAX_UPLOAD_BYTES = UPLOAD_LIMIT_BYTES;
const MAX_COLUMNS = 1000;
const BATCH = 1000;
const MAX_LINE_CHARS = 1_000_000;
/** How many rejected rows the report lists; the rejected-rows CSV has every one. */
const REPORT_REJECTED_LIMIT = 10_000;
/**
 * How many rejected rows an import takes: past it the import stops, a file rejected row after row
 * being a wrong mapping. A 50 MB file of two-byte rows that all fail (a wrong column count, a wrong
 * mapping) held 26 million of them in memory, over 3 GB, and the server died (they are written as
 * they come now, but the report and the time it takes still grow with them).
 */
export const MAX_REJECTED_ROWS = 100_000;

export class CsvImportError extends Error {}

export type CsvInspection = { encoding: CsvEncoding; delimiter: Delimiter; headers: string[]; sample: string[][]; bytes: number };
export type ImportReport = {
  rows: number;
  imported: number;
  created: number;
  updated: number;
  rejectedCount: number;
  rejected: RejectedRow[];
  /** set when the import stopped early (too many rejected rows, a line too long): why, and that the rest was not read */
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
  // the sample is shown (and guides the first guess of a column's type); the import reads the file
  return { encoding, delimiter, headers, sample: displayedSample(records.slice(1), headers.length), bytes: size };
}

export type ImportOptions = {
  delimiter: Delimiter;
  encoding: CsvEncoding;
  mapping: ColumnMapping[];
  /** the header's column names (the inspection's), for a rejected row's reason to name its column as the file does */
  headers: string[];
  /** where to write the rejected rows (line, reason, then the row's cells) */
  rejectedFile?: string;
  onProgress?: (fraction: number, report: ImportReport) => void;
};

export async function importCsv(file: string, options: ImportOptions): Promise<ImportReport> {
  const { size } = await stat(file);
  // line breaks are the same bytes in UTF-8 and Latin-1
  const lineEnding = detectLineEnding((await readHead(file, 2 * 1024 * 1024)).toString("latin1"), options.delimiter);
  const report: ImportReport = { rows: 0, imported: 0, created: 0, updated: 0, rejectedCount: 0, rejected: [] };
  const rejected = new RejectedRows(options.rejectedFile, REPORT_REJECTED_LIMIT);
  const columns = { headers: options.headers, delimiter: options.delimiter };
  // the marketer's types, each cell already converted by them (rowToUser): not the catalogue's
  const types = mappedTypes(options.mapping);
  // the last line of the file taken in (a row imported or rejected): where a stop leaves off
  let lastLine = 1;
  // the last line of a record the loop took: no row up to it can be rejected once its batch is upserted
  let readLine = 1;
  let stopped = false;
  /** Whether the row was taken: false once the import has stopped, a row past MAX_REJECTED_ROWS stopping it, unread rows and all. */
  const reject = (line: number, reason: string, raw: string): boolean => {
    if (stopped) return false;
    if (report.rejectedCount >= MAX_REJECTED_ROWS) {
      stopped = true;
      report.stopped = `More than ${MAX_REJECTED_ROWS.toLocaleString("en-US")} rows were rejected, so the import stopped after line ${lastLine.toLocaleString("en-US")}: the lines after it were not read. Check the column mapping and the file, then import it again (users already imported are updated, not duplicated).`;
      input.destroy();
      parser.destroy();
      return false;
    }
    report.rejectedCount++;
    rejected.add({ line, reason, raw });
    return true;
  };
  const input = createReadStream(file);
  let bytesRead = 0;
  input.on("data", (chunk) => (bytesRead += chunk.length));
  // where csv-parse's last record ended and how many empty lines it had skipped by then (it runs
  // ahead of the loop): a record's text in raw comes after the empty lines skipped before it, and
  // the record over MAX_LINE_CHARS begins after them
  let parsedLine = 1;
  let parsedEmptyLines = 0;
  const recordRead = (info: { lines: number; empty_lines: number }) => {
    const emptyLinesBefore = info.empty_lines - parsedEmptyLines;
    parsedLine = info.lines;
    parsedEmptyLines = info.empty_lines;
    return emptyLinesBefore;
  };
  // the record csv-parse found over MAX_LINE_CHARS: it reads nothing after it (each later chunk is
  // dropped with one more error), so the import ends there and says from which line. Found where
  // it passes the limit: a quote left open runs on for many lines, which were not read either.
  let overLong: { from: number; to: number } | null = null;
  const parser: ReturnType<typeof parse> = input.pipe(
    parse({
      delimiter: options.delimiter,
      record_delimiter: lineEnding,
      encoding: options.encoding === "utf-8" ? "utf8" : "latin1",
      bom: true,
      from_line: 2,
      relax_column_count: true,
      // Stray quotes are read as text and the row is rejected by strayQuote below. Reading strictly,
      // csv-parse raised an error for every bad quote, each copying the record so far: a line of
      // 100,000 quotes held the event loop (the web process's, with the embedded engine) for minutes.
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      max_record_size: MAX_LINE_CHARS,
      skip_records_with_error: true,
      // with raw and info, the record is { record, raw, info }: it takes along how many empty lines came before it
      on_record: (record, context) => Object.assign(record, { emptyLinesBefore: recordRead(context) }),
      on_skip: (err, raw = "") => {
        const info = err as unknown as { code?: string; lines?: number; empty_lines?: number } | undefined;
        const line = Number(info?.lines ?? 0);
        if (info?.code === "CSV_MAX_RECORD_SIZE") {
          overLong ??= { from: parsedLine + 1 + Number(info.empty_lines ?? 0) - parsedEmptyLines, to: line };
          return undefined;
        }
        // otherwise a quote still open at the end of the file: the rest of the file is that one row
        const fromLine = parsedLine + 1 + Number(info?.empty_lines ?? 0) - parsedEmptyLines;
        const text = recordText(raw, recordRead({ lines: line, empty_lines: Number(info?.empty_lines ?? 0) }), lineEnding);
        const problem = info?.code === "CSV_QUOTE_NOT_CLOSED" ? strayQuote(text, options.delimiter) : null;
        if (!reject(line, problem ? malformedRowReason(problem, columns.headers, [], { fromLine }) : unreadableRowReason(err?.message), text)) return undefined;
        report.rows++;
        lastLine = Math.max(lastLine, line);
        return undefined;
      },
    }),
  );
  let batch: UserInput[] = [];
  // each batch entry's line and text, to reject the rows of a user the upsert left alone
  let batchRows: { line: number; raw: string }[] = [];
  /** Upserts the batch, then writes the rejected rows now final. */
  const flush = async () => {
    if (batch.length) await upsertBatch();
    await rejected.release(readLine);
  };
  const upsertBatch = async () => {
    const result = await upsertUsers(batch, { skipTooLarge: true, types });
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
  /** Ends a failed import (the file unreadable, the rejected rows unwritable): every stream closed, the error a CsvImportError. */
  const fail = async (err: unknown): Promise<never> => {
    input.destroy();
    parser.destroy();
    rejected.abort();
    throw new CsvImportError(`The import stopped: ${(err as Error).message}`);
  };
  try {
    for await (const { record, info, raw, emptyLinesBefore } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string; emptyLinesBefore: number }>) {
      if (stopped) break;
      const text = recordText(raw, emptyLinesBefore, lineEnding);
      const stray = strayQuote(text, options.delimiter);
      const result = stray ? { ok: false as const, reason: malformedRowReason(stray, columns.headers, record) } : rowToUser(record, options.mapping, columns);
      if (result.ok) {
        batch.push(result.user);
        batchRows.push({ line: info.lines, raw: text });
      } else if (!reject(info.lines, result.reason, text)) break;
      report.rows++;
      lastLine = Math.max(lastLine, info.lines);
      readLine = info.lines;
      if (batch.length >= BATCH || rejected.holdsMany) await flush();
    }
    await flush();
  } catch (err) {
    // the stop destroys the parser under the loop (a premature close): the rows read so far are imported
    if (!stopped) await fail(err);
    await flush().catch(fail);
  }
  if (overLong && !stopped) {
    const { from, to } = overLong;
    const n = (line: number) => line.toLocaleString("en-US");
    const where =
      from === to
        ? `Line ${n(from)} is over ${n(MAX_LINE_CHARS)} characters, so the import stopped there: it and the lines after it were not read.`
        : `The row that begins on line ${n(from)} runs past ${n(MAX_LINE_CHARS)} characters (by line ${n(to)}), so the import stopped there: lines ${n(from)} on were not read.`;
    report.stopped = `${where} Check the file (a quote left open takes the lines after it into its row), then import it again (users already imported are updated, not duplicated).`;
  }
  await rejected.close().catch(fail);
  report.rejected = rejected.listed;
  options.onProgress?.(1, report);
  return report;
}
