// Figure 7: what variants and a response mapping cost a delivery. Runs bench/variants-mapping-overhead.ts
// in a child process (it switches to a fresh database of its own): the same campaign delivered by the
// embedded engine (with its sender threads, as `npm start` runs it) plain and with A/B variants + a
// mapping, rounds alternating; the median of the rounds' ratios; target >= 0.95.
import { spawn } from "node:child_process";
import { fmt, verdict } from "../report";
import type { FigureContext, FigureResult } from "./context";

const TARGET = 0.95;

export async function figureVariantsMapping(ctx: FigureContext): Promise<FigureResult> {
  const users = ctx.options.quick ? 2_000 : 10_000;
  const rounds = ctx.options.quick ? 2 : 5;
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/variants-mapping-overhead.ts", "--users", String(users), "--rounds", String(rounds)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => ctx.progress(`  ${String(d).trim()}`));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`variants-mapping-overhead exited with ${code}`))));
  });
  const line = output.split("\n").find((l) => l.startsWith("BENCH_MAPPING "));
  if (!line) throw new Error("no BENCH_MAPPING line");
  const r = JSON.parse(line.slice("BENCH_MAPPING ".length)) as {
    withoutMapping: number; withMapping: number; ratio: number; roundRatios: number[]; ratioOfMeans: number;
    cpuMicrosPerDelivery: { without: number; with: number }; cpuRatio: number; engineBusyMicrosPerDelivery: { without: number; with: number };
    variantBDeliveries: number; attributeSources: number;
  };
  return {
    rows: [
      { measure: "users per run, rounds", value: `${fmt(users)}, ${rounds} (order alternating)` },
      { measure: "deliveries/s plain / with variants + mapping", value: `${fmt(r.withoutMapping)} / ${fmt(r.withMapping)}` },
      { measure: "ratio (with / plain), median of the rounds", value: `${fmt(r.ratio, "", 3)} (rounds ${r.roundRatios.join(", ")}; ratio of means ${r.ratioOfMeans})`, target: `>= ${TARGET}`, verdict: verdict(r.ratio >= TARGET) },
      { measure: "process CPU per delivery plain / with", value: `${r.cpuMicrosPerDelivery.without} / ${r.cpuMicrosPerDelivery.with} µs (ratio ${r.cpuRatio})` },
      { measure: "engine thread busy per delivery plain / with", value: `${r.engineBusyMicrosPerDelivery.without} / ${r.engineBusyMicrosPerDelivery.with} µs` },
      { measure: "variant B deliveries / attributes saved", value: `${fmt(r.variantBDeliveries)} / ${fmt(r.attributeSources)}` },
    ],
    json: { available: true, users, rounds, ...r, target: TARGET, met: r.ratio >= TARGET },
  };
}
