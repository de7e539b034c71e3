// Writing planned deliveries: the outbox rows, inserted thousands per statement inside the
// transaction that made the decision (activation, an event, a recurring occurrence).
import type { DbOrTx } from "../../db";
import type { Prisma } from "../../db/generated/sqlite/client";
import { matchesSegment, parseSegment } from "../../audience/segment";
import { newWebhookId } from "../core/ids";
import type { RawStatement } from "../../db/raw";
import { bulkInsertSql, newRowId, type ColumnKind } from "../../db/bulk-insert";
import { planDeliveries, type PlanAction, type PlannedDelivery, type Trigger } from "../core/plan";
import type { DeliveryRule } from "../core/rules";


// 2,000 rows x 16 columns stays under SQLite's (32,766) and PostgreSQL's bound-parameter limits.
export const INSERT_BATCH = 2000;
const DELIVERY_COLUMNS: [string, ColumnKind][] = [
  ["id", "text"], ["webhookId", "text"], ["campaignId", "text"], ["actionId", "text"], ["userId", "text"], ["eventId", "text"],
  ["triggerKey", "text"], ["eventData", "json"], ["plannedAt", "date"], ["dueAt", "date"], ["state", "text"], ["reason", "text"],
  ["createdAt", "date"], ["updatedAt", "date"], ["variant", "text"], ["variantActionId", "text"],
];
const CONTROL_COLUMNS: [string, ColumnKind][] = [["campaignId", "text"], ["actionId", "text"], ["userId", "text"], ["triggerKey", "text"], ["assignedAt", "date"]];
const USER_PAGE = 5000;

// A fan-out of 100,000 users takes a while; the default 5 s interactive transaction would abort it.
export const LONG_TRANSACTION = { timeout: 10 * 60_000, maxWait: 30_000 };

export type FanOutCampaign = {
  id: string;
  rule: DeliveryRule;
  audience: unknown;
  startAt: Date | null;
  endAt: Date | null;
  actions: PlanAction[];
};

/** A planned delivery as the queue needs it (BullMQ jobs carry webhook ids and due times). */
export type DueRef = { webhookId: string; dueAt: Date };
/** `control`: users held out (a ControlGroupMember row each, no delivery) */
export type FanOutCounts = { scheduled: number; suppressed: number; control: number; earliest: Date | null; due: DueRef[] };

export function emptyCounts(): FanOutCounts {
  return { scheduled: 0, suppressed: 0, control: 0, earliest: null, due: [] };
}

export function rowsFor(campaignId: string, planned: PlannedDelivery[]): Prisma.DeliveryCreateManyInput[] {
  return planned.map((p) => ({
    webhookId: newWebhookId(),
    campaignId,
    actionId: p.actionId,
    userId: p.userId,
    eventId: p.eventId,
    triggerKey: p.triggerKey,
    eventData: (p.eventData ?? undefined) as Prisma.InputJsonValue | undefined,
    plannedAt: p.plannedAt,
    dueAt: p.plannedAt,
    state: p.suppressedReason ? "suppressed" : "scheduled",
    reason: p.suppressedReason,
    variant: p.variant,
    variantActionId: p.variantActionId,
  }));
}

/** The INSERTs of planned deliveries (INSERT_BATCH rows each) and of held-out users, counted into `counts`. */
export function plannedDeliveryStatements(campaignId: string, allPlanned: PlannedDelivery[], counts: FanOutCounts): RawStatement[] {
  const statements: RawStatement[] = [];
  const held = allPlanned.filter((p) => p.control);
  const planned = held.length ? allPlanned.filter((p) => !p.control) : allPlanned;
  for (let i = 0; i < held.length; i += INSERT_BATCH) {
    const rows = held.slice(i, i + INSERT_BATCH).map((p) => [campaignId, p.actionId, p.userId, p.triggerKey, p.plannedAt]);
    statements.push(bulkInsertSql("ControlGroupMember", CONTROL_COLUMNS, rows));
    counts.control += rows.length;
  }
  for (let i = 0; i < planned.length; i += INSERT_BATCH) {
    const rows = rowsFor(campaignId, planned.slice(i, i + INSERT_BATCH));
    const now = new Date();
    statements.push(
      bulkInsertSql(
        "Delivery",
        DELIVERY_COLUMNS,
        rows.map((r) => [newRowId(), r.webhookId, r.campaignId, r.actionId, r.userId, r.eventId, r.triggerKey, r.eventData ?? null, r.plannedAt, r.dueAt, r.state, r.reason, now, now, r.variant ?? null, r.variantActionId ?? null]),
      ),
    );
    for (const row of rows) {
      if (row.state === "suppressed") counts.suppressed++;
      else {
        const dueAt = row.dueAt as Date;
        counts.scheduled++;
        counts.due.push({ webhookId: row.webhookId, dueAt });
        if (!counts.earliest || dueAt < counts.earliest) counts.earliest = dueAt;
      }
    }
  }
  return statements;
}

export async function insertPlanned(tx: DbOrTx, campaignId: string, planned: PlannedDelivery[], counts: FanOutCounts) {
  for (const s of plannedDeliveryStatements(campaignId, planned, counts)) await tx.$executeRawUnsafe(s.sql, ...s.values);
}

/** Plans and writes the deliveries of one trigger for the whole audience, a page of users at a time. */
export async function fanOutToAudience(tx: DbOrTx, campaign: FanOutCampaign, trigger: Trigger, now: Date): Promise<FanOutCounts> {
  const segment = parseSegment(campaign.audience);
  const counts = emptyCounts();
  let cursor: string | undefined;
  for (;;) {
    const users = await tx.user.findMany({
      select: { id: true, timezone: true, attributes: true, email: true },
      orderBy: { id: "asc" },
      take: USER_PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (users.length === 0) break;
    cursor = users[users.length - 1].id;
    const audience = segment ? users.filter((u) => matchesSegment(u, segment)) : users;
    const planned = planDeliveries({ rule: campaign.rule, actions: campaign.actions, users: audience, trigger, now, campaign });
    await insertPlanned(tx, campaign.id, planned, counts);
    if (users.length < USER_PAGE) break;
  }
  return counts;
}
