// THE sender: one HTTP request, bounded in time and size, to an address the SSRF guard vetted.
// Never throws: every outcome, network errors included, comes back as a classified SendResult.
import { STATUS_CODES } from "node:http";
import type { LookupFunction } from "node:net";
import { Agent, type Dispatcher } from "undici";
import { DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from "../campaigns/limits";
import { classifyResponse } from "./classify";
import { maskEchoedSecrets } from "./echoed-secrets";
import { describeSendError, isUnsendableRequest, type SendErrorKind } from "./send-errors";
import { onAllowedDestinationsNarrowed } from "./allowed-destinations";
import { DestinationRefused, portOf, vetDestination, type VettedAddress } from "./ssrf";
import type { BuiltRequest, SendResult } from "./types";

// the action's own limits (lib/campaigns/limits.ts), in the milliseconds the sender counts in
const DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUT_SECONDS * 1000;
const MAX_TIMEOUT_MS = MAX_TIMEOUT_SECONDS * 1000;
const CONNECT_TIMEOUT_MS = 5_000;
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
// that address: no second DNS lookup that a rebinding answer could change. It never lets a send
// through by itself: every send is vetted first (sendWebhook). The keep-alive pool is per origin, not
// per address: a connection opened to an address allowed then would carry a later send whose host
// now answers a public one (vetted, passed). So when an allowed destination goes, this map and the
// pools go with it (onAllowedDestinationsNarrowed, below).
const vetted = new Map<string, VettedAddress & { at: number }>();
const VETTED_TTL_MS = 30_000;

function remember(host: string, v: VettedAddress) {
  const now = Date.now();
  const known = vetted.get(host);
  // the same answer, still fresh: nothing to write (a campaign sends to the same host again and again)
  if (known && known.address === v.address && now - known.at < VETTED_TTL_MS / 2) return;
  if (vetted.size > 10_000) {
    for (const [k, e] of vetted) if (now - e.at > VETTED_TTL_MS) vetted.delete(k);
    if (vetted.size > 10_000) vetted.clear();
  }
  vetted.set(host, { ...v, at: now });
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

// An allowed destination went: no send may go down a connection opened while it was allowed. The
// pools are let go (requests under way finish, idle connections close) and the next send opens new
// connections, to addresses vetted against the narrower list.
onAllowedDestinationsNarrowed(() => {
  vetted.clear();
  for (const [key, agent] of agents) {
    agents.delete(key);
    void agent.close().catch(() => {});
  }
});
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

// Header values with characters beyond ASCII go out as their UTF-8 bytes (what curl sends).
const NON_ASCII = /[^\x00-\x7f]/;
const headerBytes = (value: string) => (NON_ASCII.test(value) ? Buffer.from(value, "utf8").toString("latin1") : value);

// invalid UTF-8 becomes U+FFFD; a character cut at 64 KiB too (stateless: decode() without stream)
const utf8 = new TextDecoder("utf-8", { fatal: false });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A response header's value: bytes beyond ASCII read as UTF-8 (what the sender sends, so an echoed
 * secret is masked), or one Latin-1 character per byte when they are not UTF-8.
 */
function headerValue(raw: Buffer): string {
  const latin1 = raw.toString("latin1");
  if (!NON_ASCII.test(latin1)) return latin1;
  try {
    return strictUtf8.decode(raw);
  } catch {
    return latin1;
  }
}

// a body's charset as its Content-Type declares it (charset=utf-16le, "latin1")
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const decoders = new Map<string, TextDecoder | null>();
export const UNREADABLE_CHARSET_NOTE = (charset: string) => `response body not kept: its charset "${charset.slice(0, 40)}" cannot be read, so what it echoes of the request could not be masked`;

/**
 * A response body as its Content-Type's charset writes it (UTF-8 when it names none), so that an echoed
 * secret reads as it was sent and is masked (a UTF-16 body decoded as UTF-8 shows it in clear between
 * its zero bytes). UTF-16 without an order reads its BOM. A label TextDecoder does not know (MySQL's
 * `utf8mb4`, `utf_8`, `binary`, `none`, as receivers send them) is read as UTF-8, as a body naming
 * none, so its mapping still reads it; null only when such a body holds zero bytes, a wide encoding
 * (UTF-32) whose echo UTF-8 would show in clear between them.
 */
function bodyText(bytes: Buffer, contentType: string | undefined): string | null {
  const label = CHARSET.exec(contentType ?? "")?.[1]?.toLowerCase();
  if (!label) return utf8.decode(bytes);
  const name = label === "utf-16" && bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : label;
  let decoder = decoders.get(name);
  if (decoder === undefined) {
    try {
      decoder = name === "utf-8" || name === "utf8" ? utf8 : new TextDecoder(name, { fatal: false });
    } catch {
      decoder = null; // not a label TextDecoder knows
    }
    if (decoders.size < 64) decoders.set(name, decoder);
  }
  if (decoder) return decoder.decode(bytes);
  return bytes.includes(0) ? null : utf8.decode(bytes);
}

type Exchange = { status: number; headers: [string, string][]; retryAfter?: string; text: string; truncated: boolean; firstByteAt: number };

/**
 * One request and its response through undici's dispatcher interface: no response stream, abort
 * signal or async iterator per send (together about half of a send's CPU at thousands a second).
 * The body is kept up to MAX_RESPONSE_BYTES; past that the connection is dropped and the rest never read.
 */
class ExchangeHandler {
  private abortConnection: ((reason: Error) => void) | null = null;
  private abortedWith: Error | null = null;
  private status = 0;
  private headers: [string, string][] = [];
  private retryAfter: string | undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  /** when the answer's status line and headers arrived (0: not yet), kept for a failure after it */
  firstByteAt = 0;
  /** the request was handed to a connection to the receiver: it left, whatever happens next */
  connected = false;

  constructor(
    private resolve: (exchange: Exchange) => void,
    private reject: (err: unknown) => void,
  ) {}

  /** the caller gives up (timeout, cancel): settles now, and drops the connection once it has one */
  abort(reason: Error) {
    if (this.settled) return;
    this.abortedWith = reason;
    this.fail(reason);
    this.abortConnection?.(reason);
  }

  onConnect(abort: (reason: Error) => void) {
    // given up while queued: throwing drops just this request, whereas abort() would also close the
    // connection it was handed (undici then connects again for the next request in the queue)
    if (this.abortedWith) throw this.abortedWith;
    this.abortConnection = abort;
    // undici calls this on a connected socket, just before it writes the request
    this.connected = true;
  }

  onHeaders(status: number, rawHeaders: Buffer[]) {
    if (status < 200) return true; // 1xx: the answer is still to come
    this.status = status;
    this.firstByteAt = performance.now();
    // grouped by name in order of first appearance, names in lower case (as undici's own parser gives them)
    const byName = new Map<string, string[]>();
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i].toString("latin1").toLowerCase();
      const value = headerValue(rawHeaders[i + 1]);
      const values = byName.get(name);
      if (values) values.push(value);
      else byName.set(name, [value]);
    }
    for (const [name, values] of byName) for (const value of values) this.headers.push([name, value]);
    this.retryAfter = byName.get("retry-after")?.[0];
    return true;
  }

  onData(chunk: Buffer) {
    if (this.settled) return false;
    const take = Math.min(chunk.length, MAX_RESPONSE_BYTES - this.size);
    if (take > 0) this.chunks.push(take < chunk.length ? chunk.subarray(0, take) : chunk);
    this.size += take;
    if (take < chunk.length) {
      this.done(true);
      this.abortConnection?.(new Error("response body past the size limit"));
      return false;
    }
    return true;
  }

  onComplete() {
    this.done(false);
  }

  onError(err: Error) {
    this.fail(err);
  }

  private done(truncated: boolean) {
    if (this.settled) return;
    this.settled = true;
    const contentType = this.headers.find(([name]) => name === "content-type")?.[1];
    const decoded = bodyText(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size), contentType);
    // a body that cannot be read cannot be masked: a note in its place, whole
    if (decoded === null) {
      const note = UNREADABLE_CHARSET_NOTE(CHARSET.exec(contentType!)![1]!);
      return this.resolve({ status: this.status, headers: this.headers, retryAfter: this.retryAfter, text: note, truncated: false, firstByteAt: this.firstByteAt });
    }
    // U+0000 too: PostgreSQL cannot store it in the attempt log or the test-send history
    const text = decoded.replaceAll("\0", "\uFFFD");
    this.resolve({ status: this.status, headers: this.headers, retryAfter: this.retryAfter, text, truncated, firstByteAt: this.firstByteAt });
  }

  private fail(err: unknown) {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }
}

