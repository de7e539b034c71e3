// A process supervisor (systemd, Docker, Kubernetes) sends SIGTERM to the process it started:
// `npm run worker`. npm passes it to the script's shell, which died of it without passing it on, so
// the worker was left running, orphaned, never told to stop (and a supervisor that starts a new one
// then has two). The script must hand the signal to the worker itself: it stops as documented.
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { waitFor } from "@/lib/delivery/testing/receiver";

const root = path.resolve(import.meta.dirname, "..");
const prefix = `hookline-test-${randomBytes(4).toString("hex")}`;
let workerPid: number | null = null;

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  if (workerPid && alive(workerPid)) process.kill(workerPid, "SIGKILL");
  if (!process.env.REDIS_URL) return;
  const { Queue } = await import("bullmq");
  const { SIGNALS_QUEUE } = await import("@/lib/delivery/engine/bullmq/connection");
  const queue = new Queue(SIGNALS_QUEUE, { connection: { url: process.env.REDIS_URL }, prefix });
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
});

it("SIGTERM to `npm run worker` reaches the worker, which stops and exits", async () => {
  const npm = spawn("npm", ["run", "-s", "worker"], {
    cwd: root,
    env: { ...process.env, HOOKLINE_LOG_LEVEL: "info", HOOKLINE_QUEUE_PREFIX: prefix },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  npm.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const npmExited = new Promise<void>((r) => npm.once("exit", () => r()));
  await waitFor(() => /Worker ready/.test(stderr), 60_000, 50);
  workerPid = Number(/"pid":(\d+)/.exec(stderr.slice(stderr.indexOf("Worker ready")))![1]);
  expect(alive(workerPid)).toBe(true);

  npm.kill("SIGTERM");
  await waitFor(() => !alive(workerPid!), 20_000, 50).catch(() => {});
  expect(stderr).toMatch(/Worker stopping \{"signal":"SIGTERM"\}/);
  expect(alive(workerPid)).toBe(false);
  await npmExited;
}, 90_000);
