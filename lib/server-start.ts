// Services that the web process starts beside Next.js (the embedded delivery worker).
import { runsEmbeddedWorker } from "./delivery/engine/engine-choice";
import { log } from "./log";

export async function startServerSideServices() {
  // Tables missing (a bare `next start` on a fresh data directory): one plain sentence in the log and
  // on every page (proxy.ts), and no engine to log "could not reach the database" every few seconds.
  const { migrationsBehind, migrationsBehindSentence } = await import("./db/pending-migrations");
  const behind = migrationsBehindSentence(await migrationsBehind());
  if (behind) {
    const { setStartProblem } = await import("./start-problem");
    setStartProblem(behind);
    log.error(behind);
    return;
  }
  if (!runsEmbeddedWorker()) {
    log.info("Delivery runs in separate workers (npm run worker); this process only serves");
  }
  // The delivery engine (issue 4): embedded here, or the BullMQ producer that feeds the workers.
  // No signal handler here: a killed process loses nothing (leases run out, rows are re-found).
  const { startDeliveryEngine } = await import("./delivery/engine/start");
  await startDeliveryEngine("web");
  // CSV uploads and rejected-rows files are dropped after a day (lib/audience/import/jobs.ts)
  const { startImportSweeper } = await import("./audience/import/jobs");
  startImportSweeper();
}
