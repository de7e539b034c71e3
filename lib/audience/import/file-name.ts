// The name an upload is shown under (the import screen, its report). It comes from the browser
// (x-file-name) and is shown to other members: characters that display nothing or turn the text
// around (a right-to-left override makes "invoice\u202Evsc.exe" read "invoiceexe.csv") or break
// its line would let a name pass for another, so they are dropped; letters of every script stay.

/** Longest name kept, in characters. */
export const MAX_FILE_NAME_CHARS = 200;
/** The name of an upload whose name is missing, unreadable or nothing but dropped characters. */
export const FILE_NAME_FALLBACK = "upload.csv";

// Cc: controls (NUL, line breaks, DEL, C1); Cf: format (bidi overrides and isolates, zero widths,
// soft hyphen, BOM); Zl, Zp: the line and paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** `name` without control, format and separator characters, trimmed, capped; FILE_NAME_FALLBACK when nothing is left. */
export function displayableFileName(name: string): string {
  const visible = name.replace(INVISIBLE, "").trim();
  // counted in characters (code points): a cut between the two halves of an emoji would leave half of one
  const capped = Array.from(visible).slice(0, MAX_FILE_NAME_CHARS).join("").trim();
  return capped || FILE_NAME_FALLBACK;
}

/** The upload's name from its x-file-name header (%-encoded by the page); a malformed escape names it plainly rather than refusing the file. */
export function fileNameFromHeader(header: string | null): string {
  if (header === null) return FILE_NAME_FALLBACK;
  try {
    return displayableFileName(decodeURIComponent(header));
  } catch {
    return FILE_NAME_FALLBACK;
  }
}
