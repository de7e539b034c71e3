// The body of a sender thread (started by sender-threads.ts): sends the deliveries the engine's
// thread posts through THE sender (lib/webhooks/send.ts, same SSRF guard, same limits), each after
// its turn at the send gate (send-gate.ts: rate, per-host and overall limits, the lease check), and
// posts the results back in batches. It holds no database connection and decides nothing: retries,
// the breaker and the result writes stay with the engine.
import { parentPort, workerData } from "node:worker_threads";
import { resetEnv } from "../../env";
import { pushAllowedDestinationEntries } from "../../webhooks/allowed-destinations";
import { sendWebhook } from "../../webhooks/send";
import { SendGate } from "./send-gate";
import type { SenderBatch, SenderResults, SenderThreadData } from "./sender-threads";
import { ThreadRateBook } from "./thread-rate-book";
import type { ResponseMapping } from "../../webhooks/response-mapping";

const port = parentPort!;
let results: Extract<SenderResults, { results: unknown }>["results"] = [];
// the jobs whose send started since the last flush: should this thread die, those count as attempted
let started: number[] = [];
let flushing = false;
const gates = new Map<number, SendGate>();
// several threads: an action's send times are booked with the others (thread-rate-book.ts)
const { rateBook } = workerData as SenderThreadData;
const rates = rateBook ? new ThreadRateBook(rateBook) : null;
// the response mappings the engine named by number (sender-threads.ts SenderBatch.mappings)
const mappings = new Map<number, ResponseMapping>();
// gate 0: plain sends, no limits
gates.set(0, new SendGate({ concurrency: Number.MAX_SAFE_INTEGER, hostConcurrency: Number.MAX_SAFE_INTEGER, leaseMs: Number.MAX_SAFE_INTEGER }, sendWebhook));

function flush() {
  flushing = false;
  const out: SenderResults = { results };
  if (started.length) out.started = started;
  results = [];
  started = [];
  port.postMessage(out);
}

// every start and result that lands in this turn of the loop goes back in one message
function scheduleFlush() {
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

function done(seq: number, outcome: (typeof results)[number][1]) {
  results.push([seq, outcome]);
  scheduleFlush();
}

port.on("message", (batch: SenderBatch) => {
  if (batch.guard) {
    // the engine's process changed its settings (HOOKLINE_ALLOWED_HOSTS is shared through SHARE_ENV)
    resetEnv();
    pushAllowedDestinationEntries(batch.guard.entries);
  }
  for (const [id, limits] of batch.gates ?? []) gates.set(id, new SendGate(limits, sendWebhook, Date.now, rates));
  for (const [id, at] of batch.renewed ?? []) gates.get(id)?.leaseRenewed(at);
  for (const id of batch.drained ?? []) gates.get(id)?.drain();
  for (const [id, mapping] of batch.mappings ?? []) mappings.set(id, mapping);
  for (const [seq, gate, job, mappingId] of batch.items) {
    const mapping = mappingId === undefined ? undefined : mappings.get(mappingId);
    if (mappingId !== undefined && !mapping) {
      // cannot happen while both sides keep the protocol; sent without it, the attributes would be lost quietly
      done(seq, { threw: "the sender thread lost the response mapping" });
      continue;
    }
    const onStart = () => {
      started.push(seq);
      scheduleFlush();
    };
    // the job is this thread's own copy (the message's): given its mapping in place, not copied with it
    // (a copy per mapped delivery, alive while the job queued at the gate, was promoted with it)
    if (mapping) job.mapping = mapping;
    gates
      .get(gate)!
      .send(job, onStart)
      .then(
        (outcome) => done(seq, outcome),
        // the sender failed, not the request: the engine's thread counts it as the dispatcher counts a throw
        (err) => done(seq, { threw: (err as Error).message }),
      );
  }
  for (const id of batch.forget ?? []) mappings.delete(id);
});

port.postMessage({ ready: true } satisfies SenderResults);
