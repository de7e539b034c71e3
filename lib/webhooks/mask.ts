// What may be shown or logged of a request: secrets masked, and only hosts in logs (paths and
// queries of webhook URLs often carry tokens).
import type { BuiltRequest } from "./types";
import { ALWAYS_SECRET_HEADERS } from "./credential-headers";
import { splitUrlCredentials } from "./url-credentials";
import { isCodeName, maskCredentialUrl, maskCredentialUrlsIn, maskSecretBody } from "./credential-parts";
import { hide } from "./hidden-parts";

const MASK = "••••";
// Names that usually carry a credential: X-Api-Key, X-Auth-Token, Private-Token, X-Client-Secret, ...
// (and a code's whole name, X-OTP, X-Pin: isCodeName; X-Pin-Code, X-OTP-Sent are not)
const SECRET_NAME = /(^|[-_])(api[-_]?key|key|token|secret|password|passwd|passphrase|pwd|auth|authentication|session|credential|signature-key|dsn)s?($|[-_])/i;

export function isSecretHeader(name: string, secretHeaderNames: Iterable<string> = []): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith("webhook-")) return false; // ids, timestamps, signatures: not secrets
  if (ALWAYS_SECRET_HEADERS.has(lower) || SECRET_NAME.test(lower) || isCodeName(name)) return true;
  for (const n of secretHeaderNames) if (n.toLowerCase() === lower) return true;
  return false;
}

function maskValue(value: string): string {
  const scheme = /^(Basic|Bearer|Token|Digest|ApiKey)\s/i.exec(value)?.[1];
  return hide(value, scheme ? `${scheme} ${MASK}` : MASK);
}

/** "v1,abc= v1,def=" -> "v1,•••• v1,••••": a shown signature would let its reader replay or forge-test a body. */
function maskSignature(value: string): string {
  return value
    .split(" ")
    .map(() => `v1,${MASK}`)
    .join(" ");
}

// A built URL's first "#" starts its fragment, which no request carries: shown, it could name a host the
// request is not sent to (https://ss/#1@api.example.com/hook went to `ss`).
const withoutFragment = (url: string) => {
  const hash = url.indexOf("#");
  return hash < 0 ? url : url.slice(0, hash);
};

/**
 * The request for display (preview, test sends): Authorization and secret headers masked,
 * `webhook-signature` masked (its presence shows, its value never does), no credentials in the URL (its
 * password, a secret hook path, ?token=: credential-parts.ts; nor its fragment, never sent), secret-named body values and the
 * credential parts of URLs in the body and headers masked.
 */
export function maskRequest(request: BuiltRequest): BuiltRequest {
  const { url, password } = splitUrlCredentials(request.url);
  if (password) hide(password);
  return {
    ...request,
    url: maskCredentialUrl(withoutFragment(password ? url : request.url)),
    headers: maskHeaders(request.headers, request.secretHeaders),
    body: maskSecretBody(request.body, request.headers),
  };
}

const isHeaderPair = (h: unknown): h is [string, string] => Array.isArray(h) && typeof h[0] === "string" && typeof h[1] === "string";

/**
 * A stored request as the delivery log and test-send history show it: its URL, body and the URLs in its
 * headers masked again, so an attempt stored before a credential part was masked (credential-parts.ts)
 * shows it masked too. Masking is idempotent.
 */
export function maskStoredRequest<R>(stored: R): R {
  if (!stored || typeof stored !== "object") return stored;
  const r = stored as { url?: unknown; body?: unknown; headers?: unknown };
  const rows: unknown[] = Array.isArray(r.headers) ? r.headers : [];
  const headers = rows.filter(isHeaderPair);
  return {
    ...stored,
    ...(typeof r.url === "string" ? { url: maskCredentialUrl(withoutFragment(r.url)) } : {}),
    ...(Array.isArray(r.headers) ? { headers: rows.map((h) => (isHeaderPair(h) ? [h[0], maskCredentialUrlsIn(h[1])] : h)) } : {}),
    ...(typeof r.body === "string" ? { body: maskSecretBody(r.body, headers) } : {}),
  };
}

// header names seen on requests and whether their name says they hold a secret: a request's names
// repeat delivery after delivery, and every response masks what it echoes of them (echoed-secrets.ts)
const secretNames = new Map<string, boolean>();
function secretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = isSecretHeader(name);
    if (secretNames.size < 1000) secretNames.set(name, secret);
  }
  return secret;
}

/** A request's headers for display: Authorization and secret headers masked, `webhook-signature` too, a URL's credential parts in any other. */
export function maskHeaders(headers: BuiltRequest["headers"], secretHeaderNames: string[] = []): BuiltRequest["headers"] {
  return headers.map(([name, value]) => [
    name,
    name.toLowerCase() === "webhook-signature"
      ? maskSignature(value)
      : secretName(name) || (secretHeaderNames.length > 0 && isSecretHeader(name, secretHeaderNames))
        ? maskValue(value)
        : maskCredentialUrlsIn(value),
  ]);
}

/** The host of a URL, the only part of a webhook URL that reaches logs. */
export function hostForLog(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid url)";
  }
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** An equivalent curl command, secrets masked. */
export function toCurl(request: BuiltRequest): string {
  const masked = maskRequest(request);
  const parts = [`curl -X ${masked.method} ${shellQuote(masked.url)}`];
  for (const [name, value] of masked.headers) parts.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  if (masked.body !== null) parts.push(`  --data-raw ${shellQuote(masked.body)}`);
  return parts.join(" \\\n");
}
