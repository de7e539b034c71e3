// The body of a sender thread (started by sender-threads.ts): sends the requests the engine's
// thread posts, through THE sender (lib/webhooks/send.ts, same SSRF guard, same limits), and posts
// the results back in batches. It holds no database connection and decides nothing: leases,
// retries, limits and the breaker stay with the engine.
import { parentPort } from "node:worker_threads";
import { resetEnv } from "../../env";
import { pushAllowedDestinationEntries } from "../../webhooks/allowed-destinations";
import { sendWebhook } from "../../webhooks/send";
import type { SendResult } from "../../webhooks/types";
import type { SenderBatch, SenderResults } from "./sender-threads";

const port = parentPort!;
let results: Extract<SenderResults, { results: unknown }>["results"] = [];
let flushing = false;

function flush() {
  flushing = false;
  const out = results;
  results = [];
  port.postMessage({ results: out } satisfies SenderResults);
}

function done(seq: number, result: SendResult) {
  results.push([seq, result]);
  // every result that lands in this turn of the loop goes back in one message
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

port.on("message", (batch: SenderBatch) => {
  if (batch.guard) {
    // the engine's process changed its settings (HOOKLINE_ALLOWED_HOSTS is shared through SHARE_ENV)
    resetEnv();
    pushAllowedDestinationEntries(batch.guard.entries);
  }
  for (const [seq, request, timeoutMs] of batch.items) {
    sendWebhook(request, { timeoutMs }).then(
      (result) => done(seq, result),
      (err) => done(seq, { outcome: "retryable", error: `Could not send: ${(err as Error).message}`, timings: { totalMs: 0 } }),
    );
  }
});

port.postMessage({ ready: true } satisfies SenderResults);
