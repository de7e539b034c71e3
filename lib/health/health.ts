// What GET /api/health answers: can this process do its job? The database answers and the delivery
// engine it runs (embedded) still ticks. Redis, when deliveries go through it, is checked and reported
// but is not a failure: without it workers still find due rows in PostgreSQL within a second and web
// processes still take requests, so a 503 would only have a load balancer take every web process out
// of service at once for a Redis restart. Cheap: one
// small query, two fields of the engine read, one PING; each bounded by a timeout, so a load
// balancer gets its answer in about a second whatever hangs. The body is public: hosts and error
// kinds only, never a URL with its password.
import type { Db } from "../db";
import { db } from "../db";
import { databaseErrorCode } from "../db/busy";
import { deliveryQueue, type DeliveryQueue } from "../delivery/engine/queue";
import { redisHost } from "../delivery/engine/bullmq/connection";
import { deliversThroughRedis } from "../delivery/engine/engine-choice";
import { env } from "../env";
import { describeSafely, log } from "../log";
import { pingRedis } from "./redis-probe";
import { startProblem } from "../start-problem";

/** An engine whose loop has not finished a tick (once a second) for this long is stalled. */
export const ENGINE_STALL_MS = 30_000;
const DATABASE_TIMEOUT_MS = 2_000;
export const REDIS_TIMEOUT_MS = 1_000;

type Check = { ok: boolean; error?: string };
export type HealthReport = {
  ok: boolean;
  /** every reason the process is unhealthy, joined (absent when healthy) */
  error?: string;
  /** what works in a degraded way meanwhile, joined (absent when nothing does): Redis away */
  warning?: string;
  database: Check & { provider: "sqlite" | "postgresql" };
  engine: Check & { kind: "embedded" | "workers" | "none"; lastTickSecondsAgo?: number };
  redis: Check & { used: boolean; host?: string; ms?: number };
};

export type HealthInputs = {
  db: Db;
  provider: "sqlite" | "postgresql";
  queue: DeliveryQueue;
  /** the Redis this process's deliveries go through (null: none) */
  redisUrl: string | null;
};

/** What this process runs, from the configuration and the engine start.ts chose. */
export function currentHealthInputs(): HealthInputs {
  const e = env();
  // on SQLite the embedded engine delivers whatever REDIS_URL says: Redis is not used
  const redisUrl = (deliversThroughRedis(e) && e.REDIS_URL) || null;
  return { db: db(), provider: e.database.provider, queue: deliveryQueue(), redisUrl };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function checkDatabase(inputs: HealthInputs): Promise<HealthReport["database"]> {
  try {
    await withTimeout(inputs.db.setting.findFirst({ select: { key: true } }), DATABASE_TIMEOUT_MS, "the database");
    return { ok: true, provider: inputs.provider };
  } catch (err) {
    // the body is public: the error's code only; the log has the first line (hosts only)
    log.warnEvery(30_000, "Health check: the database is unreachable", { error: describeSafely(err) });
    const code = databaseErrorCode(err);
    return { ok: false, provider: inputs.provider, error: `database unreachable${code ? ` (${code})` : ""}` };
  }
}

function checkEngine(queue: DeliveryQueue): HealthReport["engine"] {
  if (queue.kind !== "embedded" || !queue.liveness) return { ok: true, kind: queue.kind === "bullmq" ? "workers" : "none" };
  const l = queue.liveness();
  const lastTickSecondsAgo = Math.round(l.sinceTickMs / 100) / 10;
  const base = { kind: "embedded" as const, lastTickSecondsAgo };
  if (l.crashed) return { ...base, ok: false, error: `the delivery engine stopped: ${l.crashed}` };
  if (!l.running) return { ...base, ok: false, error: "the delivery engine is stopped" };
  if (l.sinceTickMs > ENGINE_STALL_MS) {
    const why = l.lastError ? ` (last error: ${l.lastError})` : "";
    return { ...base, ok: false, error: `the delivery engine has not ticked for ${Math.round(l.sinceTickMs / 1000)} s${why}` };
  }
  return { ...base, ok: true };
}

async function checkRedis(url: string | null): Promise<HealthReport["redis"]> {
  if (!url) return { ok: true, used: false };
  const host = redisHost(url);
  const probe = await pingRedis(url, REDIS_TIMEOUT_MS);
  return probe.ok ? { ok: true, used: true, host, ms: probe.ms } : { ok: false, used: true, host, error: `Redis at ${host} unreachable: ${probe.error}` };
}

export async function checkHealth(inputs: HealthInputs = currentHealthInputs()): Promise<HealthReport> {
  const [database, redis] = await Promise.all([checkDatabase(inputs), checkRedis(inputs.redisUrl)]);
  const engine = checkEngine(inputs.queue);
  // migrations pending at start (lib/start-problem.ts): every page answers 503 with it, so health says it too
  const startedWith = startProblem();
  const errors = [...(startedWith ? [startedWith] : []), ...[database, engine].flatMap((c) => (c.ok ? [] : [c.error!]))];
  const warnings = redis.ok ? [] : [`${redis.error!} (deliveries go on: workers look for due ones every second)`];
  return {
    ok: errors.length === 0,
    ...(errors.length ? { error: errors.join("; ") } : {}),
    ...(warnings.length ? { warning: warnings.join("; ") } : {}),
    database,
    engine,
    redis,
  };
}