export async function sendWebhook(request: BuiltRequest, opts: SendOptions = {}): Promise<SendResult> {
  const timeoutMs = Math.min(Math.max(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1), MAX_TIMEOUT_MS);
  const connectTimeoutMs = Math.min(Math.max(opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, 1), timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let dnsMs: number | undefined;
  let firstByteMs: number | undefined;
  // One timer per send, cleared when it ends; giving up (timeout, the caller's signal) settles at
  // once, during the guard's DNS lookup as well as the exchange
  let timedOut = false;
  let stopped: Error | null = null;
  let stopCurrent: ((reason: Error) => void) | null = null;
  const stop = (reason: Error) => {
    if (stopped) return;
    stopped = reason;
    stopCurrent?.(reason);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop(new DOMException("The operation was aborted due to timeout", "TimeoutError") as unknown as Error);
  }, timeoutMs);
  timer.unref();
  const callerAborted = () => stop(opts.signal!.reason ?? new Error("cancelled"));
  if (opts.signal?.aborted) callerAborted();
  else opts.signal?.addEventListener("abort", callerAborted, { once: true });
  let kind: SendErrorKind = "network";
  let exchange: ExchangeHandler | undefined;
  try {
    let url: URL;
    try {
      url = new URL(request.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
    } catch {
      kind = "invalid";
      throw new Error("the URL is not an absolute http(s) URL");
    }
    const port = portOf(url);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const v = await new Promise<VettedAddress>((resolve, reject) => {
      if (stopped) return reject(stopped);
      stopCurrent = reject;
      vetDestination(host, port).then(resolve, reject);
    });
    dnsMs = elapsed();
    remember(host, v);

    const res = await new Promise<Exchange>((resolve, reject) => {
      if (stopped) return reject(stopped);
      const handler = (exchange = new ExchangeHandler(resolve, reject));
      stopCurrent = (reason) => handler.abort(reason);
      agentFor(connectTimeoutMs).dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers.flatMap(([k, val]) => [k, headerBytes(val)]),
          body: request.body ?? undefined,
          // our one timer bounds the exchange: undici's header and body timers run on a clock that
          // fires up to half a second early, and would end a send before timeoutMs as a network error
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    });
    firstByteMs = Math.round(res.firstByteAt - started);
    const { outcome, retryAfterMs } = classifyResponse({ status: res.status, retryAfter: res.retryAfter });
    // what the response echoes of the request's secrets is masked before anyone stores, maps or shows it
    return maskEchoedSecrets(request, {
      outcome,
      status: res.status,
      statusText: STATUS_CODES[res.status] ?? "",
      headers: res.headers,
      body: res.text,
      bodyTruncated: res.truncated,
      retryAfterMs,
      sent: true,
      timings: { dnsMs, firstByteMs, totalMs: elapsed() },
    });
  } catch (err) {
    if (err instanceof DestinationRefused || (err as { cause?: unknown })?.cause instanceof DestinationRefused) kind = "refused";
    else if (timedOut) kind = "timeout";
    else if (opts.signal?.aborted) kind = "cancelled";
    else if (isUnsendableRequest(err)) kind = "invalid";
    const { outcome } = classifyResponse({ error: kind });
    // the answer began before it failed (a timeout mid-body, a connection closed mid-body): say when
    if (exchange?.firstByteAt) firstByteMs = Math.round(exchange.firstByteAt - started);
    // refused by the guard, a failed lookup or connection: nothing left; a failure after connecting: it did
    const sent = exchange?.connected ?? false;
    return { outcome, error: describeSendError(err, kind, { timeoutMs, connectTimeoutMs }), errorKind: kind, sent, timings: { dnsMs, firstByteMs, totalMs: elapsed() } };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", callerAborted);
  }
}
