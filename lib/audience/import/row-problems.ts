// Why a CSV row is rejected, in the marketer's words: the column as the file's header names it (its
// number counted from 1) and what to write instead. csv-parse's own wording ("Invalid Opening Quote: a
// quote is found on field 3") counts columns from 0 and says nothing of how to fix the file.
import type { Delimiter } from "./detect";

/** A quote strict CSV refuses (stray-quote.ts), by csv-parse's error code; `field` counts from 0. */
export type CsvQuoteProblem =
  | { code: "CSV_INVALID_OPENING_QUOTE"; field: number }
  | { code: "CSV_INVALID_CLOSING_QUOTE"; field: number; got: string }
  | { code: "CSV_QUOTE_NOT_CLOSED"; field: number };

const clip = (s: string, max = 40) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** "column 4 (firstName)": the 0-based `index` as the marketer counts it, with the header's name for it. */
export function columnName(headers: readonly string[], index: number): string {
  const name = headers[index]?.trim();
  if (index >= headers.length && headers.length) return `column ${index + 1} (past the header's ${headers.length} columns)`;
  return name ? `column ${index + 1} (${clip(name)})` : `column ${index + 1}`;
}

const capitalised = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const quoted = (value: string) => `"${value.replaceAll('"', '""')}"`;
const delimiterName = (delimiter: Delimiter) => (delimiter === "\t" ? "tab" : `"${delimiter}"`);

/** What follows a quote, said: a character in quotes, a stray line break as one. */
function follower(got: string): string {
  if (got === "\n" || got === "\r") return "a line break of another kind than the file's";
  return `"${got}"`;
}

/**
 * The reason for a row with a quote strict CSV refuses. `cells` is the row as read with relax_quotes
 * (as the mapping screen's first values show it): the value is written back correctly where it is short.
 */
export function malformedRowReason(problem: CsvQuoteProblem, headers: readonly string[], cells: readonly string[], where: { fromLine?: number } = {}): string {
  const column = capitalised(columnName(headers, problem.field));
  switch (problem.code) {
    case "CSV_INVALID_OPENING_QUOTE": {
      const value = cells[problem.field];
      const example = value !== undefined && value.length <= 60 && !/[\r\n]/.test(value) ? quoted(value) : quoted('say "hi"');
      return `${column}: a quote " inside a value that does not start with one. Put the whole value in quotes and double the inner quotes: ${example}`;
    }
    case "CSV_INVALID_CLOSING_QUOTE":
      return `${column}: the value starts with a quote, so a quote inside it reads as its end, yet ${follower(problem.got)} follows it. Double each quote inside a quoted value ("a ""quoted"" word"), or end the value at that quote`;
    case "CSV_QUOTE_NOT_CLOSED": {
      const from = where.fromLine ? `, from line ${where.fromLine.toLocaleString("en-US")},` : "";
      return `${column}: the quote that opens the value is never closed, so the rest of the file${from} was read into it. Add the closing quote; if the quote belongs in the value, put the whole value in quotes and double the quotes inside it`;
    }
  }
}

/** The reason for a row of more or fewer values than the header has columns (csv-parse's CSV_RECORD_INCONSISTENT_COLUMNS, read relaxed). */
export function columnCountReason(found: number, headers: readonly string[], delimiter: Delimiter): string {
  const expected = headers.length;
  const head = `The row has ${found.toLocaleString("en-US")} value${found === 1 ? "" : "s"}, the header ${expected.toLocaleString("en-US")} column${expected === 1 ? "" : "s"}`;
  if (found < expected) {
    const missing = found + 1 === expected ? `${columnName(headers, found)} has none` : `${columnName(headers, found)} to ${columnName(headers, expected - 1)} have none`;
    return `${head}: ${missing}. Write a ${delimiterName(delimiter)} between values, an empty one too`;
  }
  return `${head}: ${found - expected === 1 ? "one" : found - expected} past ${columnName(headers, expected - 1)}. A value holding a ${delimiterName(delimiter)} must be in quotes`;
}

/** A csv-parse error the import has no words of its own for (the parser's message without its position). */
export function unreadableRowReason(message: string | undefined): string {
  return `The row cannot be read as CSV: ${(message ?? "unreadable").replace(/\s*at line \d+.*$/s, "")}`;
}
