// What each worker's engine did during a measure: its counters (claims, rows claimed, idle looks,
// wake-ups heard, result writes), read by sending the worker SIGUSR2 (worker/index.ts prints them),
// and its context switches (/proc/<pid>/task/*/status), which show how often it woke up.
import { readdirSync, readFileSync } from "node:fs";
import type { AppProcess } from "./app-process";

const STATS_LINE = /Engine stats (\{.*\})/g;

function lastStats(text: string, pid: number): Record<string, number> | null {
  let found: Record<string, number> | null = null;
  for (const m of text.matchAll(STATS_LINE)) {
    try {
      const parsed = JSON.parse(m[1]) as Record<string, number>;
      if (parsed.pid === pid) found = parsed;
    } catch {
      // a line cut by the output buffer
    }
  }
  return found;
}

/** the engine counters of `proc` now (null when it does not answer within 2 s) */
export async function engineCounters(proc: AppProcess): Promise<Record<string, number> | null> {
  const before = proc.output().match(STATS_LINE)?.length ?? 0;
  try {
    process.kill(proc.pid, "SIGUSR2");
  } catch {
    return null;
  }
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    if ((proc.output().match(STATS_LINE)?.length ?? 0) > before) return lastStats(proc.output(), proc.pid);
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

/** voluntary + involuntary context switches of every thread of pid so far */
export function contextSwitches(pid: number): number {
  let sum = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const status = readFileSync(`/proc/${pid}/task/${task}/status`, "utf8");
        for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) sum += Number(m[1]);
      } catch {
        // thread gone
      }
    }
  } catch {
    // process gone
  }
  return sum;
}

export function difference(before: Record<string, number> | null, after: Record<string, number> | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!after) return out;
  for (const [k, v] of Object.entries(after)) if (k !== "pid" && typeof v === "number") out[k] = v - (before?.[k] ?? 0);
  return out;
}

/** minor page faults and user / system CPU ms of pid so far (/proc/<pid>/stat, all threads) */
export function faultsAndTimes(pid: number): { minorFaults: number; userMs: number; systemMs: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { minorFaults: Number(f[7]), userMs: Number(f[11]) * 10, systemMs: Number(f[12]) * 10 };
  } catch {
    return { minorFaults: 0, userMs: 0, systemMs: 0 };
  }
}
