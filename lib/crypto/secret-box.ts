// Secrets at rest (URL passwords, secret header values, signing secrets): AES-256-GCM with the key
// from HOOKLINE_SECRET_KEY, or one generated into the data directory on first start.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env";
import { log } from "../log";
import { ensurePrivateDir, narrowToPrivate, PRIVATE_FILE_MODE } from "../db/file-modes";

const VERSION = "v1";

export class SecretKeyError extends Error {}

export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
  if (key.length !== 32) throw new SecretKeyError("HOOKLINE_SECRET_KEY must be 32 bytes, as 64 hex digits or base64");
  return key;
}

let cachedKey: Buffer | undefined;

/** The key in force: HOOKLINE_SECRET_KEY, else <data dir>/secret.key (created once, mode 600). */
export function secretKey(): Buffer {
  if (cachedKey) return cachedKey;
  const configured = env().HOOKLINE_SECRET_KEY;
  if (configured) return (cachedKey = parseKey(configured));
  const file = path.join(env().dataDir, "secret.key");
  if (!existsSync(file)) {
    ensurePrivateDir(path.dirname(file));
    writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: PRIVATE_FILE_MODE, flag: "wx" });
    log.warn(`Generated a new secret key in ${file}; set HOOKLINE_SECRET_KEY to manage it yourself and back it up`);
  } else narrowToPrivate(file);
  return (cachedKey = parseKey(readFileSync(file, "utf8")));
}

export function resetSecretKey() {
  cachedKey = undefined;
}

/** "v1.<iv>.<tag>.<ciphertext>", all base64url. */
export function encryptSecret(plain: string, key = secretKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecret(sealed: string, key = secretKey()): string {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new SecretKeyError("Not a Hookline secret");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError("A stored secret cannot be decrypted with the current HOOKLINE_SECRET_KEY");
  }
}
