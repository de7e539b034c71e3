// Preloaded into bench workers when BENCH_WINDOW_PROF_DIR is set (node --import): the first SIGWINCH
// starts a CPU profile and counts GC time, the second writes <dir>/<label>-<pid>.cpuprofile and
// prints "Window profile {gcMs, gcCount}" on stderr, so a profile covers just the measured window.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { PerformanceObserver } from "node:perf_hooks";

const dir = process.env.BENCH_WINDOW_PROF_DIR;
const label = process.env.BENCH_WINDOW_PROF_LABEL ?? "worker";
let session = null;
let gc = { ms: 0, count: 0, byKind: {} };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.ms += e.duration;
    gc.count++;
    const k = String(e.detail?.kind ?? e.kind);
    gc.byKind[k] = (gc.byKind[k] ?? 0) + e.duration;
  }
});
process.on("SIGWINCH", async () => {
  if (!session) {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    gc = { ms: 0, count: 0, byKind: {} };
    observer.observe({ entryTypes: ["gc"] });
    return;
  }
  const s = session;
  session = null;
  observer.disconnect();
  const { profile } = await s.post("Profiler.stop");
  if (dir) writeFileSync(`${dir}/${label}-${process.pid}.cpuprofile`, JSON.stringify(profile));
  process.stderr.write(`Window profile ${JSON.stringify({ pid: process.pid, gcMs: Math.round(gc.ms), gcCount: gc.count, byKind: gc.byKind })}\n`);
  s.disconnect();
});
