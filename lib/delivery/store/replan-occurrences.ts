// A paused recurring campaign's settings change (forms/settings.ts): the deliveries its occurrences
// planned before the pause and that still wait follow the new rule and start date, as the runs not
// yet fanned out do (pendingRunAfterChange). Which occurrence each becomes is decided in
// core/schedule-time.ts (fannedOutOccurrenceAfterChange), when each user is then due by the planner
// (core/plan.ts: each user's own zone, the start date, the end date, the webhooks' timing); this
// only reads the rows and writes what they say, in the caller's transaction.
import type { Tx } from "../../db/transaction";
import { planDeliveries, planSteps, type PlannedDelivery } from "../core/plan";
import type { DeliveryRule } from "../core/rules";
import { fannedOutOccurrenceAfterChange, occurrenceDate } from "../core/schedule-time";

type RecurringRule = Extract<DeliveryRule, { when: "recurring" }>;

const OCCURRENCE = "occurrence:";
// users read per query (SQLite's bound parameters)
const USER_PAGE = 1000;

export type ReplanCounts = { moved: number; dropped: number; suppressed: number; occurrencesDropped: number };

/**
 * Re-plans the campaign's waiting occurrence deliveries (scheduled, never attempted) by `rule`,
 * `startAt` and `endAt`: kept or moved to the time the planner gives them now (a new time under a new
 * trigger key when their occurrence changes), cancelled when the new rule has no run for them (a user
 * whose time is before the start date, a date the rule no longer runs on), suppressed when the planner
 * says so (past the end date). `occurrencesDropped`: the occurrences none of whose deliveries is left,
 * which no longer count against the number of occurrences.
 */
