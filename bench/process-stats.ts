// CPU time and memory of a process, read from /proc (Linux), for per-process figures.
import { readFileSync } from "node:fs";
import os from "node:os";

const TICKS_PER_SECOND = 100;

/** user + system CPU milliseconds used so far by pid, or null when it cannot be read */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[11] = utime, fields[12] = stime (0-based after the command name)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** resident set size in bytes of pid, or null */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** pid and its descendants (npm start runs scripts/start.mjs -> next start) */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  try {
    for (const line of readFileSync("/proc/" + pid + "/task/" + pid + "/children", "utf8").split(" ")) {
      if (line.trim()) children.set(pid, [...(children.get(pid) ?? []), Number(line)]);
    }
  } catch {
    return [pid];
  }
  return [pid, ...(children.get(pid) ?? []).flatMap((c) => processTree(c))];
}

/** samples the total RSS of a process tree every interval; stop() gives the peak */
export function sampleRss(pid: number, intervalMs = 200) {
  let peak = 0;
  const tick = () => {
    const total = processTree(pid).reduce((sum, p) => sum + (rssBytes(p) ?? 0), 0);
    if (total > peak) peak = total;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
