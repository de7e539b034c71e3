// Claiming due deliveries: a worker marks a batch "sending" with its id and a lease (lockedUntil)
// in one guarded UPDATE, so two workers never hold the same row, and a crashed worker's rows come
// back once the lease runs out. Leases are renewed while work is in flight.
import type { Db } from "../../db";
import { tableName } from "../../db/bulk-insert";
import { rawDb } from "../../db/raw";
import { dateOf, jsonOf, numberOf, SqlParams } from "../../db/raw-sql";
import { WAITING, type WaitingState } from "../core/states";
import { claimRoomOf } from "../core/limits";
import { amongSql, firstInOrderSql, type OrderedArm, memberOfSql, skipLockedSql, skipsLockedRows, unindexedSql } from "../../db/dialect";

export type ClaimOptions = {
  workerId: string;
  now: Date;
  leaseMs: number;
  limit: number;
  ids?: string[];
  webhookIds?: string[];
  /** also take over deliveries whose lease ran out (LeaseKeeper.mayTakeOver); default true */
  takeOver?: boolean;
  /**
   * The rows this worker holds claimed and unsettled, by campaign id (the dispatcher's count): a
   * rate-limited campaign is claimed up to its cap less these (claimRoomOf). None given: none held.
   */
  heldByCampaign?: ReadonlyMap<string, number>;
};

/**
 * Deliveries of campaigns that are sending (a paused campaign's wait), tested on each row found:
 * for the rows a job names, and for the takeover of rows whose lease ran out (see memberOfSql).
 */
function ofActiveCampaign() {
  return memberOfSql(`"campaignId"`, `SELECT "id" FROM ${tableName("Campaign")} WHERE "status" = 'active'`);
}


/**
 * Campaigns a claim reads at most, those whose earliest waiting row is due first: one index-ordered
 * arm per campaign and waiting state. Bounded because arms cost: PostgreSQL took 17 ms to plan 50
 * (one per campaign) and, the arms locking rows, sorts what each returns (up to the limit) instead of
 * merging; SQLite allows 500 arms. With more campaigns due at once a claim keeps earliest-first
 * order among these, and the next claim looks again (no campaign waits for more than one batch).
 */
export const CLAIM_CAMPAIGNS = 8;

/**
 * Campaigns a claim looks past at most, beyond CLAIM_CAMPAIGNS: those this worker holds enough of
 * already (a rate-limited backlog, due first for as long as it drains) take no arm, and must not
 * keep the campaigns behind them out of the claim.
 */
const CLAIM_LOOKS_PAST = 56;

/**
 * An active campaign with something waiting: the earliest due of each waiting state (null: none),
 * and the rate its claims are capped at (`sendRate`: its steps' number times the slowest one's rate
 * limit; null when a step has none).
 */
export type WaitingCampaign = { id: string; sendRate: number | null } & Record<WaitingState, Date | null>;

export type ClaimedDelivery = {
  id: string;
  webhookId: string;
  campaignId: string;
  actionId: string;
  /** the variant row whose content is sent (null: the step itself) */
  variantActionId: string | null;
  userId: string;
  eventData: unknown;
  plannedAt: Date;
  attempts: number;
};

/**
 * Claims up to `limit` due deliveries of active campaigns, earliest first, in one statement: the
 * guarded UPDATE re-checks the conditions, so of two workers racing for a row one gets it and the
 * other nothing (on PostgreSQL the rows are locked and skipped by other claimers meanwhile).
 */
export async function claimDue(prisma: Db, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const named = options.ids || options.webhookIds;
  const heldCampaigns = Math.min(options.heldByCampaign?.size ?? 0, CLAIM_LOOKS_PAST);
  const waiting = named || options.limit <= 0 ? [] : await waitingCampaigns(prisma, { dueBy: options.now, limit: CLAIM_CAMPAIGNS + heldCampaigns });
  const statement = claimStatement(options, waiting);
  if (!statement) return [];
  const rows = await rawDb(prisma).query<Record<string, unknown>>(statement.sql, statement.values);
  return rows.map((r) => ({
    id: r.id as string,
    webhookId: r.webhookId as string,
    campaignId: r.campaignId as string,
    actionId: r.actionId as string,
    variantActionId: (r.variantActionId as string | null) ?? null,
    userId: r.userId as string,
    eventData: jsonOf(r.eventData),
    plannedAt: dateOf(r.plannedAt),
    attempts: numberOf(r.attempts),
  }));
}

