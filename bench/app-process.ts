// Starts Hookline the way an operator does (`node scripts/start.mjs`, `npm run worker`) as child
// processes of the bench, on a fresh data directory, and stops them again.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { serverEnv, serverNodeFlags } from "../scripts/server-flags.mjs";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const BENCH_API_KEY = "hk_live_bench_" + randomBytes(12).toString("hex");
const SECRET_KEY = randomBytes(32).toString("base64");

const running = new Set<ChildProcess>();

export type AppProcess = { child: ChildProcess; pid: number; port?: number; output: () => string; stop: (signal?: NodeJS.Signals) => Promise<void> };

/** the environment of a fresh install: own data dir, no demo data, loopback receivers allowed */
export function freshInstallEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    // what an earlier figure set in this process must not leak into the next install
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    HOOKLINE_QUEUE_PREFIX: undefined,
    HOOKLINE_EMBEDDED_WORKER: undefined,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOOKLINE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "hookline-bench-")),
    HOOKLINE_ALLOWED_HOSTS: "127.0.0.1",
    HOOKLINE_DEMO_SEED: "0",
    HOOKLINE_SECRET_KEY: SECRET_KEY,
    HOOKLINE_BOOTSTRAP_API_KEY: BENCH_API_KEY,
    HOOKLINE_BOOTSTRAP_OWNER: `bench@example.com:bench-password-${BENCH_API_KEY.slice(-8)}`,
    HOOKLINE_LOG_LEVEL: "warn",
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as Record<string, string>;
}

function track(child: ChildProcess, label: string): AppProcess {
  running.add(child);
  let output = "";
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${label}] ${b}`);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("exit", () => running.delete(child));
  return {
    child,
    pid: child.pid!,
    output: () => output,
    stop: (signal = "SIGTERM") => stopGroup(child, signal),
  };
}

async function waitForHealth(port: number, app: AppProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`the app exited (${app.child.exitCode}): ${app.output().slice(-2000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not answer /api/health within ${timeoutMs / 1000} s: ${app.output().slice(-2000)}`);
}

let builtOnce = false;

/**
 * npm start on port with env. The first start of a bench run goes through scripts/start.mjs (which
 * builds into HOOKLINE_DIST_DIR when the sources changed); later ones run the same two steps
 * (prepare, next start) without the source check, so that colleagues editing the tree do not make
 * every figure rebuild.
 */
export async function startApp(port: number, env: Record<string, string>, timeoutMs = 400_000): Promise<AppProcess> {
  const fullEnv = { ...env, PORT: String(port) } as unknown as NodeJS.ProcessEnv;
  // next build adds its dist dir's types to tsconfig.json; a bench run leaves the tree as it found it
  const tsconfig = path.join(ROOT, "tsconfig.json");
  const tsconfigBefore = readFileSync(tsconfig, "utf8");
  let child: ChildProcess;
  // BENCH_APP_CPU_PROF_DIR=dir: `next start` itself writes a CPU profile there when it stops; it serves
  // the existing build as it is (run `npm run build` first)
  const profDir = process.env.BENCH_APP_CPU_PROF_DIR;
  if (!builtOnce && !profDir) {
    child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: ROOT, env: fullEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  } else {
    const prepare = spawn(process.execPath, ["--import", "tsx", "scripts/prepare.ts"], { cwd: ROOT, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    prepare.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => prepare.once("exit", r));
    if (code !== 0) throw new Error(`prepare failed: ${out.slice(-1500)}`);
    const nextBin = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
    const prof = profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [];
    child = spawn(process.execPath, [...prof, ...serverNodeFlags(fullEnv), nextBin, "start", "-p", String(port)], { cwd: ROOT, env: serverEnv(fullEnv), stdio: ["ignore", "pipe", "pipe"], detached: true });
  }
  const app = track(child, `app:${port}`);
  app.port = port;
  try {
    await waitForHealth(port, app, timeoutMs);
  } finally {
    if (readFileSync(tsconfig, "utf8") !== tsconfigBefore) writeFileSync(tsconfig, tsconfigBefore);
  }
  builtOnce = true;
  return app;
}

/** npm run worker (tsx worker/index.ts) with env */
export function startWorker(env: Record<string, string>, label = "worker"): AppProcess {
  // BENCH_CPU_PROF_DIR=dir: each worker writes a CPU profile there when it stops
  const prof = process.env.BENCH_CPU_PROF_DIR ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF_DIR] : [];
  // BENCH_WINDOW_PROF_DIR=dir: a profile of the measured window only (bench/window-profiler.mjs)
  const windowProf = process.env.BENCH_WINDOW_PROF_DIR ? ["--import", "./bench/window-profiler.mjs"] : [];
  // BENCH_WORKER_NODE_ARGS="--single-threaded-gc ...": node/V8 flags for the workers only (experiments)
  const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...extra, ...prof, "--import", "tsx", ...windowProf, "worker/index.ts"], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return track(child, label);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    // the child leads its own process group, so next start (its child) gets the signal too
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

async function stopGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  signalGroup(child, signal);
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** resolves once the process has printed text matching re (e.g. a worker's "Worker ready") */
export async function waitForOutput(proc: AppProcess, re: RegExp, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(proc.output())) {
    if (proc.child.exitCode !== null) throw new Error(`the process exited (${proc.child.exitCode}): ${proc.output().slice(-1500)}`);
    if (Date.now() > deadline) throw new Error(`no ${re} within ${timeoutMs / 1000} s: ${proc.output().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function cleanupAll() {
  await Promise.all([...running].map((child) => stopGroup(child, "SIGTERM")));
}
