// THE sender: one HTTP request, bounded in time and size, to an address the SSRF guard vetted.
// Never throws: every outcome, network errors included, comes back as a classified SendResult.
import { STATUS_CODES } from "node:http";
import type { LookupFunction } from "node:net";
import { Agent, errors as undiciErrors } from "undici";
import { classifyStatus, parseRetryAfter } from "./classify";
import { DestinationRefused, vetDestination } from "./ssrf";
import type { BuiltRequest, SendResult } from "./types";

export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_TIMEOUT_MS = 60_000;
export const CONNECT_TIMEOUT_MS = 5_000;
export const MAX_RESPONSE_BYTES = 64 * 1024;

// Addresses vetted just before a request, handed to the connector so it connects to exactly them.
const vetted = new Map<string, { address: string; family: 4 | 6; at: number }>();
const VETTED_TTL_MS = 30_000;

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  const hit = vetted.get(hostname);
  const done = (address: string, family: number) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  if (hit && Date.now() - hit.at < VETTED_TTL_MS) return done(hit.address, hit.family);
  // A pooled reconnect after the TTL: vet again (port was checked when the request started).
  vetDestination(hostname, 443)
    .then((v) => done(v.address, v.family))
    .catch((err) => callback(err as NodeJS.ErrnoException, "", 4));
};

let agent: Agent | undefined;
function sharedAgent() {
  agent ??= new Agent({
    connect: { timeout: CONNECT_TIMEOUT_MS, lookup: guardedLookup },
    connections: 64,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    pipelining: 1,
  });
  return agent;
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code ?? "";
  if (err instanceof DestinationRefused) return err.message;
  if (e?.cause instanceof DestinationRefused) return e.cause.message;
  if (e?.name === "TimeoutError" || e?.name === "AbortError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT")
    return `timed out after ${Math.round(timeoutMs / 100) / 10} s without a complete response`;
  if (code === "UND_ERR_CONNECT_TIMEOUT") return `could not connect within ${CONNECT_TIMEOUT_MS / 1000} s`;
  if (code === "ECONNREFUSED") return "the receiver refused the connection (nothing listens on that port)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "DNS lookup failed: the host name does not resolve";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return "the receiver closed the connection before answering";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "the receiver's network is unreachable";
  if (/CERT|TLS|SSL/i.test(code) || /certificate|TLS|SSL/i.test(e?.message ?? "")) return `TLS error: ${e?.message ?? code}`;
  if (err instanceof undiciErrors.UndiciError) return `request failed: ${e.message}`;
  return `request failed: ${e?.message ?? String(err)}`;
}

export type SendOptions = { timeoutMs?: number; signal?: AbortSignal };

export async function sendWebhook(request: BuiltRequest, opts: SendOptions = {}): Promise<SendResult> {
  const timeoutMs = Math.min(Math.max(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1), MAX_TIMEOUT_MS);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let dnsMs: number | undefined;
  let firstByteMs: number | undefined;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;
  try {
    const url = new URL(request.url);
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const v = await vetDestination(host, port);
    dnsMs = elapsed();
    vetted.set(host, { ...v, at: Date.now() });

    const res = await sharedAgent().request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers.flatMap(([k, val]) => [k, val]),
      body: request.body ?? undefined,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    firstByteMs = elapsed();
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (size >= MAX_RESPONSE_BYTES) {
        truncated = true;
        break;
      }
      const take = Math.min(chunk.length, MAX_RESPONSE_BYTES - size);
      chunks.push(take < chunk.length ? chunk.subarray(0, take) : chunk);
      size += take;
      if (take < chunk.length) {
        truncated = true;
        break;
      }
    }
    // Leaving the loop early destroys the stream: the rest of a huge body is never read.
    if (truncated && !res.body.destroyed) res.body.destroy();
    const headers = Object.entries(res.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : v === undefined ? [] : [[k, String(v)] as [string, string]]));
    const outcome = classifyStatus(res.statusCode);
    const retryAfter = res.statusCode === 429 || res.statusCode === 503 ? parseRetryAfter(res.headers["retry-after"] as string | undefined) : undefined;
    return {
      outcome,
      status: res.statusCode,
      statusText: STATUS_TEXT[res.statusCode] ?? "",
      headers,
      body: new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks)),
      bodyTruncated: truncated,
      retryAfterMs: retryAfter,
      timings: { dnsMs, firstByteMs, totalMs: elapsed() },
    };
  } catch (err) {
    const refused = err instanceof DestinationRefused || (err as { cause?: unknown })?.cause instanceof DestinationRefused;
    const invalidUrl = err instanceof TypeError && /URL/i.test(err.message);
    return {
      outcome: refused || invalidUrl ? "failed" : "retryable",
      error: invalidUrl ? "the URL is not valid" : describeError(err, timeoutMs),
      timings: { dnsMs, firstByteMs, totalMs: elapsed() },
    };
  }
}

const STATUS_TEXT: Record<number, string> = STATUS_CODES as Record<number, string>;
