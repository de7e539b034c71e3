// Starts the receiver process and talks to it: reset, read counts, wait for N arrivals.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ReceiverCommand, ReceiverReply, ReceiverStats } from "./protocol";

type Pending = (reply: ReceiverReply) => void;
type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

export type Receiver = {
  port: number;
  pid: number;
  /** clears the counters; with record, keeps each key's first arrival time */
  reset(record?: boolean): Promise<void>;
  stats(): Promise<ReceiverStats>;
  arrivals(): Promise<Map<string, number>>;
  /** resolves with the stats once count >= n, or rejects after timeoutMs */
  waitFor(n: number, timeoutMs: number, onProgress?: (s: ReceiverStats) => void): Promise<ReceiverStats>;
  close(): Promise<void>;
};

export async function startReceiver(options: { port?: number; slowMs?: number } = {}): Promise<Receiver> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, "server.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      BENCH_RECEIVER_PORT: String(options.port ?? 0),
      BENCH_RECEIVER_SLOW_MS: String(options.slowMs ?? 2000),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
    child.on("message", (raw) => {
      const msg = raw as ReceiverReply;
      if (msg.type === "listening") resolve(msg.port);
      else pending.get(msg.id)?.(msg);
    });
  });
  child.removeAllListeners("exit");

  const ask = <T extends ReceiverReply>(cmd: DistributiveOmit<ReceiverCommand, "id">) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, (r) => {
        pending.delete(id);
        resolve(r as T);
      });
      child.send({ ...cmd, id });
    });

  const stats = async () => (await ask<Extract<ReceiverReply, { type: "stats" }>>({ type: "stats" })).stats;

  return {
    port,
    pid: child.pid!,
    reset: async (record = false) => {
      await ask({ type: "reset", record });
    },
    stats,
    arrivals: async () => new Map((await ask<Extract<ReceiverReply, { type: "arrivals" }>>({ type: "arrivals" })).arrivals),
    waitFor: async (n, timeoutMs, onProgress) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await stats();
        onProgress?.(s);
        if (s.count >= n) return s;
        if (Date.now() > deadline) throw new Error(`only ${s.count} of ${n} webhooks arrived within ${Math.round(timeoutMs / 1000)} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
