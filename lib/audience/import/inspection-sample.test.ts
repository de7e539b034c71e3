// The first rows an upload's inspection answers are for the eye: each cell is capped, and so is
// their total, whatever the file holds; the import reads the file itself.
import { describe, expect, it } from "vitest";
import { displayedSample, SAMPLE_CELL_CHARS, SAMPLE_TOTAL_CHARS } from "./inspection-sample";

const total = (rows: string[][]) => rows.flat().reduce((n, c) => n + c.length, 0);

describe("displayedSample", () => {
  it("caps a cell at SAMPLE_CELL_CHARS characters, an ellipsis the last; shorter cells are shown as they are", () => {
    expect(SAMPLE_CELL_CHARS).toBe(200);
    const rows = displayedSample([["a1", "x".repeat(1024 * 1024)], ["a2", "y".repeat(200)], ["a3", "z".repeat(201)]], 2);
    expect(rows).toEqual([
      ["a1", `${"x".repeat(199)}…`],
      ["a2", "y".repeat(200)],
      ["a3", `${"z".repeat(199)}…`],
    ]);
  });

  it("never cuts a character in two (an emoji is two UTF-16 units)", () => {
    // 199 units before the ellipsis would end inside the 100th emoji: it goes whole
    const [[cell]] = displayedSample([["😀".repeat(200)]], 1) as [[string]];
    expect(cell).toBe(`${"😀".repeat(99)}…`);
    expect(displayedSample([["a" + "😀".repeat(200)]], 1)).toEqual([[`a${"😀".repeat(99)}…`]]);
  });

  it("keeps the total under SAMPLE_TOTAL_CHARS for the widest file (1,000 columns of long cells): each cell gets its share", () => {
    const wide = Array.from({ length: 5 }, () => Array.from({ length: 1000 }, () => "w".repeat(5000)));
    const rows = displayedSample(wide, 1000);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toHaveLength(1000);
    expect(total(rows)).toBeLessThanOrEqual(SAMPLE_TOTAL_CHARS);
    expect(rows[0]![0]).toBe(`${"w".repeat(19)}…`);
  });

  it("drops cells past the header's columns (no column shows them), so a row of 100,000 cells adds nothing", () => {
    const ragged = [["r1", "v", ...Array.from({ length: 100_000 }, () => "extra")], ["r2"]];
    expect(displayedSample(ragged, 2)).toEqual([["r1", "v"], ["r2"]]);
  });
});
