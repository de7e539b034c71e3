// What the delivery figures share: point the bench process at a database, fill it with users and
// the typical campaign, activate it, and wait until every delivery is recorded delivered.
import { disconnectDb, db } from "../lib/db";
import { resetEnv } from "../lib/env";
import { prepareInstall } from "../lib/bootstrap";
import type { Prisma } from "../lib/db";
import { FIELDS, HEADERS, actionUrl, benchUser } from "./workload";

/** makes this process use the database of env (as the app it starts will) and migrates it */
export async function switchDatabase(env: Record<string, string>) {
  await disconnectDb();
  for (const k of ["DATABASE_URL", "REDIS_URL", "HOOKLINE_DATA_DIR", "HOOKLINE_SECRET_KEY", "HOOKLINE_QUEUE_PREFIX"]) delete process.env[k];
  Object.assign(process.env, env, { HOOKLINE_EMBEDDED_WORKER: "0", HOOKLINE_LOG_LEVEL: "warn" });
  resetEnv();
  await prepareInstall({ seed: false });
}

export async function seedUsers(count: number, offset = 0) {
  const batch = 2000;
  for (let i = 0; i < count; i += batch) {
    const data = Array.from({ length: Math.min(batch, count - i) }, (_, k) => benchUser(offset + i + k));
    await db().user.createMany({ data });
  }
}

export async function createBenchCampaign(options: { port: number; rule: object; name?: string; kind?: string; audience?: object }) {
  return db().campaign.create({
    data: {
      name: options.name ?? "Bench campaign",
      status: "draft",
      deliveryRule: options.rule as Prisma.InputJsonValue,
      audience: options.audience as Prisma.InputJsonValue | undefined,
      capExempt: true,
      actions: {
        create: {
          name: "Typical webhook",
          urlTemplate: actionUrl(options.port, options.kind ?? "ok"),
          fields: FIELDS as unknown as Prisma.InputJsonValue,
          headers: HEADERS.map((h) => ({ ...h, secret: false })) as unknown as Prisma.InputJsonValue,
          retryPolicy: "default",
          timeoutMs: 15000,
        },
      },
    },
    include: { actions: true },
  });
}

export async function stateCounts(campaignId?: string): Promise<Record<string, number>> {
  const groups = await db().delivery.groupBy({ by: ["state"], where: campaignId ? { campaignId } : {}, _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
}

/**
 * polls until every delivery of the campaign is recorded delivered or failed, or until budgetMs
 * has passed (then complete is false and the rate is taken over what was recorded so far)
 */
export async function waitRecorded(campaignId: string, expected: number, budgetMs: number, progress?: (c: Record<string, number>) => void) {
  const deadline = Date.now() + budgetMs;
  let lastLog = 0;
  for (;;) {
    const counts = await stateCounts(campaignId);
    const done = (counts.delivered ?? 0) + (counts.failed ?? 0);
    if (Date.now() - lastLog > 5000) {
      progress?.(counts);
      lastLog = Date.now();
    }
    if (done >= expected) return { at: Date.now(), counts, complete: true };
    if (Date.now() > deadline) return { at: Date.now(), counts, complete: false };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** lag from planned time to arrival at the receiver, per user, in ms */
export async function lagsMs(campaignId: string, arrivals: Map<string, number>) {
  const rows = await db().delivery.findMany({ where: { campaignId }, select: { userId: true, plannedAt: true } });
  const lags: number[] = [];
  for (const r of rows) {
    const at = arrivals.get(r.userId);
    if (at !== undefined) lags.push(at - r.plannedAt.getTime());
  }
  return lags;
}