/**
 * The claim's UPDATE ... RETURNING (null: nothing to claim), reading the waiting rows of `waiting`
 * (waitingCampaigns, due by `now`): of the first CLAIM_CAMPAIGNS of them with room (claimRoomOf),
 * a rate-limited one's up to its room only. Exported for its query plan's test.
 */
export function claimStatement(options: ClaimOptions, waiting: WaitingCampaign[]): { sql: string; values: unknown[] } | null {
  const { now, workerId, leaseMs, limit, ids, webhookIds, takeOver = true } = options;
  if (limit <= 0 || ((ids || webhookIds) && !ids?.length && !webhookIds?.length)) return null;
  if (!ids && !webhookIds && !waiting.length && !takeOver) return null;
  const p = new SqlParams();
  const deliveries = tableName("Delivery");
  // the guard re-checked on rows found by id or webhook id, its columns unindexed (see unindexedSql)
  const dueAt = unindexedSql(`"dueAt"`, "date");
  const state = unindexedSql(`"state"`);
  const claimable = () =>
    `${dueAt} <= ${p.add("date", now)} AND (${state} IN (${WAITING.map((s) => `'${s}'`).join(", ")})` +
    (takeOver ? ` OR (${state} = 'sending' AND "lockedUntil" < ${p.add("date", now)}))` : ")");
  // a claim has not passed the frequency cap yet: its batch decides that (store/frequency-cap-holds.ts)
  const set = `"state" = 'sending', "capHeldBy" = NULL, "lockedBy" = ${p.add("text", workerId)}, "lockedUntil" = ${p.add("date", new Date(now.getTime() + leaseMs))}, "updatedAt" = ${p.add("date", now)}`;
  const active = ofActiveCampaign();
  const lock = skipLockedSql();
  let candidates: string;
  if (ids || webhookIds) {
    // a few named rows (a BullMQ job's, named by id or by webhook id): no order to keep
    // (placeholders are numbered in the order they are made: text order)
    const due = claimable();
    const named = [
      ...(ids?.length ? [p.among(`"id"`, "text", ids)] : []),
      ...(webhookIds?.length ? [p.among(`"webhookId"`, "text", webhookIds)] : []),
    ];
    candidates = `SELECT "id" FROM ${deliveries} WHERE ${due} AND ${active} AND (${named.join(" OR ")}) LIMIT ${p.add("int", Math.floor(limit))}${lock}`;
  } else {
    // The earliest due of each active campaign's waiting states, each read in its (campaignId,
    // state, dueAt) index's order, then merged (firstInOrderSql), so a claim reads about as many
    // rows as it takes (PostgreSQL: up to the limit from each arm). One walk of the (state, dueAt) index testing each row's campaign read a
    // paused campaign's whole backlog (20,000 rows) on every claim when it was due before the rest.
    const arm = (where: string) => `SELECT "id", "dueAt" FROM ${deliveries} WHERE ${where} AND "dueAt" <= ${p.add("date", now)}`;
    const arms: OrderedArm[] = [];
    let campaigns = 0;
    for (const campaign of waiting) {
      // a rate-limited campaign: about CLAIMED_AHEAD_SECONDS of its rate held here at most (a claim
      // for more only queued its rows in the send gate, holding up every other campaign's)
      const room = claimRoomOf(campaign.sendRate, options.heldByCampaign?.get(campaign.id) ?? 0);
      if (room === 0) continue;
      if (++campaigns > CLAIM_CAMPAIGNS) break;
      // a capped one's earliest waiting state only, so that its room holds for the campaign (an arm
      // per state took up to twice it); the other state's rows are read by the next claims
      for (const state of room === null ? WAITING : [firstWaitingState(campaign)]) {
        if (!campaign[state] || campaign[state] > now) continue;
        // still active (paused since it was looked up: nothing of it is claimed); the state a
        // parameter, so the text depends on the number of arms only (SQLite keeps it prepared)
        const ofCampaign = `"campaignId" = ${p.add("text", campaign.id)} AND "state" = ${p.add("text", state)}`;
        const sql = arm(`${ofCampaign} AND EXISTS (SELECT 1 FROM ${tableName("Campaign")} WHERE "id" = ${p.add("text", campaign.id)} AND "status" = 'active')`);
        // its limit after its parameters, as in the text
        arms.push(room === null ? sql : { sql, limit: p.add("int", Math.min(room, Math.floor(limit))) });
      }
    }
    // a lease that ran out: few rows, read in the (state, dueAt) index's order, each row's campaign tested
    if (takeOver) arms.push(arm(`"state" = 'sending' AND "lockedUntil" < ${p.add("date", now)} AND ${active}`));
    if (!arms.length) return null;
    // the limit a parameter (after the arms' in the text): a claim's text depends on its arms only
    candidates = `SELECT "id" FROM (${firstInOrderSql(arms, `"dueAt"`, p.add("int", Math.floor(limit)), true)}) due`;
  }
  return {
    sql:
      `UPDATE ${deliveries} SET ${set} WHERE ${amongSql(`"id"`, candidates)} AND ${claimable()}` +
      ` RETURNING "id", "webhookId", "campaignId", "actionId", "variantActionId", "userId", "eventData", "plannedAt", "attempts"`,
    values: p.values,
  };
}