export async function replanWaitingOccurrences(
  tx: Tx,
  campaignId: string,
  change: { before: RecurringRule | null; rule: RecurringRule; startAt: Date | null; endAt: Date | null },
  now: Date,
): Promise<ReplanCounts> {
  const counts: ReplanCounts = { moved: 0, dropped: 0, suppressed: 0, occurrencesDropped: 0 };
  const waiting = await tx.delivery.findMany({
    where: { campaignId, state: "scheduled", attempts: 0, triggerKey: { startsWith: OCCURRENCE } },
    select: { id: true, actionId: true, userId: true, triggerKey: true, plannedAt: true, dueAt: true },
  });
  if (waiting.length === 0) return counts;
  const actions = planSteps(await tx.action.findMany({ where: { campaignId }, orderBy: { position: "asc" } }));
  const users = new Map<string, { id: string; timezone: string | null; attributes: unknown }>();
  const userIds = [...new Set(waiting.map((d) => d.userId))];
  for (let i = 0; i < userIds.length; i += USER_PAGE) {
    const page = await tx.user.findMany({ where: { id: { in: userIds.slice(i, i + USER_PAGE) } }, select: { id: true, timezone: true, attributes: true } });
    for (const u of page) users.set(u.id, u);
  }

  const byKey = new Map<string, typeof waiting>();
  for (const d of waiting) byKey.set(d.triggerKey, [...(byKey.get(d.triggerKey) ?? []), d]);
  const campaign = { id: campaignId, startAt: change.startAt, endAt: change.endAt };
  type Write = { id: string; triggerKey: string; plannedAt: Date; oldKey: string; actionId: string; userId: string };
  const moves: Write[] = [];
  const cancels: { id: string; reason: string }[] = [];
  const suppressions: { id: string; reason: string }[] = [];
  for (const [key, rows] of byKey) {
    const at = new Date(key.slice(OCCURRENCE.length));
    if (Number.isNaN(at.getTime())) continue;
    const next = fannedOutOccurrenceAfterChange(change.before, change.rule, at);
    if (!next) {
      const date = change.before ? occurrenceDate(change.before, at) : at.toISOString().slice(0, 10);
      for (const d of rows) cancels.push({ id: d.id, reason: `Not sent: the campaign's schedule, changed while it was paused, has no run on ${date}` });
      continue;
    }
    const trigger = { kind: "occurrence" as const, at: next };
    const planned = new Map<string, PlannedDelivery>();
    const present = rows.map((d) => users.get(d.userId)).filter((u) => !!u);
    for (const p of planDeliveries({ rule: change.rule, actions, users: present, trigger, now, campaign })) planned.set(`${p.actionId}\u0000${p.userId}`, p);
    for (const d of rows) {
      const p = planned.get(`${d.actionId}\u0000${d.userId}`);
      // left out by the planner: the user's time on it is before the start date (or the step is gone)
      if (!p || p.control) cancels.push({ id: d.id, reason: "Not sent: before the campaign's start date, moved while it was paused" });
      else if (p.suppressedReason) suppressions.push({ id: d.id, reason: p.suppressedReason });
      else if (p.triggerKey !== key || p.plannedAt.getTime() !== d.plannedAt.getTime() || d.dueAt.getTime() !== d.plannedAt.getTime())
        moves.push({ id: d.id, triggerKey: p.triggerKey, plannedAt: p.plannedAt, oldKey: key, actionId: d.actionId, userId: d.userId });
    }
  }

  // a user's run on a date is planned once: a move onto a key the user already has (sent, or another
  // row moving there) is dropped instead
  const newKeys = [...new Set(moves.filter((m) => m.triggerKey !== m.oldKey).map((m) => m.triggerKey))];
  const taken = new Set(
    newKeys.length
      ? (await tx.delivery.findMany({ where: { campaignId, triggerKey: { in: newKeys } }, select: { actionId: true, userId: true, triggerKey: true } })).map((r) => `${r.actionId}\u0000${r.userId}\u0000${r.triggerKey}`)
      : [],
  );
  const movedFrom = new Set<string>();
  // one UPDATE per new time and key: the users of a zone share one
  const byTime = new Map<string, { triggerKey: string; plannedAt: Date; ids: string[] }>();
  for (const m of moves) {
    const slot = `${m.actionId}\u0000${m.userId}\u0000${m.triggerKey}`;
    if (m.triggerKey !== m.oldKey && taken.has(slot)) {
      cancels.push({ id: m.id, reason: "Not sent: the user's run on that date is planned already" });
      continue;
    }
    taken.add(slot);
    movedFrom.add(m.oldKey);
    const group = `${m.triggerKey}\u0000${m.plannedAt.getTime()}`;
    const entry = byTime.get(group) ?? { triggerKey: m.triggerKey, plannedAt: m.plannedAt, ids: [] };
    entry.ids.push(m.id);
    byTime.set(group, entry);
  }
  for (const { triggerKey, plannedAt, ids } of byTime.values()) {
    for (const part of chunks(ids, USER_PAGE)) {
      await tx.delivery.updateMany({ where: { id: { in: part }, state: "scheduled" }, data: { triggerKey, plannedAt, dueAt: plannedAt, reason: null } });
    }
    counts.moved += ids.length;
  }
  for (const group of groupByReason(cancels)) {
    await tx.delivery.updateMany({ where: { id: { in: group.ids }, state: "scheduled" }, data: { state: "cancelled", reason: group.reason } });
    counts.dropped += group.ids.length;
  }
  for (const group of groupByReason(suppressions)) {
    await tx.delivery.updateMany({ where: { id: { in: group.ids }, state: "scheduled" }, data: { state: "suppressed", reason: group.reason } });
    counts.suppressed += group.ids.length;
  }

  // an occurrence of which nothing is left (sent, waiting, or moved to the new rule's run) no longer counts
  if (cancels.length) {
    const keys = [...byKey.keys()].filter((k) => !movedFrom.has(k));
    const left = keys.length
      ? await tx.delivery.groupBy({ by: ["triggerKey"], where: { campaignId, triggerKey: { in: keys }, state: { not: "cancelled" } }, _count: { _all: true } })
      : [];
    const stillThere = new Set(left.map((g) => g.triggerKey));
    counts.occurrencesDropped = keys.filter((k) => !stillThere.has(k)).length;
  }
  return counts;
}

function groupByReason(rows: { id: string; reason: string }[]): { reason: string; ids: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of rows) groups.set(r.reason, [...(groups.get(r.reason) ?? []), r.id]);
  return [...groups].flatMap(([reason, ids]) => chunks(ids, USER_PAGE).map((part) => ({ reason, ids: part })));
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
