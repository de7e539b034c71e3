// npm run bench [-- --quick] [--only 1,5] [--users N] [--markdown file]
// Starts everything it needs on loopback, measures the figures of issues 6, 12 and 14, prints a table and
// a last line `BENCH {json}`. Every delivery figure is a ratio to the raw limit of the same run.
import { writeFileSync } from "node:fs";
import { parseBenchArgs } from "./args";
import { figureRender } from "./figures/render";
import { measureRawLimit } from "./figures/raw-http";
import { figurePreview } from "./figures/preview";
import { figureEmbedded } from "./figures/embedded";
import { figureScaleOut } from "./figures/scale-out";
import { figureTriggered } from "./figures/triggered";
import { figureVariantsMapping } from "./figures/variants-mapping";
import type { FigureContext, FigureResult } from "./figures/context";
import { machine } from "./process-stats";
import { startReceiver } from "./receiver/control";
import { fmt, markdownTable, NotAvailable, printTable, type Row } from "./report";
import { cleanupAll } from "./app-process";
import { stopEmbeddedApp } from "./embedded-app";

const options = parseBenchArgs(process.argv.slice(2));
const started = Date.now();
const rows: Row[] = [];
const json: Record<string, unknown> = {
  date: new Date().toISOString(),
  mode: options.quick ? "quick" : "full",
  machine: machine(),
};

function progress(message: string) {
  process.stderr.write(`[bench ${Math.round((Date.now() - started) / 1000)}s] ${message}\n`);
}

const receiver = await startReceiver();
// Ctrl-C or a kill: stop the apps and workers this run started (they lead their own process groups)
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void cleanupAll().finally(() => process.exit(130));
  });
}
const ctx: FigureContext = { options, receiver, rawLimit: 0, progress };

try {
  if (!options.only || options.only.has(1) || [2, 3, 4].some((f) => options.only!.has(f))) {
    progress("figure 1: raw HTTP limit");
    const raw = await measureRawLimit(receiver, options);
    ctx.rawLimit = raw.postsPerSecond;
    json.raw = raw;
    rows.push(
      { figure: "1 Raw HTTP limit", measure: "POSTs/s (best pool shape)", value: fmt(raw.postsPerSecond) },
      { figure: "1 Raw HTTP limit", measure: "pool shape", value: `${raw.best.connections} connections x ${raw.best.pipelining} pipelined` },
      { figure: "1 Raw HTTP limit", measure: "body", value: `${raw.bodyBytes} B (${raw.bodies})` },
      { figure: "1 Raw HTTP limit", measure: "CPU client / receiver", value: `${raw.clientCpuPct}% / ${raw.receiverCpuPct}%` },
    );
  }

  const figures: [number, string, string, (c: FigureContext) => Promise<FigureResult>][] = [
    [5, "render", "5 Rendering", figureRender],
    [6, "preview", "6 Preview round trip", figurePreview],
    [2, "embedded", "2 Embedded delivery", figureEmbedded],
    [4, "triggered", "4 Triggered path", figureTriggered],
    [3, "scaleOut", "3 Scale-out delivery", figureScaleOut],
    [7, "variantsMapping", "7 Variants and response mapping", figureVariantsMapping],
  ];
  for (const [n, key, title, run] of figures) {
    if (options.only && !options.only.has(n)) continue;
    progress(`figure ${n}: ${title.slice(2)}`);
    try {
      const result = await run(ctx);
      json[key] = result.json;
      progress(`figure ${n}: ${result.rows.map((r) => `${r.measure} = ${r.value}`).join("; ")}`);
      rows.push(...result.rows.map((r) => ({ ...r, figure: title })));
    } catch (err) {
      const reason = err instanceof NotAvailable ? err.message : `failed: ${(err as Error).message}`;
      if (!(err instanceof NotAvailable)) progress(`figure ${n} failed: ${(err as Error).stack}`);
      json[key] = { available: false, reason: `not available: ${reason}` };
      progress(`figure ${n}: not available: ${reason.slice(0, 500)}`);
      rows.push({ figure: title, measure: "all", value: `not available: ${reason}`, verdict: "n/a" });
    }
    // figures 6, 2 and 4 share one npm start; it stops before the scale-out figure
    if (n === 4 || (n === 2 && options.only && !options.only.has(4))) await stopEmbeddedApp();
  }
} finally {
  await cleanupAll();
  await receiver.close();
}

json.durationSeconds = Math.round((Date.now() - started) / 1000);
printTable(rows);
if (options.markdown) writeFileSync(options.markdown, markdownTable(rows) + "\n");
console.log(`BENCH ${JSON.stringify(json)}`);
process.exit(0);
