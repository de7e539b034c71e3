// THE sender: one HTTP request, bounded in time and size, to an address the SSRF guard vetted.
// Never throws: every outcome, network errors included, comes back as a classified SendResult.
import { STATUS_CODES } from "node:http";
import type { LookupFunction } from "node:net";
import { Agent } from "undici";
import { classifyResponse } from "./classify";
import { maskEchoedSecrets } from "./mask";
import { describeSendError, isUnsendableRequest, type SendErrorKind } from "./send-errors";
import { DestinationRefused, vetDestination, type VettedAddress } from "./ssrf";
import type { BuiltRequest, SendResult } from "./types";

export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_TIMEOUT_MS = 60_000;
export const CONNECT_TIMEOUT_MS = 5_000;
export const MAX_RESPONSE_BYTES = 64 * 1024;

export type SendOptions = {
  /** the whole exchange, connect to last body byte (default 15 s, at most 60 s) */
  timeoutMs?: number;
  /** establishing the connection, TLS included (default 5 s) */
  connectTimeoutMs?: number;
  /** the caller gives up (shutdown): the result says the send was cancelled */
  signal?: AbortSignal;
};

// The address the guard vetted for a host, handed to the connector so that it connects to exactly
// that address: no second DNS lookup that a rebinding answer could change.
const vetted = new Map<string, VettedAddress & { at: number }>();
const VETTED_TTL_MS = 30_000;

function remember(host: string, v: VettedAddress) {
  if (vetted.size > 10_000) {
    const now = Date.now();
    for (const [k, e] of vetted) if (now - e.at > VETTED_TTL_MS) vetted.delete(k);
    if (vetted.size > 10_000) vetted.clear();
  }
  vetted.set(host, { ...v, at: Date.now() });
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  const done = (address: string, family: number) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const hit = vetted.get(hostname);
  if (hit && Date.now() - hit.at < VETTED_TTL_MS) return done(hit.address, hit.family);
  // A new pooled connection after the TTL: vet again (the port was checked when the request started).
  vetDestination(hostname, 443)
    .then((v) => done(v.address, v.family))
    .catch((err) => callback(err as NodeJS.ErrnoException, "", 4));
};

const agents = new Map<number, Agent>();
/** One keep-alive pool per connect timeout (in practice one): connections are reused across sends. */
function agentFor(connectTimeoutMs: number): Agent {
  let agent = agents.get(connectTimeoutMs);
  if (!agent) {
    agent = new Agent({
      connect: { timeout: connectTimeoutMs, lookup: guardedLookup },
      connections: 64, // per origin
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      pipelining: 1,
    });
    agents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/** Closes the connection pools (tests, shutdown). */
export async function closeSenders() {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close().catch(() => undefined)));
}

// Header values with characters beyond ASCII go out as their UTF-8 bytes (what curl sends).
const NON_ASCII = /[^\x00-\x7f]/;
const headerBytes = (value: string) => (NON_ASCII.test(value) ? Buffer.from(value, "utf8").toString("latin1") : value);

// invalid UTF-8 becomes U+FFFD; a character cut at 64 KiB too (stateless: decode() without stream)
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Reads up to MAX_RESPONSE_BYTES of a body and stops: the rest is never read. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void; destroyed: boolean }) {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const take = Math.min(chunk.length, MAX_RESPONSE_BYTES - size);
    if (take > 0) chunks.push(take < chunk.length ? chunk.subarray(0, take) : chunk);
    size += take;
    if (take < chunk.length) {
      truncated = true;
      break;
    }
  }
  if (truncated && !body.destroyed) body.destroy();
  // U+0000 too: PostgreSQL cannot store it in the attempt log or the test-send history
  return { text: utf8.decode(Buffer.concat(chunks, size)).replaceAll("\0", "\uFFFD"), truncated };
}

/** The promise, or the signal's reason once it aborts (a DNS lookup can hang for long). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export async function sendWebhook(request: BuiltRequest, opts: SendOptions = {}): Promise<SendResult> {
  const timeoutMs = Math.min(Math.max(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1), MAX_TIMEOUT_MS);
  const connectTimeoutMs = Math.min(Math.max(opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, 1), timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let dnsMs: number | undefined;
  let firstByteMs: number | undefined;
  // One controller and one timer per send, cleared when it ends: AbortSignal.timeout/any keep their
  // signals for the garbage collector to settle (4-5% of a sender thread's time at thousands a second)
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
  }, timeoutMs);
  timer.unref();
  const callerAborted = () => controller.abort(opts.signal!.reason);
  if (opts.signal?.aborted) callerAborted();
  else opts.signal?.addEventListener("abort", callerAborted, { once: true });
  const signal = controller.signal;
  let kind: SendErrorKind = "network";
  try {
    let url: URL;
    try {
      url = new URL(request.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
    } catch {
      kind = "invalid";
      throw new Error("the URL is not an absolute http(s) URL");
    }
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const v = await untilAborted(vetDestination(host, port), signal);
    dnsMs = elapsed();
    remember(host, v);
    if (signal.aborted) throw signal.reason;

    const res = await agentFor(connectTimeoutMs).request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers.flatMap(([k, val]) => [k, headerBytes(val)]),
      body: request.body ?? undefined,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    firstByteMs = elapsed();
    const { text, truncated } = await readCapped(res.body as unknown as AsyncIterable<Buffer> & { destroy(): void; destroyed: boolean });
    const headers = Object.entries(res.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : v === undefined ? [] : [[k, String(v)] as [string, string]]));
    const retryAfter = res.headers["retry-after"];
    const { outcome, retryAfterMs } = classifyResponse({ status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
    // what the response echoes of the request's secrets is masked before anyone stores, maps or shows it
    return maskEchoedSecrets(request, {
      outcome,
      status: res.statusCode,
      statusText: STATUS_CODES[res.statusCode] ?? "",
      headers,
      body: text,
      bodyTruncated: truncated,
      retryAfterMs,
      timings: { dnsMs, firstByteMs, totalMs: elapsed() },
    });
  } catch (err) {
    if (err instanceof DestinationRefused || (err as { cause?: unknown })?.cause instanceof DestinationRefused) kind = "refused";
    else if (timedOut) kind = "timeout";
    else if (opts.signal?.aborted) kind = "cancelled";
    else if (isUnsendableRequest(err)) kind = "invalid";
    const { outcome } = classifyResponse({ error: kind });
    return { outcome, error: describeSendError(err, kind, { timeoutMs, connectTimeoutMs }), errorKind: kind, timings: { dnsMs, firstByteMs, totalMs: elapsed() } };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", callerAborted);
  }
}
