// The first rows an upload's inspection answers are for the eye: each cell is capped, and so is
// their total, whatever the file holds; the import reads the file itself.
import { describe, expect, it } from "vitest";
import { displayedHeaders, displayedSample, SAMPLE_CELL_CHARS, SAMPLE_CELL_MIN_CHARS, SAMPLE_TOTAL_CHARS } from "./inspection-sample";

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

  it("keeps the total near SAMPLE_TOTAL_CHARS for a wide file: each cell gets its share, never under SAMPLE_CELL_MIN_CHARS", () => {
    const wide = Array.from({ length: 5 }, () => Array.from({ length: 200 }, () => "w".repeat(5000)));
    const rows = displayedSample(wide, 200);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toHaveLength(200);
    expect(total(rows)).toBeLessThanOrEqual(SAMPLE_TOTAL_CHARS);
    expect(rows[0]![0]).toBe(`${"w".repeat(99)}…`);
    // the widest file (1,000 columns): 64 a cell, so a date with its time is still guessed a date
    const cell = `2026-01-15T10:30:00.000+05:30 ${"x".repeat(100)}`;
    const widest = displayedSample(Array.from({ length: 5 }, () => Array.from({ length: 1000 }, () => cell)), 1000);
    expect(widest[0]![0]).toBe(`${cell.slice(0, 63)}…`);
    expect(total(widest)).toBeLessThanOrEqual(5 * 1000 * SAMPLE_CELL_MIN_CHARS);
  });

  it("drops cells past the header's columns (no column shows them), so a row of 100,000 cells adds nothing", () => {
    const ragged = [["r1", "v", ...Array.from({ length: 100_000 }, () => "extra")], ["r2"]];
    expect(displayedSample(ragged, 2)).toEqual([["r1", "v"], ["r2"]]);
  });
});

describe("displayedHeaders", () => {
  it("cuts a header's name as the sample's cells are: 200 characters, fewer in a wide file, never under 64", () => {
    const huge = "h".repeat(100 * 1024);
    expect(displayedHeaders(["id", huge], [["u1", "v"]])).toEqual(["id", `${"h".repeat(199)}…`]);
    // a header and no rows: the widest cut
    expect(displayedHeaders([huge], [])).toEqual([`${"h".repeat(199)}…`]);
    const wide = Array.from({ length: 5 }, () => Array.from({ length: 1000 }, () => "v"));
    const names = displayedHeaders(Array.from({ length: 1000 }, () => huge), wide);
    expect(names[0]).toBe(`${"h".repeat(63)}…`);
    expect(names.join("").length).toBe(1000 * SAMPLE_CELL_MIN_CHARS);
    // the same share as the sample's cells of that file
    const rows = Array.from({ length: 5 }, () => Array.from({ length: 200 }, () => huge));
    expect(displayedHeaders(Array.from({ length: 200 }, () => huge), rows)[0]).toBe(displayedSample(rows, 200)[0]![0]);
  });
});
