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

// shorter secrets are not looked for in responses: masking every "abc" would garble the body, and a
// secret that short is guessed sooner than echoed
const MIN_ECHOED_SECRET = 4;

/** The secrets a request carries (secret headers' values, Basic auth's "user:password" and password), as a receiver may echo them. */
function sentSecrets(request: BuiltRequest): string[] {
  let found: Set<string> | undefined;
  const add = (s: string) => {
    if (s.length < MIN_ECHOED_SECRET) return;
    found ??= new Set();
    found.add(s);
    // as a JSON string holds it, and as a URL or form encodes it
    found.add(JSON.stringify(s).slice(1, -1));
    found.add(encodeURIComponent(s));
  };
  for (const [name, value] of request.headers) {
    if (!isSecretHeader(name, request.secretHeaders)) continue;
    const scheme = /^(Basic|Bearer|Token|Digest|ApiKey)\s+(.+)$/i.exec(value);
    // "Basic ••••" as the request shows it, when the echo keeps the scheme
    if (!scheme) {
      add(value);
      continue;
    }
    add(scheme[2]!);
    if (scheme[1]!.toLowerCase() !== "basic") continue;
    const userPassword = Buffer.from(scheme[2]!, "base64").toString("utf8");
    add(userPassword);
    const colon = userPassword.indexOf(":");
    if (colon >= 0) add(userPassword.slice(colon + 1));
  }
  // longest first: a secret that contains another is masked whole
  return found ? [...found].sort((a, b) => b.length - a.length) : [];
}

function maskIn(text: string, secrets: string[], cutShort: boolean): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  if (cutShort) {
    // a body cut at its size limit may end in the first part of a secret
    for (const s of secrets) {
      for (let k = Math.min(s.length - 1, out.length); k >= MIN_ECHOED_SECRET; k--) {
        if (out.endsWith(s.slice(0, k))) {
          out = out.slice(0, out.length - k) + MASK;
          break;
        }
      }
    }
  }
  return out;
}

/**
 * A response with every secret its request carried masked, in the body and the headers. A receiver that
 * echoes its request (httpbin, a debug endpoint) or names a key in an error message would otherwise put
 * the secret where everyone who may read the response reads it: the delivery log, the test send's
 * history, an attribute a response mapping saves. The one sender (send.ts) applies it to every response.
 */
export function maskEchoedSecrets<R extends { headers?: [string, string][]; body?: string; bodyTruncated?: boolean }>(request: BuiltRequest, response: R): R {
  const secrets = sentSecrets(request);
  if (!secrets.length) return response;
  const body = response.body === undefined ? undefined : maskIn(response.body, secrets, !!response.bodyTruncated);
  const headers = response.headers?.map(([name, value]): [string, string] => [name, maskIn(value, secrets, false)]);
  return { ...response, body, headers };
}
