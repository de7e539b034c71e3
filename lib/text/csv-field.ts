// One CSV field for every file Hookline writes (the delivery log export, the import's rejected rows).

/** A spreadsheet runs text starting so as a formula: a leading apostrophe keeps it text. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",;\t\r\n]/;
const formulaSafe = (s: string, text: boolean) => (text && FORMULA_START.test(s) ? `'${s}` : s);

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled, and
 * also a semicolon or tab: a spreadsheet set to a semicolon locale (de, fr, ...) splits an unquoted
 * field there, and what follows could start a formula (`u1;=cmd|...`).
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe: a user id, a reason or an imported row comes from outside and must not become a
 * formula on opening. `text = false` for numbers and dates we wrote ourselves ("-5" stays a number).
 */
export function csvField(value: string | number | null | undefined, text = true): string {
  if (value === null || value === undefined) return "";
  const s = formulaSafe(String(value), text);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * csvField of a text in pieces, each escaping at most `size` characters of it, to write a long
 * text to a stream between turns of the event loop: doubling a million quotes at once takes ~1 s.
 */
export function* csvFieldPieces(value: string, size: number): Generator<string> {
  const s = formulaSafe(value, true);
  if (!NEEDS_QUOTES.test(s)) {
    yield s;
    return;
  }
  yield '"';
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size).replace(/"/g, '""');
  yield '"';
}
