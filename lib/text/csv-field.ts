// One CSV field for every file Hookline writes (the delivery log export, the import's rejected rows).

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe: a user id, a reason or an imported row comes from outside and must not become a
 * formula on opening. `text = false` for numbers and dates we wrote ourselves ("-5" stays a number).
 */
export function csvField(value: string | number | null | undefined, text = true): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