/**
 * Whether a lease renewal must wait for the worker's result writes (Recorder.exclusive). On
 * PostgreSQL it skips the rows a write holds locked (they are leaving "sending" anyway), so it
 * neither waits for nor deadlocks with one, and goes out on time however busy the writes are.
 */
export function renewalWaitsForWrites(): boolean {
  return !skipsLockedRows();
}

// ids per renewal statement (at 1,000 through Prisma, whose SQLite limit is 999 parameters, every
// renewal of a worker holding more than 997 rows failed, and its leases ran out)
const RENEWALS_PER_STATEMENT = 500;

/**
 * Extends the leases of `ids`, the deliveries this worker knows it holds. Not "everything locked
 * by me": a claim whose commit succeeded while its answer was lost (the database went away) left
 * rows this worker never sends, and renewing them would keep them from everyone forever.
 */
export async function renewLeases(prisma: Db, workerId: string, ids: string[], now: Date, leaseMs: number) {
  const until = new Date(now.getTime() + leaseMs);
  const table = tableName("Delivery");
  for (let i = 0; i < ids.length; i += RENEWALS_PER_STATEMENT) {
    const chunk = ids.slice(i, i + RENEWALS_PER_STATEMENT);
    const p = new SqlParams();
    const set = `"lockedUntil" = ${p.add("date", until)}`;
    // the rows found by id (see unindexedSql): through Prisma, SQLite walked every row in "sending"
    const held = `${p.among(`"id"`, "text", chunk)} AND "lockedBy" = ${p.add("text", workerId)} AND ${unindexedSql(`"state"`)} = 'sending'`;
    // where a renewal does not wait for the result writes, it skips the rows they hold locked (see renewalWaitsForWrites)
    const where = renewalWaitsForWrites() ? held : `"id" IN (SELECT "id" FROM ${table} WHERE ${held}${skipLockedSql()})`;
    await rawDb(prisma).transaction([{ sql: `UPDATE ${table} SET ${set} WHERE ${where}`, values: p.values }]);
  }
}

/** Gives back rows this worker claimed but will not send (shutting down): due again at once. */
export async function releaseLeases(prisma: Db, workerId: string, ids?: string[]) {
  const p = new SqlParams();
  const set = `"state" = 'scheduled', "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${p.add("date", new Date())}`;
  const where = `"lockedBy" = ${p.add("text", workerId)} AND "state" = 'sending'` + (ids ? ` AND ${p.among(`"id"`, "text", ids)}` : "");
  await rawDb(prisma).transaction([{ sql: `UPDATE ${tableName("Delivery")} SET ${set} WHERE ${where}`, values: p.values }]);
}

