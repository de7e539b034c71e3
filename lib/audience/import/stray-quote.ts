// Which quote of a CSV record strict CSV (RFC 4180, csv-parse without relax_quotes) refuses.
// The import reads with relax_quotes, where a stray quote is text: read strictly, csv-parse raised
// an error for every bad quote of a record, each copying the record read so far, so a line of a
// million quotes held the event loop for hours. This finds the first one in a single pass.
import type { CsvQuoteProblem } from "./row-problems";

/**
 * A record's own text within csv-parse's `raw`, which holds more: the first character of the line
 * ending of each empty line skipped before it (skip_empty_lines; read as text, a quote after a blank
 * line was "found on field 0") and the first character of its own line ending (the rest of a CRLF is
 * skipped, not copied; a quote left open to the end of the file holds all of it). `emptyLinesBefore`
 * is how many empty lines csv-parse skipped since the record before (its info.empty_lines grew by).
 */
export function recordText(raw: string, emptyLinesBefore: number, lineEnding: string): string {
  let end = raw.length;
  if (raw.endsWith(lineEnding)) end -= lineEnding.length;
  else if (raw.endsWith(lineEnding[0]!)) end -= 1;
  return raw.slice(Math.min(emptyLinesBefore, end), end);
}

/**
 * The first quote in `text` (one record's text as recordText gives it, read with relax_quotes) that
 * strict CSV refuses, by csv-parse's error code and the field (from 0) it is in, or null; a quote
 * still open at the end of the text (a record csv-parse found never closed) is CSV_QUOTE_NOT_CLOSED. A closing quote
 * ends its field only before the delimiter or the end of the record: csv-parse takes no line break
 * but the file's line ending there, and recordText has cut that off. Up to that quote both readings
 * agree, so the fields counted are the record's.
 */
export function strayQuote(text: string, delimiter: string): CsvQuoteProblem | null {
  if (!text.includes('"')) return null;
  let field = 0;
  let atFieldStart = true;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') continue;
      const next = text[i + 1];
      if (next === '"') {
        i++; // an escaped quote
      } else if (next === undefined || text.startsWith(delimiter, i + 1)) {
        quoted = false;
      } else {
        return { code: "CSV_INVALID_CLOSING_QUOTE", field, got: next };
      }
    } else if (text.startsWith(delimiter, i)) {
      field++;
      atFieldStart = true;
      i += delimiter.length - 1;
    } else if (c === '"') {
      if (!atFieldStart) return { code: "CSV_INVALID_OPENING_QUOTE", field };
      quoted = true;
      atFieldStart = false;
    } else {
      atFieldStart = false;
    }
  }
  return quoted ? { code: "CSV_QUOTE_NOT_CLOSED", field } : null;
}
