// How many test sends a webhook and a member may make: the limits, and the reservation that checks them
// and stores the send's row (lib/campaigns/test-sends.ts sends it). The check and the row are atomic in
// the database, as the frequency cap's are (lib/delivery/store/frequency-cap-holds.ts): with several web
// processes (PostgreSQL and REDIS_URL) a burst may land on all of them, and a check in one process's
// memory let each of them take the last places.
import { db } from "../db";
import { newRowId, tableName } from "../db/bulk-insert";
import { keyLocksSql } from "../db/dialect";
import { rawDb, type RawTx } from "../db/raw";
import { dateOf, SqlParams } from "../db/raw-sql";

export const TEST_SEND_LIMIT = { count: 10, windowMs: 60_000 };
/** What one member may send across every webhook: Test send must not become a way to flood a host. */
export const TEST_SEND_MEMBER_LIMIT = { count: 30, windowMs: 60_000 };

export class TestSendRateLimitedError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    per: "webhook" | "member" = "webhook",
  ) {
    super(
      per === "webhook"
        ? `Test sends are limited to ${TEST_SEND_LIMIT.count} a minute per webhook. Try again in ${retryAfterSeconds} s.`
        : `Test sends are limited to ${TEST_SEND_MEMBER_LIMIT.count} a minute per person, across all webhooks. Try again in ${retryAfterSeconds} s.`,
    );
  }
}

/**
 * Which stored test sends one webhook's limit and history cover: the saved action, else the draft's
 * (existing) campaign, else the member's drafts of campaigns not saved yet.
 */
export function scopeOf(actionId: string | null, campaignId: string | null, memberId: string | null) {
  if (actionId) return { actionId };
  return campaignId ? { actionId: null, campaignId } : { actionId: null, campaignId: null, memberId };
}

/** The stored test sends `limit` counts for a send of `memberId` to `scope` (scopeOf): its webhook's, or its member's. */
function countedSql(p: SqlParams, scope: ReturnType<typeof scopeOf>, memberId: string | null, per: "webhook" | "member"): string {
  const member = () => (memberId === null ? `"memberId" IS NULL` : `"memberId" = ${p.add("text", memberId)}`);
  if (per === "member") return member();
  if (!("campaignId" in scope)) return `"actionId" = ${p.add("text", scope.actionId)}`;
  return scope.campaignId ? `"actionId" IS NULL AND "campaignId" = ${p.add("text", scope.campaignId)}` : `"actionId" IS NULL AND "campaignId" IS NULL AND ${member()}`;
}

/** Seconds until a send is allowed again, when the `limit.count`-th newest counted send (`nthNewest`) leaves the window. */
function retryAfterSeconds(nthNewest: Date, limit: typeof TEST_SEND_LIMIT, now: Date): number {
  return Math.max(1, Math.ceil((nthNewest.getTime() + limit.windowMs - now.getTime()) / 1000));
}

/** Throws TestSendRateLimitedError when the stored test sends that `per`'s limit counts reached it in its window. */
async function assertUnderLimit(tx: RawTx, scope: ReturnType<typeof scopeOf>, memberId: string | null, per: "webhook" | "member", now: Date) {
  const limit = per === "webhook" ? TEST_SEND_LIMIT : TEST_SEND_MEMBER_LIMIT;
  const p = new SqlParams();
  const counted = countedSql(p, scope, memberId, per);
  const since = p.add("date", new Date(now.getTime() - limit.windowMs));
  // the newest `count` only: the last of them, when there are that many, says when one leaves the window
  const recent = await tx.query<{ createdAt: unknown }>(
    `SELECT "createdAt" FROM ${tableName("TestSend")} WHERE ${counted} AND "createdAt" > ${since} ORDER BY "createdAt" DESC LIMIT ${limit.count}`,
    p.values,
  );
  if (recent.length >= limit.count) throw new TestSendRateLimitedError(retryAfterSeconds(dateOf(recent[limit.count - 1]!.createdAt), limit, now), per);
}

// A cheap first gate: a burst in this process waits here, in memory, one reservation per member and
// webhook at a time, rather than each holding one of the raw handle's few connections (which the
// delivery engine shares) while it waits for the database's lock below.
const locks = new Map<string, Promise<unknown>>();
async function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

/**
 * Stores a test send's row ("sending") if both limits allow it at `now`; else throws TestSendRateLimitedError.
 * The count and the row are one transaction under the member's and the webhook's keys (keyLocksSql, both
 * at once in its order; SQLite's write lock), so reservations in any number of processes take turns and
 * a burst spread over them gets the limit once, not once per process.
 */
export async function reserveTestSend(actionId: string | null, campaignId: string | null, memberId: string | null, draftKey: string | null, now: Date): Promise<{ id: string }> {
  const scope = scopeOf(actionId, campaignId, memberId);
  const memberKey = `member:${memberId}`;
  const webhookKey = `webhook:${JSON.stringify(scope)}`;
  // The member's lock, then the webhook's (never the other way round): neither count can be passed by a burst.
  return serialised(memberKey, () =>
    serialised(webhookKey, () =>
      rawDb(db()).interactive(async (tx) => {
        const keyLocks = keyLocksSql("test-send", [memberKey, webhookKey]);
        if (keyLocks) await tx.query(keyLocks.sql, keyLocks.values);
        await assertUnderLimit(tx, scope, memberId, "webhook", now);
        await assertUnderLimit(tx, scope, memberId, "member", now);
        const id = newRowId();
        const p = new SqlParams();
        const values = [p.add("text", id), p.add("text", actionId), p.add("text", campaignId), p.add("text", memberId), p.add("text", draftKey), p.add("date", now), p.add("text", "sending"), p.add("json", {})];
        await tx.run(`INSERT INTO ${tableName("TestSend")} ("id", "actionId", "campaignId", "memberId", "draftKey", "createdAt", "outcome", "request") VALUES (${values.join(", ")})`, p.values);
        return { id };
      }),
    ),
  );
}
