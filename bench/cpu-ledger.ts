// CPU time per delivery of every process a delivery run involves, read from /proc/<pid>/stat
// (utime + stime) before and after: the workers (or the app), the PostgreSQL backends serving them,
// PostgreSQL's shared processes (WAL writer, checkpointer, autovacuum...), redis-server and the
// receiver. A backend is "ours" when its client port is a socket one of our processes holds, so
// other engineers' tests on the same server are not counted as ours.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { cpuMs } from "./process-stats";

/** pids whose command name (/proc/<pid>/comm) starts with `prefix` */
export function pidsNamed(prefix: string, cmdlineHas?: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/comm`, "utf8").startsWith(prefix)) continue;
      if (cmdlineHas && !readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(cmdlineHas)) continue;
      out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // process gone
  }
  return inodes;
}

/** local ports of TCP connections to `remotePort` held by `pids` */
export function clientPorts(pids: number[], remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const pid of pids) for (const i of socketInodes(pid)) inodes.add(i);
  const ports = new Set<number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      const local = parseInt(f[1].split(":")[1], 16);
      const remote = parseInt(f[2].split(":")[1], 16);
      if (remote === remotePort) ports.add(local);
    }
  }
  return ports;
}

/** process ids of PostgreSQL backends whose client is one of `clientPids` (via pg_stat_activity) */
export async function backendsOf(adminUrl: string, clientPids: number[], pgPort = 5432): Promise<number[]> {
  const ports = clientPorts(clientPids, pgPort);
  if (!ports.size) return [];
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number; client_port: number }>("SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL");
    return rows.filter((r) => ports.has(r.client_port)).map((r) => r.pid);
  } finally {
    await client.end();
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/**
 * The postmaster of `backends` and its processes that serve every client (WAL writer,
 * checkpointer, autovacuum...): the server's own work, shared by whoever writes.
 */
export function postgresSharedPids(backends: number[]): number[] {
  const postmaster = backends.length ? parentOf(backends[0]) : null;
  if (!postmaster) return [];
  return [postmaster, ...pidsNamed("postgres").filter((pid) => {
    if (parentOf(pid) !== postmaster) return false;
    try {
      // client backends are titled "postgres: user db 127.0.0.1(port) ..."
      return !/\(\d+\)|\[local\]/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    } catch {
      return false;
    }
  })];
}

/** CPU milliseconds used so far by each of `pids` that exists */
export function snapshot(pids: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const pid of pids) {
    const ms = cpuMs(pid);
    if (ms !== null) m.set(pid, ms);
  }
  return m;
}

/**
 * CPU ms used between two snapshots. A pid only in `after` (a backend opened meanwhile) counts
 * from zero, right for a process that began during the interval; one gone by then is lost (rare:
 * pools keep their connections).
 */
export function used(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return Math.max(0, sum);
}

/** µs of CPU per delivery, per group, and `total` over all but the receiver (the world outside) */
export function perDelivery(cpuMsByGroup: Record<string, number>, deliveries: number): Record<string, number> {
  const out: Record<string, number> = {};
  let sum = 0;
  for (const [name, ms] of Object.entries(cpuMsByGroup)) {
    const us = deliveries > 0 ? Math.round((ms * 1000) / deliveries) : 0;
    out[name] = us;
    if (name !== "receiver") sum += us;
  }
  out.total = sum;
  return out;
}

/** "workers 210 + PostgreSQL 120 + ... = 380 µs" */
export function describeCpu(us: Record<string, number>): string {
  const parts = Object.entries(us).filter(([k]) => k !== "total" && k !== "receiver").map(([k, v]) => `${k} ${v}`);
  return `${parts.join(" + ")} = ${us.total} µs${us.receiver !== undefined ? ` (receiver ${us.receiver} µs)` : ""}`;
}
