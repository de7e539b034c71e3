// The bench's output: a readable table, then one line `BENCH {json}` holding every figure.
export type Row = { figure: string; measure: string; value: string; target?: string; verdict?: "met" | "not met" | "n/a" };

export class NotAvailable extends Error {}

export function verdict(met: boolean): "met" | "not met" {
  return met ? "met" : "not met";
}

export function fmt(n: number | null | undefined, unit = "", digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "-";
  return `${n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`;
}

export function printTable(rows: Row[]) {
  const headers = ["Figure", "Measure", "Value", "Target", "Verdict"];
  const cells = rows.map((r) => [r.figure, r.measure, r.value, r.target ?? "", r.verdict ?? ""]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  console.log("");
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  let last = "";
  for (const c of cells) {
    console.log(line([c[0] === last ? "" : c[0], ...c.slice(1)]));
    last = c[0];
  }
  console.log("");
}

/** also as a markdown table, for bench/RESULTS.md */
export function markdownTable(rows: Row[]) {
  const out = ["| Figure | Measure | Value | Target | Verdict |", "| --- | --- | --- | --- | --- |"];
  for (const r of rows) out.push(`| ${r.figure} | ${r.measure} | ${r.value} | ${r.target ?? ""} | ${r.verdict ?? ""} |`);
  return out.join("\n");
}
