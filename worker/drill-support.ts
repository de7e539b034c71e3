// Spawning worker processes for fault drills: `npm run worker`'s entry with the test's database.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** `output`, when given, collects the worker's stderr lines (they are still shown). */
export function spawnWorker(extraEnv: Record<string, string> = {}, output?: string[]): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "worker/index.ts"], {
    cwd: root,
    env: { ...process.env, HOOKLINE_LOG_LEVEL: "warn", ...extraEnv },
    stdio: ["ignore", "inherit", output ? "pipe" : "inherit"],
  });
  if (output) {
    let partial = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      output.push(...lines.filter(Boolean));
    });
  }
  return child;
}

export function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
  });
}
