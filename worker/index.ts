// npm run worker: a delivery worker process. With REDIS_URL and PostgreSQL it claims due rows from
// PostgreSQL and takes the engine's signals (tick, wake-ups) from BullMQ; otherwise it runs the embedded engine against the configured database (SQLite drills).
import { prepareInstall } from "../lib/bootstrap";
import { log } from "../lib/log";
import { startupProblem } from "../lib/startup-error";
import { startDeliveryEngine, stopDeliveryEngine } from "../lib/delivery/engine/start";
import { disconnectDb } from "../lib/db";

async function main() {
  await prepareInstall({ seed: false });
  const queue = await startDeliveryEngine("worker");
  log.info("Worker ready", { engine: queue.kind, pid: process.pid });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("Worker stopping", { signal });
    await stopDeliveryEngine();
    await disconnectDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  // `kill -USR2 <pid>`: one line of the engine's counters (claims, rows claimed, result writes...)
  process.on("SIGUSR2", () => log.info("Engine stats", { pid: process.pid, ...(queue.stats?.() ?? {}) }));
}

main().catch((err) => {
  log.error(`The worker cannot start: ${startupProblem(err)}`);
  process.exit(1);
});
