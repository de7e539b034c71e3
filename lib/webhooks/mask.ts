// What may be shown or logged of a request: secrets masked, and only hosts in logs (paths and
// queries of webhook URLs often carry tokens).
import type { BuiltRequest } from "./types";
export { maskUrlPassword, splitUrlCredentials, joinUrlCredentials, urlHost } from "./url-credentials";

export const MASK = "••••";
const ALWAYS_SECRET = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"]);

/** The request for display: Authorization and secret headers masked. */
export function maskRequest(request: BuiltRequest, secretHeaderNames: string[] = []): BuiltRequest {
  const secret = new Set([...ALWAYS_SECRET, ...secretHeaderNames.map((n) => n.toLowerCase())]);
  return {
    ...request,
    headers: request.headers.map(([name, value]) => {
      if (!secret.has(name.toLowerCase())) return [name, value];
      const scheme = /^(Basic|Bearer|Token)\s/i.exec(value)?.[1];
      return [name, scheme ? `${scheme} ${MASK}` : MASK];
    }),
  };
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
