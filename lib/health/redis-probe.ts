// Does Redis answer? One connection per URL, kept between probes (a load balancer asks every few
// seconds: no connect and AUTH each time), that never queues a command while disconnected, so a
// probe gets an answer or a reason within its timeout.
import { once } from "node:events";
import { Redis } from "ioredis";
import { describeSafely } from "../log";

export type RedisProbe = { ok: true; ms: number } | { ok: false; error: string };

type Entry = { client: Redis; lastError: string | null };
const holder = globalThis as unknown as { __hooklineRedisProbes?: Map<string, Entry> };
const probes = (holder.__hooklineRedisProbes ??= new Map());

function probeFor(url: string, timeoutMs: number): Entry {
  let entry = probes.get(url);
  if (!entry) {
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeoutMs,
      // keeps trying in the background; a probe meanwhile answers at once with the last error
      retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    });
    const created: Entry = { client, lastError: null };
    // the health answer carries the error (the engine's own connections log it): no unhandled event
    client.on("error", (err) => (created.lastError = describeSafely(err)));
    client.on("ready", () => (created.lastError = null));
    probes.set(url, created);
    entry = created;
  }
  return entry;
}

/** PING within `timeoutMs`, or why not (never the URL: only what describeSafely keeps). */
export async function pingRedis(url: string, timeoutMs: number): Promise<RedisProbe> {
  const entry = probeFor(url, timeoutMs);
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const reply = (async () => {
    if (entry.client.status !== "ready") await once(entry.client, "ready", { signal });
    return Promise.race([entry.client.ping(), once(signal, "abort").then(() => Promise.reject(signal.reason))]);
  })();
  try {
    await reply;
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    if (signal.aborted) return { ok: false, error: `no answer within ${timeoutMs} ms${entry.lastError ? ` (${entry.lastError})` : ""}` };
    return { ok: false, error: entry.lastError ?? describeSafely(err) };
  }
}

/** Closes the probes' connections (tests, shutdown). */
export function closeRedisProbes() {
  for (const { client } of probes.values()) client.disconnect();
  probes.clear();
}
