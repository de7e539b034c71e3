// Writing planned deliveries: the outbox rows, inserted thousands per statement inside the
// transaction that made the decision (activation, an event, a recurring occurrence).
import { parseSegment, segmentMatcher } from "../../audience/segment";
import { audiencePage } from "../../audience/users";
import { nextUserPage, type UserPage } from "../../audience/user-pages";
import { newWebhookIds } from "../core/ids";
import type { RawStatement, RawTx } from "../../db/raw";
import type { Tx } from "../../db/transaction";
import { jsonInsertSql, newRowIds, tableName, type ColumnKind } from "../../db/bulk-insert";
import { plannerStatisticsSql } from "../../db/dialect";
import { jsonOf, numberOf, SqlParams } from "../../db/raw-sql";
import { planDeliveries, planSteps, userFieldsPlanned, type PlanAction, type PlannedDelivery, type Trigger } from "../core/plan";
import type { DeliveryRule } from "../core/rules";

// rows per INSERT, passed as one JSON parameter (~100 bytes a row for an immediate campaign)
const INSERT_BATCH = 5000;

const DELIVERY_COLUMNS: [string, ColumnKind][] = [
  ["id", "text"], ["webhookId", "text"], ["campaignId", "text"], ["actionId", "text"], ["userId", "text"], ["eventId", "text"],
  ["triggerKey", "text"], ["eventData", "json"], ["plannedAt", "date"], ["dueAt", "date"], ["state", "text"], ["reason", "text"],
  ["createdAt", "date"], ["updatedAt", "date"], ["variant", "text"], ["variantActionId", "text"],
];
const CONTROL_COLUMNS: [string, ColumnKind][] = [["campaignId", "text"], ["actionId", "text"], ["userId", "text"], ["triggerKey", "text"], ["assignedAt", "date"]];
const USER_PAGE = 5000;

export type FanOutCampaign = {
  id: string;
  rule: DeliveryRule;
  audience: unknown;
  startAt: Date | null;
  endAt: Date | null;
  actions: PlanAction[];
};

/**
 * `control`: held-out rows (a ControlGroupMember row per user per step, no delivery); `controlUsers`:
 * the users they hold out, of `users` planned for (held out or not). `dueTimes`: when the
 * scheduled deliveries come due (ms), each distinct time once: all an engine's wake-ups need
 * (an immediate campaign to 100,000 users has one, a send in each user's time zone a few dozen).
 */
export type FanOutCounts = { scheduled: number; suppressed: number; control: number; controlUsers: number; users: number; earliest: Date | null; dueTimes: Set<number> };

export function emptyCounts(): FanOutCounts {
  return { scheduled: 0, suppressed: 0, control: 0, controlUsers: 0, users: 0, earliest: null, dueTimes: new Set() };
}

/** Adds `more` (another trigger's fan-out) into `counts`. */
export function addCounts(counts: FanOutCounts, more: FanOutCounts): FanOutCounts {
  counts.scheduled += more.scheduled;
  counts.suppressed += more.suppressed;
  counts.control += more.control;
  counts.controlUsers += more.controlUsers;
  counts.users += more.users;
  if (more.earliest && (!counts.earliest || more.earliest < counts.earliest)) counts.earliest = more.earliest;
  for (const t of more.dueTimes) counts.dueTimes.add(t);
  return counts;
}

/** The INSERTs of planned deliveries (INSERT_BATCH rows each) and of held-out users, counted into `counts`. */
export function plannedDeliveryStatements(campaignId: string, allPlanned: PlannedDelivery[], counts: FanOutCounts): RawStatement[] {
  const statements: RawStatement[] = [];
  const held = allPlanned.filter((p) => p.control);
  const planned = held.length ? allPlanned.filter((p) => !p.control) : allPlanned;
  // a fan-out plans a page of users at a time, each user in one page only: the pages' users add up
  counts.users += new Set(allPlanned.map((p) => p.userId)).size;
  counts.controlUsers += new Set(held.map((p) => p.userId)).size;
  for (let i = 0; i < held.length; i += INSERT_BATCH) {
    const rows = held.slice(i, i + INSERT_BATCH).map((p) => [campaignId, p.actionId, p.userId, p.triggerKey, p.plannedAt]);
    statements.push(jsonInsertSql("ControlGroupMember", CONTROL_COLUMNS, rows));
    counts.control += rows.length;
  }
  for (let i = 0; i < planned.length; i += INSERT_BATCH) {
    const batch = planned.slice(i, i + INSERT_BATCH);
    const now = new Date();
    const ids = newRowIds(batch.length);
    const webhookIds = newWebhookIds(batch.length);
    const rows = batch.map((p, k) => {
      const state = p.suppressedReason ? "suppressed" : "scheduled";
      if (p.suppressedReason) counts.suppressed++;
      else {
        counts.scheduled++;
        counts.dueTimes.add(p.plannedAt.getTime());
        if (!counts.earliest || p.plannedAt < counts.earliest) counts.earliest = p.plannedAt;
      }
      // dueAt = plannedAt until the first attempt
      return [ids[k], webhookIds[k], campaignId, p.actionId, p.userId, p.eventId, p.triggerKey, p.eventData, p.plannedAt, p.plannedAt, state, p.suppressedReason, now, now, p.variant, p.variantActionId];
    });
    statements.push(jsonInsertSql("Delivery", DELIVERY_COLUMNS, rows));
  }
  return statements;
}