/** The earliest due time of anything waiting, so an idle engine knows how long it may sleep. */
export async function earliestDue(prisma: Db): Promise<Date | null> {
  // the due time alone: its campaign's send rate is the claim's to read
  const [first] = await waitingCampaigns(prisma, { limit: 1, sendRate: false });
  return first ? first[firstWaitingState(first)] : null;
}

/** The waiting state of a campaign's earliest due row. */
function firstWaitingState(campaign: WaitingCampaign): WaitingState {
  return campaign.scheduled && (!campaign.retrying || campaign.scheduled <= campaign.retrying) ? "scheduled" : "retrying";
}

/**
 * Active campaigns with something waiting (due by `dueBy` when given), the earliest due first: for
 * each active campaign the first row of each waiting state in its (campaignId, state, dueAt) index,
 * a handful of rows per campaign whatever a paused campaign keeps waiting.
 */
export async function waitingCampaigns(prisma: Db, options: WaitingLookup): Promise<WaitingCampaign[]> {
  const statement = waitingCampaignsStatement(options);
  const rows = await rawDb(prisma).query<Record<string, unknown>>(statement.sql, statement.values);
  return rows.map((r) => ({
    id: r.id as string,
    sendRate: r.sendRate === null || r.sendRate === undefined ? null : numberOf(r.sendRate),
    scheduled: r.scheduled === null ? null : dateOf(r.scheduled),
    retrying: r.retrying === null ? null : dateOf(r.retrying),
  }));
}

/** `sendRate: false`: each campaign's sendRate is not read (null), as the idle look (earliestDue) needs none. */
type WaitingLookup = { dueBy?: Date; limit: number; sendRate?: boolean };

/** waitingCampaigns' SELECT. Exported for its query plan's test. */
export function waitingCampaignsStatement(options: WaitingLookup): { sql: string; values: unknown[] } {
  const p = new SqlParams();
  const first = (state: string) =>
    `(SELECT "dueAt" FROM ${tableName("Delivery")} d WHERE d."campaignId" = c."id" AND d."state" = '${state}' ORDER BY d."dueAt" LIMIT 1) AS "${state}"`;
  const campaigns = `SELECT c."id", ${WAITING.map(first).join(", ")} FROM ${tableName("Campaign")} c WHERE c."status" = 'active'`;
  // the earlier of the two (either may be null; SQLite has no LEAST)
  const earliest = `CASE WHEN "retrying" IS NULL OR "scheduled" <= "retrying" THEN "scheduled" ELSE "retrying" END`;
  // when every step has a rate limit (variants send at their step's), each step counted at the slowest
  // one's: the claim cannot tell which step's rows it reads, and at the steps' sum a slow step's rows
  // alone filled it (1/s beside 1,000/s: 2,002 rows, ~2,000 s of sends waiting in the gate)
  const sendRate =
    `(SELECT CASE WHEN COUNT(*) > 0 AND COUNT(a."rateLimitPerSecond") = COUNT(*) THEN MIN(a."rateLimitPerSecond") * COUNT(*) END` +
    ` FROM ${tableName("Action")} a WHERE a."campaignId" = waiting."id" AND a."variantOfId" IS NULL) AS "sendRate"`;
  const due = options.dueBy ? ` <= ${p.add("date", options.dueBy)}` : " IS NOT NULL";
  return {
    sql:
      `SELECT "id", "scheduled", "retrying"${options.sendRate === false ? "" : `, ${sendRate}`} FROM (SELECT "id", "scheduled", "retrying", ${earliest} AS "first" FROM (${campaigns}) active) waiting` +
      // the limit a parameter: the text stays one whatever the claim looks past (SQLite keeps it prepared)
      ` WHERE "first"${due} ORDER BY "first" LIMIT ${p.add("int", Math.max(1, Math.floor(options.limit)))}`,
    values: p.values,
  };
}
