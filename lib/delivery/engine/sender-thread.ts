// The body of a sender thread (started by sender-threads.ts): sends the deliveries the engine's
// thread posts through THE sender (lib/webhooks/send.ts, same SSRF guard, same limits), each after
// its turn at the send gate (send-gate.ts: rate, per-host and overall limits, the lease check), and
// posts the results back in batches. It holds no database connection and decides nothing: retries,
// the breaker and the result writes stay with the engine.
import { parentPort } from "node:worker_threads";
import { resetEnv } from "../../env";
import { pushAllowedDestinationEntries } from "../../webhooks/allowed-destinations";
import { sendWebhook } from "../../webhooks/send";
import { SendGate, type GateOutcome } from "./send-gate";
import type { SenderBatch, SenderResults } from "./sender-threads";
import type { ResponseMapping } from "../../webhooks/response-mapping";

const port = parentPort!;
let results: Extract<SenderResults, { results: unknown }>["results"] = [];
let flushing = false;
const gates = new Map<number, SendGate>();
// the response mappings the engine named by number (sender-threads.ts SenderBatch.mappings)
const mappings = new Map<number, ResponseMapping>();
// gate 0: plain sends, no limits
gates.set(0, new SendGate({ concurrency: Number.MAX_SAFE_INTEGER, hostConcurrency: Number.MAX_SAFE_INTEGER, leaseMs: Number.MAX_SAFE_INTEGER }, sendWebhook));

function flush() {
  flushing = false;
  const out = results;
  results = [];
  port.postMessage({ results: out } satisfies SenderResults);
}

/** a job that was not sent: retryable, sent again later with the same webhook-id */
function unsent(error: string): GateOutcome {
  const now = Date.now();
  return { result: { outcome: "retryable", error: `Could not send: ${error}`, timings: { totalMs: 0 } }, startedAt: now, finishedAt: now };
}

function done(seq: number, outcome: GateOutcome) {
  results.push([seq, outcome]);
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
  for (const [id, limits] of batch.gates ?? []) gates.set(id, new SendGate(limits, sendWebhook));
  for (const [id, at] of batch.renewed ?? []) gates.get(id)?.leaseRenewed(at);
  for (const id of batch.drained ?? []) gates.get(id)?.drain();
  for (const [id, mapping] of batch.mappings ?? []) mappings.set(id, mapping);
  for (const [seq, gate, job, mappingId] of batch.items) {
    const mapping = mappingId === undefined ? undefined : mappings.get(mappingId);
    if (mappingId !== undefined && !mapping) {
      // cannot happen while both sides keep the protocol; sent without it, the attributes would be lost quietly
      done(seq, unsent("the sender thread lost the response mapping"));
      continue;
    }
    gates
      .get(gate)!
      .send(mapping ? { ...job, mapping } : job)
      .then(
        (outcome) => done(seq, outcome),
        (err) => done(seq, unsent((err as Error).message)),
      );
  }
  for (const id of batch.forget ?? []) mappings.delete(id);
});

port.postMessage({ ready: true } satisfies SenderResults);
