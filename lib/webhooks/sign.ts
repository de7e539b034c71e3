// Standard Webhooks signatures: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the key in
// whsec_<base64>. Two secrets during a rotation give two space-separated signatures.
import { createHmac, randomBytes } from "node:crypto";

export const SECRET_PREFIX = "whsec_";

export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

export function isSigningSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  return Buffer.from(value.slice(SECRET_PREFIX.length), "base64").length >= 24;
}

export function signatureHeader(secrets: string[], webhookId: string, timestampSeconds: number, body: string): string {
  const payload = `${webhookId}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
      return "v1," + createHmac("sha256", key).update(payload).digest("base64");
    })
    .join(" ");
}
