// The only place that reads process.env: every setting of Hookline, parsed once and typed.
import os from "node:os";
import path from "node:path";
import ipaddr from "ipaddr.js";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

/** An address range: an IP alone is a /32 (IPv4) or /128 (IPv6) range. */
export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

const addressRanges = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const ranges: AddressRange[] = [];
    for (const entry of value.split(",").map((e) => e.trim()).filter(Boolean)) {
      try {
        if (entry.includes("/")) ranges.push(ipaddr.parseCIDR(entry));
        else {
          const ip = ipaddr.parse(entry);
          ranges.push([ip, ip.kind() === "ipv4" ? 32 : 128]);
        }
      } catch {
        ctx.addIssue({ code: "custom", message: `"${entry}" is not an IP address or CIDR range` });
      }
    }
    return ranges;
  });

const schema = z.object({
  NODE_ENV: z.string().default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Where the embedded SQLite database and the generated secret key live. */
  HOOKLINE_DATA_DIR: z.string().default("./data"),
  /** postgres:// or postgresql:// selects PostgreSQL; unset means the embedded SQLite file. */
  DATABASE_URL: z.string().optional(),
  /** Set to use BullMQ workers (npm run worker) instead of the embedded one. */
  REDIS_URL: z.string().optional(),
  /** 32 bytes, base64 or hex, for AES-256-GCM of secrets at rest. */
  HOOKLINE_SECRET_KEY: z.string().optional(),
  /** Comma-separated hosts, IPs or CIDRs that webhooks may reach although private. */
  HOOKLINE_ALLOWED_HOSTS: z.string().default(""),
  /** Comma-separated IPs or CIDRs of the reverse proxies in front of the app: only a request whose peer is one
   * of them has its X-Forwarded-For / -Host / -Proto believed. Empty: the socket peer is the client. */
  HOOKLINE_TRUSTED_PROXIES: addressRanges,
  /** Run the delivery worker inside the web process (default: yes unless REDIS_URL is set). */
  HOOKLINE_EMBEDDED_WORKER: bool.optional(),
  HOOKLINE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  HOOKLINE_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  /** Threads the embedded engine sends webhooks from (0: its own event loop). Unset: one on a machine with
   * two cores or more, so claims and result writes keep one core while HTTP uses another. */
  HOOKLINE_SENDER_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  /** Seed three demo users and a draft campaign into an empty database. */
  HOOKLINE_DEMO_SEED: bool.default(true),
  /** npm run rotate-secret-key: the key secrets are encrypted with now, and the one to re-encrypt them with. */
  HOOKLINE_OLD_SECRET_KEY: z.string().optional(),
  HOOKLINE_NEW_SECRET_KEY: z.string().optional(),
  HOOKLINE_BOOTSTRAP_API_KEY: z.string().optional(),
  HOOKLINE_BOOTSTRAP_OWNER: z.string().optional(),
  /** Per API key: sustained requests per second and the burst allowed above it. */
  HOOKLINE_API_RATE_LIMIT: z.coerce.number().positive().max(1_000_000).default(100),
  HOOKLINE_API_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  HOOKLINE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** How long a worker's claim on a delivery lasts without renewal (a crashed worker's sends come back after it). */
  HOOKLINE_DELIVERY_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
  /** Replaces every action's retry waits, comma-separated milliseconds (tests and fault drills). */
  HOOKLINE_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, "comma-separated milliseconds")
    .optional(),
  /** Prefix of the BullMQ keys in Redis (several installs or test runs can share one Redis). */
  HOOKLINE_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:-]+$/).default("hookline"),
});

export type Env = z.infer<typeof schema>;
export type Settings = Env & { dataDir: string; database: DatabaseConfig };

let cached: Settings | undefined;

export type DatabaseConfig =
  | { provider: "sqlite"; file: string }
  | { provider: "postgresql"; url: string; schema: string };

export function databaseConfigFrom(databaseUrl: string | undefined, dataDir: string): DatabaseConfig {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    const url = new URL(databaseUrl);
    const schemaName = url.searchParams.get("schema") ?? "public";
    url.searchParams.delete("schema");
    // libpq defaults the role to the OS user; node-postgres only does when $USER is set.
    if (!url.username) url.username = os.userInfo().username;
    return { provider: "postgresql", url: url.toString(), schema: schemaName };
  }
  if (databaseUrl && databaseUrl.startsWith("file:")) {
    return { provider: "sqlite", file: path.resolve(databaseUrl.slice("file:".length)) };
  }
  if (databaseUrl) {
    throw new Error("DATABASE_URL must start with postgres://, postgresql:// or file:");
  }
  return { provider: "sqlite", file: path.join(dataDir, "hookline.db") };
}

/** The names of the variables the settings are read from (the README's Configuration table lists them). */
export const SETTING_NAMES = Object.keys(schema.shape) as (keyof Env)[];

/** The settings a set of environment variables gives (env() reads process.env through it). */
export function settingsFrom(source: Record<string, string | undefined>): Settings {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const dataDir = path.resolve(parsed.data.HOOKLINE_DATA_DIR);
  return { ...parsed.data, dataDir, database: databaseConfigFrom(parsed.data.DATABASE_URL, dataDir) };
}

/** The parsed settings. Tests may call resetEnv() after changing process.env. */
export function env() {
  cached ??= settingsFrom(process.env);
  return cached;
}

export function resetEnv() {
  cached = undefined;
}
