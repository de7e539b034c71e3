// Throw-away Redis and PostgreSQL servers for the drills, on spare ports, in temporary folders,
// so that a drill can stop and restart them without touching the machine's own.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitPort(port: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => (c.end(), resolve(true)));
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

export function redisAvailable(): string | null {
  return spawnSync("redis-server", ["--version"]).status === 0 ? null : "redis-server is not installed";
}

/** a redis-server without persistence: a stop loses every job it held */
export async function startRedis(port: number) {
  let child: ChildProcess | null = null;
  const up = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", os.tmpdir()], { stdio: "ignore" });
    await waitPort(port, 10_000);
  };
  const down = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
  };
  await up();
  return { url: `redis://127.0.0.1:${port}`, up, down };
}

const PG_BIN = process.env.HOOKLINE_PG_BIN ?? "/usr/lib/postgresql/15/bin";
const isRoot = process.getuid?.() === 0;

export function postgresAvailable(): string | null {
  if (!existsSync(path.join(PG_BIN, "initdb"))) return `initdb is not in ${PG_BIN} (set HOOKLINE_PG_BIN)`;
  if (isRoot && spawnSync("id", ["postgres"]).status !== 0) return "running as root and there is no postgres user to run initdb as";
  return null;
}

function asPostgres(cmd: string, args: string[]) {
  const [c, a] = isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** like asPostgres, without blocking this process's event loop (the drill's receiver lives here) */
function asPostgresAsync(cmd: string, args: string[]): Promise<void> {
  const [c, a] = isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const child = spawn(c, a, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} failed: ${err}`))));
  });
}

/** a PostgreSQL cluster in a temporary folder, trust auth, on port */
export async function startPostgres(port: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-pg-"));
  if (isRoot) {
    const pw = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(pw.stdout), Number(gid.stdout));
  }
  const data = path.join(dir, "data");
  asPostgres(path.join(PG_BIN, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const ctlArgs = (action: string, extra: string[] = []) => ["-D", data, "-l", path.join(dir, "log"), "-w", "-t", "30", ...extra, action];
  const ctl = (action: string, extra: string[] = []) => asPostgres(path.join(PG_BIN, "pg_ctl"), ctlArgs(action, extra));
  const opts = ["-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`];
  ctl("start", opts);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: () => asPostgresAsync(path.join(PG_BIN, "pg_ctl"), ctlArgs("stop", ["-m", "fast"])),
    start: () => asPostgresAsync(path.join(PG_BIN, "pg_ctl"), ctlArgs("start", opts)),
    destroy: () => {
      try {
        ctl("stop", ["-m", "immediate"]);
      } catch {
        // already stopped
      }
      spawnSync("rm", ["-rf", dir]);
    },
  };
}
