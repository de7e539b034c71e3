// What kind of CSV a file is, from its first bytes: text encoding (a UTF-8 BOM, valid UTF-8, else
// Latin-1 as spreadsheets on Windows write it) and the delimiter its header line uses.
export type CsvEncoding = "utf-8" | "latin1";
export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export function hasUtf8Bom(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/** A UTF-16 byte order mark, little or big endian (Excel's "Unicode Text"). */
export function hasUtf16Bom(head: Uint8Array): boolean {
  return head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}

export function detectEncoding(head: Uint8Array): CsvEncoding {
  if (hasUtf8Bom(head)) return "utf-8";
  // A sample may end inside a multi-byte character: drop up to 3 trailing bytes before checking.
  let end = head.length;
  for (let back = 0; back < 3 && end > 0 && (head[end - 1]! & 0xc0) === 0x80; back++) end--;
  if (end > 0 && head[end - 1]! >= 0xc0) end--;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, end));
    return "utf-8";
  } catch {
    return "latin1";
  }
}

/** The delimiter appearing most often outside quotes in the first line (comma when none does). */
export function detectDelimiter(firstLine: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ",";
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

export type LineEnding = "\r\n" | "\n" | "\r";

/**
 * The line ending of a file: its first line break outside quotes (CRLF before a lone CR; LF when
 * there is none), quotes read as csv-parse reads them with relax_quotes. The import gives it to
 * csv-parse and to recordText, so that a quote ends at the same line break for both.
 */
export function detectLineEnding(head: string, delimiter: string): LineEnding {
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < head.length; i++) {
    const ch = head[i];
    if (quoted) {
      if (ch !== '"') continue;
      if (head[i + 1] === '"') i++;
      else quoted = false;
    } else if (ch === "\n") {
      return "\n";
    } else if (ch === "\r") {
      return head[i + 1] === "\n" ? "\r\n" : "\r";
    } else if (head.startsWith(delimiter, i)) {
      atFieldStart = true;
      i += delimiter.length - 1;
    } else {
      if (ch === '"' && atFieldStart) quoted = true;
      atFieldStart = false;
    }
  }
  return "\n";
}

/** The delimiter as the import screen names it ("semicolon separated"). */
export function delimiterName(d: Delimiter): string {
  return { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" }[d];
}
