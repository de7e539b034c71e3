// Standard Webhooks signatures: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the key in
// whsec_<base64>. Two secrets during a rotation give two space-separated signatures, so a receiver
// holding either secret verifies.
import { createHmac, randomBytes } from "node:crypto";

export const SECRET_PREFIX = "whsec_";

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
