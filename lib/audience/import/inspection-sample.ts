// The first rows an upload's inspection answers (the mapping screen's "First values" and the first
// guess of each column's type) are for the eye: a cell of a megabyte was sent back whole. Each cell
// is capped, fewer characters each when the file is wide (never under 64), so that the whole stays bounded. The
// import reads the file itself and keeps the full values. The header's names are shown by the same cap
// (a 100 KB name reached the page whole); the guess and the import read them whole.

/** Most characters of one cell shown, the ellipsis included. */
export const SAMPLE_CELL_CHARS = 200;
/** Most characters of all the sample's cells together, but for SAMPLE_CELL_MIN_CHARS (5 rows of 1,000 columns get 64 each). */
export const SAMPLE_TOTAL_CHARS = 100_000;
/**
 * Fewest characters a cell is cut to, however wide the file: the first guess of a column's type reads
 * these cells, and a date with its time (2026-01-15T10:30:00.000+05:30, 29) cut to 20 read as text (review).
 */
export const SAMPLE_CELL_MIN_CHARS = 64;

/** `cell` cut to `max` UTF-16 units, its last an ellipsis, never between the halves of a character. */
function clipCell(cell: string, max: number): string {
  if (cell.length <= max) return cell;
  let end = max - 1;
  const last = cell.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose pair the cut would drop
  return `${cell.slice(0, end)}…`;
}

/** How many characters each shown cell of `rows` (the header's `columns` of them) gets: its share of SAMPLE_TOTAL_CHARS, within the bounds. */
function cellCap(rows: string[][], columns: number): number {
  const cells = rows.reduce((n, row) => n + Math.min(row.length, columns), 0);
  return Math.max(SAMPLE_CELL_MIN_CHARS, Math.min(SAMPLE_CELL_CHARS, Math.floor(SAMPLE_TOTAL_CHARS / Math.max(1, cells))));
}

/** The sample rows as shown: cells past the header's `columns` dropped, each cell capped to its share of SAMPLE_TOTAL_CHARS. */
export function displayedSample(rows: string[][], columns: number): string[][] {
  const perCell = cellCap(rows, columns);
  return rows.map((row) => row.slice(0, columns).map((cell) => clipCell(cell, perCell)));
}

/** The header's names as the mapping screen shows them: each cut as its sample's cells are (displayedSample). */
export function displayedHeaders(headers: string[], sample: string[][]): string[] {
  const perCell = cellCap(sample, headers.length);
  return headers.map((name) => clipCell(name, perCell));
}
