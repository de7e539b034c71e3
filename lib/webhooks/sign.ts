// Standard Webhooks signatures: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the key in
// whsec_<base64>. Two secrets during a rotation give two space-separated signatures, so a receiver
// holding either secret verifies.
import { createHmac, randomBytes } from "node:crypto";
import type { BuiltRequest } from "./types";

const SECRET_PREFIX = "whsec_";

/** A new signing secret: whsec_ + base64 of 32 random bytes (shown once). */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

export function isSigningSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  const key = value.slice(SECRET_PREFIX.length);
  return /^[A-Za-z0-9+/]+={0,2}$/.test(key) && Buffer.from(key, "base64").length >= 24;
}

const keyOf = (secret: string) => Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");

/** One signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">. */
export function sign(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  return "v1," + createHmac("sha256", keyOf(secret)).update(`${webhookId}.${timestampSeconds}.${body}`).digest("base64");
}

/** The webhook-signature header: one signature per secret, space-separated. */
export function signatureHeader(secrets: string[], webhookId: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => sign(secret, webhookId, timestampSeconds, body)).join(" ");
}

/** webhook-timestamp's value for an instant (ms since the epoch): Unix seconds. */
export function timestampSeconds(at: number): number {
  return Math.floor(at / 1000);
}

/**
 * The request as it leaves at `at` (ms since the epoch): webhook-timestamp is then, and
 * webhook-signature (with `secrets`, those the renderer signed it with; none: unsigned) is made
 * again for it. A delivery may wait between rendering and sending (the send gate's limits), and a
 * receiver refuses a timestamp more than 5 minutes from its clock. The body is not rendered again.
 */
export function signedAt(request: BuiltRequest, secrets: readonly string[], at: number): BuiltRequest {
  const timestamp = String(timestampSeconds(at));
  const i = request.headers.findIndex(([name]) => name === "webhook-timestamp");
  if (i === -1 || request.headers[i]![1] === timestamp) return request;
  const webhookId = request.headers.find(([name]) => name === "webhook-id")?.[1] ?? "";
  const headers = request.headers.map(([name, value]): [string, string] => {
    if (name === "webhook-timestamp") return [name, timestamp];
    if (name === "webhook-signature" && secrets.length) return [name, signatureHeader([...secrets], webhookId, Number(timestamp), request.body ?? "")];
    return [name, value];
  });
  return { ...request, headers };
}

/** A logged request's headers (masked) with the webhook-timestamp it was sent with (signedAt). */
export function withSentTimestamp<T extends { headers: [string, string][] }>(logged: T, at: number): T {
  const timestamp = String(timestampSeconds(at));
  return { ...logged, headers: logged.headers.map(([name, value]) => [name, name === "webhook-timestamp" ? timestamp : value]) };
}
