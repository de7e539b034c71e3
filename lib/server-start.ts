// Services that the web process starts beside Next.js (the embedded delivery worker).
import { runsEmbeddedWorker } from "./env";
import { log } from "./log";

export async function startServerSideServices() {
  if (!runsEmbeddedWorker()) {
    log.info("Delivery runs in separate workers (REDIS_URL is set); this process only serves");
    return;
  }
  // The delivery engine (issue 4) registers itself here.
}