/**
 * Plans and writes the deliveries of one trigger for the whole audience, a page of users at a time
 * (read with only the fields the segment and the plan read), in a raw transaction (lib/db/raw.ts):
 * through Prisma the JSON of 100,000 rows cost its query compiler ~50 ns a byte.
 */
export async function fanOutToAudience(tx: RawTx, campaign: FanOutCampaign, trigger: Trigger, now: Date): Promise<FanOutCounts> {
  const segment = parseSegment(campaign.audience);
  const inAudience = segmentMatcher(segment);
  const planned = userFieldsPlanned(campaign.rule, campaign.actions, trigger);
  const fields = segment ? { email: true, timezone: true, attributes: true } : { email: false, ...planned };
  const counts = emptyCounts();
  let after: string | null = null;
  for (;;) {
    // with their attributes, a page is bounded by their bytes too (a user may hold 256 KiB: 5,000 were 1.25 GB)
    const page: UserPage | null = fields.attributes ? await nextUserPage(after ?? undefined, { rows: USER_PAGE }, tx) : null;
    if (fields.attributes && !page) break;
    const users = await audiencePage(tx, after, USER_PAGE, fields, page?.id.lte);
    if (users.length === 0 && !page) break;
    after = page?.id.lte ?? users[users.length - 1]!.id;
    const audience = segment ? users.filter(inAudience) : users;
    const plans = planDeliveries({ rule: campaign.rule, actions: campaign.actions, users: audience, trigger, now, campaign });
    for (const s of plannedDeliveryStatements(campaign.id, plans, counts)) await tx.run(s.sql, s.values);
    if (!page && users.length < USER_PAGE) break;
  }
  // a big activation changes what the claim's query plan should be (see plannerStatisticsSql)
  const statistics = counts.scheduled >= STATISTICS_AFTER ? plannerStatisticsSql("Delivery") : null;
  if (statistics) await tx.run(statistics, []);
  return counts;
}

// planned rows from which a fan-out refreshes the planner's statistics
const STATISTICS_AFTER = 1000;

/**
 * THE reader of a campaign's steps for planning (planSteps orders them: position, then id), as they are
 * inside `tx`: a raw transaction (a recurring occurrence's fan-out) or a Prisma one (a paused campaign's
 * replan). A fan-out holds the campaign's row (its guarded UPDATE came first), so a webhook deleted since
 * the campaign was read is not planned for. deleteAction takes that row before the webhook's, so none is
 * deleted from under the transaction: on SQLite the transaction holds the write lock, on PostgreSQL the
 * delete waits for it to commit.
 */
export async function campaignStepsIn(tx: Pick<RawTx, "query"> | Tx, campaignId: string): Promise<PlanAction[]> {
  const p = new SqlParams();
  const sql = `SELECT "id", "subDelivery", "variantOfId", "splitPercent", "controlPercent", "position", "responseMapping" FROM ${tableName("Action")} WHERE "campaignId" = ${p.add("text", campaignId)}`;
  type Row = { id: string; subDelivery: unknown; variantOfId: string | null; splitPercent: unknown; controlPercent: unknown; position: unknown; responseMapping: unknown };
  const rows = "$queryRawUnsafe" in tx ? await tx.$queryRawUnsafe<Row[]>(sql, ...p.values) : await tx.query<Row>(sql, p.values);
  return planSteps(rows.map((r) => ({ ...r, subDelivery: jsonOf(r.subDelivery), responseMapping: jsonOf(r.responseMapping), splitPercent: numberOf(r.splitPercent), controlPercent: numberOf(r.controlPercent), position: numberOf(r.position) })));
}
