// Figure 7: what variants and a response mapping cost a delivery. Runs bench/variants-mapping-overhead.ts
// in a child process (it switches to a fresh database of its own): the same campaign delivered by the
// embedded engine (with its sender threads, as `npm start` runs it) plain and with A/B variants + a
// mapping, rounds alternating; the median of the rounds' ratios; target >= 0.95. Twice: with the
// receiver answering the same values every time (steady state: the users hold them already) and with
// values that change every run (every mapped delivery writes its user); the target is met when both are.
import { spawn } from "node:child_process";
import { fmt, verdict } from "../report";
import type { FigureContext, FigureResult } from "./context";

const TARGET = 0.95;

type Case = {
  withoutMapping: number; withMapping: number; ratio: number; roundRatios: number[]; ratioOfMeans: number;
  cpuMicrosPerDelivery: { without: number; with: number }; cpuRatio: number; engineBusyMicrosPerDelivery: { without: number; with: number };
  engineCpuMicrosPerDelivery: { without: number; with: number };
};

export async function figureVariantsMapping(ctx: FigureContext): Promise<FigureResult> {
  const users = ctx.options.quick ? 2_000 : 10_000;
  const rounds = ctx.options.quick ? 2 : 5;
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/variants-mapping-overhead.ts", "--users", String(users), "--rounds", String(rounds), "--answers", "both"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => ctx.progress(`  ${String(d).trim()}`));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`variants-mapping-overhead exited with ${code}`))));
  });
  const line = output.split("\n").find((l) => l.startsWith("BENCH_MAPPING "));
  if (!line) throw new Error("no BENCH_MAPPING line");
  const r = JSON.parse(line.slice("BENCH_MAPPING ".length)) as { steady: Case; firstWrite: Case; variantBDeliveries: number; attributeSources: number };
  const rows = (c: Case, label: string) => [
    { measure: `${label}: deliveries/s plain / with variants + mapping`, value: `${fmt(c.withoutMapping)} / ${fmt(c.withMapping)}` },
    { measure: `${label}: ratio (with / plain), median of the rounds`, value: `${fmt(c.ratio, "", 3)} (rounds ${c.roundRatios.join(", ")}; ratio of means ${c.ratioOfMeans})`, target: `>= ${TARGET}`, verdict: verdict(c.ratio >= TARGET) },
    { measure: `${label}: process CPU per delivery plain / with`, value: `${c.cpuMicrosPerDelivery.without} / ${c.cpuMicrosPerDelivery.with} µs (ratio ${c.cpuRatio})` },
    { measure: `${label}: engine thread busy / its CPU per delivery, plain / with`, value: `${c.engineBusyMicrosPerDelivery.without} / ${c.engineBusyMicrosPerDelivery.with} µs busy, ${c.engineCpuMicrosPerDelivery.without} / ${c.engineCpuMicrosPerDelivery.with} µs CPU (median of rounds)` },
  ];
  const met = r.steady.ratio >= TARGET && r.firstWrite.ratio >= TARGET;
  return {
    rows: [
      { measure: "users per run, rounds", value: `${fmt(users)}, ${rounds} per case (order alternating)` },
      ...rows(r.steady, "same answer (values unchanged)"),
      ...rows(r.firstWrite, "new values every run (first writes)"),
      { measure: "variant B deliveries / attributes saved", value: `${fmt(r.variantBDeliveries)} / ${fmt(r.attributeSources)}` },
    ],
    json: { available: true, users, rounds, ...r, ratio: Math.min(r.steady.ratio, r.firstWrite.ratio), target: TARGET, met },
  };
}
