// Checkpoints of SQLite's write-ahead log on a thread of their own. By default the connection whose
// commit takes the log past 1,000 pages copies the log into the database file and syncs it, in that
// commit: on the raw handle (lib/db/raw.ts) that is the event loop, which the delivery engine and
// the API share, and the copy held it for several ms at a time. Measured with the embedded engine
// delivering to 100,000 users (`bench/variants-mapping-overhead.ts --users 100000 --mode plain`):
// 5,100-6,000 deliveries/s with checkpoints in the commits, 5,900-6,900 with them on this thread.
// The thread opens a connection of its own and runs a PASSIVE checkpoint (it never waits for, nor
// blocks, a reader or a writer) every CHECKPOINT_EVERY_MS, and a RESTART one when the log has grown
// past RESTART_FRAMES (below); the raw handle stops checkpointing in its
// commits once the thread has started (past 10,000 pages it still does: a cap should the thread fall
// behind), and at 1,000 again if the thread stops. Durability is the same either way: a commit is in
// the log when it returns (synced there per the connection's synchronous setting: better-sqlite3's
// build default in WAL mode is NORMAL, safe against a crash of the process, not of the machine);
// the checkpoint only moves it into the database file.
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";

const CHECKPOINT_EVERY_MS = 200;
// the log's length (pages) past which the thread starts it again: SQLite's own automatic checkpoint's
const RESTART_FRAMES = 1000;

// plain CommonJS: the thread loads nothing of ours, only the driver, by the path resolved below
const BODY = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
// waits for the write lock (only a RESTART takes it) briefly: a Prisma write on the event loop waits
// for a RESTART in its busy handler
const db = new Database(workerData.file, { timeout: 20 });
let timer = null;
const tick = () => {
  try {
    const [{ log }] = db.pragma("wal_checkpoint(PASSIVE)");
    // the log starts again from its beginning only once a checkpoint caught up with every commit,
    // which PASSIVE ones beside a steady writer do not bring about (tried: with a RESTART only when
    // the PASSIVE one left frames, 32 MiB of writes left a 36 MB log): past RESTART_FRAMES, one
    // RESTART takes the write lock for the few frames left (writers on the raw handle back off
    // meanwhile, Prisma's writes wait for it in their busy handler: a few ms)
    if (log >= workerData.restartFrames) db.pragma("wal_checkpoint(RESTART)");
  } catch (err) {
    // another connection holds what a checkpoint needs for a moment: the next tick does it
    if (err.code !== "SQLITE_BUSY" && err.code !== "SQLITE_LOCKED") throw err;
  }
  timer = setTimeout(tick, workerData.everyMs);
};
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
timer = setTimeout(tick, workerData.everyMs);
parentPort.postMessage("ready");
`;

export type WalCheckpointer = { stop(): void };

/**
 * Starts the checkpoint thread for the database `file`: `started` runs once it checkpoints (the
 * caller then turns its own automatic checkpoints off), `stopped` if it ends other than by stop()
 * (the caller turns them on again).
 */
export function startWalCheckpointer(file: string, on: { started: () => void; stopped: (why: string) => void }): WalCheckpointer {
  let stopping = false;
  let ended = false;
  const end = (why: string) => {
    if (ended) return;
    ended = true;
    if (!stopping) on.stopped(why);
  };
  let worker: Worker;
  try {
    // resolved from the app's root, as the server runs there (Next bundles this module)
    const driver = createRequire(path.join(process.cwd(), "package.json")).resolve("better-sqlite3");
    worker = new Worker(BODY, { eval: true, workerData: { file, driver, everyMs: CHECKPOINT_EVERY_MS, restartFrames: RESTART_FRAMES }, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
  } catch (err) {
    end((err as Error).message);
    return { stop() {} };
  }
  worker.unref();
  worker.on("message", (m) => {
    if (m === "ready" && !stopping && !ended) on.started();
  });
  worker.on("error", (err) => end(err.message));
  worker.on("exit", (code) => end(`exit code ${code}`));
  return {
    stop() {
      stopping = true;
      if (!ended) worker.postMessage("stop");
    },
  };
}
