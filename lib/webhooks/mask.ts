// What may be shown or logged of a request: secrets masked, and only hosts in logs (paths and
// queries of webhook URLs often carry tokens).
import type { BuiltRequest } from "./types";
import { replaceStrayUrlPasswords, splitUrlCredentials } from "./url-credentials";

export const MASK = "••••";
const ALWAYS_SECRET = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
// Names that usually carry a credential: X-Api-Key, X-Auth-Token, Private-Token, X-Client-Secret, ...
const SECRET_NAME = /(^|[-_])(api[-_]?key|key|token|secret|password|passwd|pwd|auth|session|credential|signature-key)s?($|[-_])/i;

export function isSecretHeader(name: string, secretHeaderNames: Iterable<string> = []): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith("webhook-")) return false; // ids, timestamps, signatures: not secrets
  if (ALWAYS_SECRET.has(lower) || SECRET_NAME.test(lower)) return true;
  for (const n of secretHeaderNames) if (n.toLowerCase() === lower) return true;
  return false;
}

function maskValue(value: string): string {
  const scheme = /^(Basic|Bearer|Token|Digest|ApiKey)\s/i.exec(value)?.[1];
  return scheme ? `${scheme} ${MASK}` : MASK;
}

/** "v1,abc= v1,def=" -> "v1,•••• v1,••••": a shown signature would let its reader replay or forge-test a body. */
function maskSignature(value: string): string {
  return value
    .split(" ")
    .map(() => `v1,${MASK}`)
    .join(" ");
}

/**
 * The request for display (preview, test sends, the delivery log): Authorization and secret headers
 * masked, `webhook-signature` masked (its presence shows, its value never does), no credentials in the URL.
 */
export function maskRequest(request: BuiltRequest, secretHeaderNames: string[] = []): BuiltRequest {
  const { url, password } = splitUrlCredentials(request.url);
  return { ...request, url: password ? url : request.url, headers: maskHeaders(request.headers, secretHeaderNames) };
}

/** A request's headers for display: Authorization and secret headers masked, `webhook-signature` too. */
export function maskHeaders(headers: BuiltRequest["headers"], secretHeaderNames: string[] = []): BuiltRequest["headers"] {
  return headers.map(([name, value]) => [
    name,
    name.toLowerCase() === "webhook-signature" ? maskSignature(value) : isSecretHeader(name, secretHeaderNames) ? maskValue(value) : value,
  ]);
}

/**
 * A URL template for display (the audit diff): every "name:password@" in it, wherever the template
 * puts it (after any "//", or where url-credentials.ts finds one that could reach the request's
 * userinfo, as in `{{{user.base}}}name:password@host`), shows "name:••••@".
 */
export function maskUrlPasswords(text: string): string {
  return replaceStrayUrlPasswords(text.replace(/(\/\/[^/\\\s:@]*):[^/\\\s@]*@/g, `$1:${MASK}@`), MASK);
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
export function toCurl(request: BuiltRequest, secretHeaderNames: string[] = []): string {
  const masked = maskRequest(request, secretHeaderNames);
  const parts = [`curl -X ${masked.method} ${shellQuote(masked.url)}`];
  for (const [name, value] of masked.headers) parts.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  if (masked.body !== null) parts.push(`  --data-raw ${shellQuote(masked.body)}`);
  return parts.join(" \\\n");
}
