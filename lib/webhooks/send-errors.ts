// A failed send in plain words, for the Test send panel and the delivery log: "DNS lookup failed",
// "timed out after 15 s", "refused by the SSRF guard", "TLS error", never a stack trace.
import { DestinationRefused, DnsLookupFailed } from "./ssrf";

import type { SendErrorClass } from "./classify";

export type SendErrorKind = Exclude<SendErrorClass, "template">;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function codeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; cause?: { code?: string } } };
  return e?.code ?? e?.cause?.code ?? e?.cause?.cause?.code ?? "";
}

function messageOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return [e?.message, e?.cause?.message].filter(Boolean).join(": ") || String(err);
}

/** The request itself cannot be sent (a header value undici refuses, ...): sending again cannot help. */
export function isUnsendableRequest(err: unknown): boolean {
  const code = codeOf(err);
  return code === "UND_ERR_INVALID_ARG" || code === "ERR_INVALID_CHAR" || code === "ERR_INVALID_HTTP_TOKEN";
}

export function describeSendError(err: unknown, kind: SendErrorKind, limits: { timeoutMs: number; connectTimeoutMs: number }): string {
  if (kind === "refused") return (err instanceof DestinationRefused ? err : ((err as { cause?: Error }).cause ?? (err as Error))).message;
  const cause = (err as { cause?: unknown })?.cause;
  if (err instanceof DnsLookupFailed || cause instanceof DnsLookupFailed) return (err instanceof DnsLookupFailed ? err : (cause as Error)).message;
  if (kind === "timeout") return `timed out after ${seconds(limits.timeoutMs)} without a complete response`;
  if (kind === "cancelled") return "the send was cancelled before it completed";
  if (kind === "invalid") return isUnsendableRequest(err) ? `the request could not be sent: ${messageOf(err)}` : messageOf(err);
  const code = codeOf(err);
  const message = messageOf(err);
  if (code === "UND_ERR_CONNECT_TIMEOUT") return `could not connect within ${seconds(limits.connectTimeoutMs)}`;
  if (code === "ECONNREFUSED") return "the receiver refused the connection (nothing listens on that port)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NODATA") return "DNS lookup failed: the host name does not resolve";
  // undici closes the connection itself on an informational answer it does not accept (RFC 9110 lets a
  // receiver send them unasked): not the receiver closing it
  if (code === "UND_ERR_SOCKET" && (err as Error)?.message === "bad response") return "the receiver answered 100 Continue unasked, which the sender does not accept";
  if (code === "UND_ERR_SOCKET" && (err as Error)?.message === "bad upgrade") return "the receiver switched protocols (101) unasked";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE" || code === "UND_ERR_CLOSED") return "the receiver closed the connection before answering";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "the receiver's network is unreachable";
  if (code === "UND_ERR_HEADERS_OVERFLOW") return "the receiver's response headers are too large";
  // undici's parser asserts what HTTP guarantees (a status of 100 or more): only a broken answer trips it
  if (code === "ERR_ASSERTION") return "the receiver's response is not valid HTTP";
  if (/CERT|TLS|SSL|ERR_OSSL/i.test(code) || /certificate|TLS|SSL/i.test(message)) return `TLS error: ${message}`;
  if (code === "UND_ERR_INVALID_ARG" || code === "ERR_INVALID_CHAR") return `the request could not be sent: ${message}`;
  return `request failed: ${message}`;
}
