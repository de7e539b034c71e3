// A paused recurring campaign's settings change (forms/settings.ts): the deliveries its occurrences
// planned before the pause and that still wait follow the new rule and start date, as the runs not
// yet fanned out do (pendingRunAfterChange). Which occurrence each becomes is decided in
// core/schedule-time.ts (fannedOutOccurrenceAfterChange), when each user is then due by the planner
// (core/plan.ts: each user's own zone, the start date, the end date, the webhooks' timing); this
// only reads the rows and writes what they say, in the caller's transaction. The users held out of
// those runs (ControlGroupMember, who are sent nothing) follow the same rule: moved with them, or
// removed with a run that no longer happens.
import type { Tx } from "../../db/transaction";
import { prismaRawTx, type RawTx } from "../../db/raw";
import { SqlParams } from "../../db/raw-sql";
import { tableName, type ColumnKind } from "../../db/bulk-insert";
import { planDeliveries, type PlannedDelivery } from "../core/plan";
import { campaignStepsIn } from "./fan-out";
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
 * which no longer count against the number of occurrences. The held-out users whose time on a run had
 * not come when the campaign was paused (their row's assignedAt) are re-planned alike: moved to the
 * new key and time, or removed where the planner leaves them out or the run is dropped. Whether a user
 * is held out stays as the run decided it (a split changed since does not move a user in or out of a
 * run's control group); a row already attempted or sent is never touched.
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
  // a held-out user's run happened (as a send would have) once its time came before the pause
  const { pausedAt } = (await tx.campaign.findUnique({ where: { id: campaignId }, select: { pausedAt: true } })) ?? { pausedAt: null };
  const held = await tx.controlGroupMember.findMany({
    where: { campaignId, triggerKey: { startsWith: OCCURRENCE }, assignedAt: { gte: pausedAt ?? now } },
    select: { actionId: true, userId: true, triggerKey: true, assignedAt: true },
  });
  if (waiting.length === 0 && held.length === 0) return counts;
  // who of a run is held out, and which variant each is sent, was decided when it fanned out (its rows
  // and held-out users say so): a split changed since applies to the runs after, so only times are planned
  const actions = (await campaignStepsIn(tx, campaignId)).map((a) => ({ ...a, split: null }));
  const users = new Map<string, { id: string; timezone: string | null; attributes: unknown }>();
  const userIds = [...new Set([...waiting.map((d) => d.userId), ...held.map((h) => h.userId)])];
  for (let i = 0; i < userIds.length; i += USER_PAGE) {
    const page = await tx.user.findMany({ where: { id: { in: userIds.slice(i, i + USER_PAGE) } }, select: { id: true, timezone: true, attributes: true } });
    for (const u of page) users.set(u.id, u);
  }

  const byKey = new Map<string, typeof waiting>();
  for (const d of waiting) byKey.set(d.triggerKey, [...(byKey.get(d.triggerKey) ?? []), d]);
  const heldByKey = new Map<string, typeof held>();
  for (const h of held) heldByKey.set(h.triggerKey, [...(heldByKey.get(h.triggerKey) ?? []), h]);
  const allKeys = [...new Set([...byKey.keys(), ...heldByKey.keys()])];
  const campaign = { id: campaignId, startAt: change.startAt, endAt: change.endAt };
  type Write = { id: string; triggerKey: string; plannedAt: Date; oldKey: string; actionId: string; userId: string };
  const moves: Write[] = [];
  const cancels: { id: string; reason: string }[] = [];
  const suppressions: { id: string; reason: string }[] = [];
  type HeldRow = (typeof held)[number];
  const heldMoves: (HeldRow & { newKey: string; plannedAt: Date })[] = [];
  const heldDrops: HeldRow[] = [];
  for (const key of allKeys) {
    const rows = byKey.get(key) ?? [];
    const heldRows = heldByKey.get(key) ?? [];
    const at = new Date(key.slice(OCCURRENCE.length));
    if (Number.isNaN(at.getTime())) continue;
    const next = fannedOutOccurrenceAfterChange(change.before, change.rule, at);
    if (!next) {
      const date = change.before ? occurrenceDate(change.before, at) : at.toISOString().slice(0, 10);
      for (const d of rows) cancels.push({ id: d.id, reason: `Not sent: the campaign's schedule, changed while it was paused, has no run on ${date}` });
      heldDrops.push(...heldRows);
      continue;
    }
    const trigger = { kind: "occurrence" as const, at: next };
    const planned = new Map<string, PlannedDelivery>();
    const present = [...new Set([...rows.map((d) => d.userId), ...heldRows.map((h) => h.userId)])].map((id) => users.get(id)).filter((u) => !!u);
    for (const p of planDeliveries({ rule: change.rule, actions, users: present, trigger, now, campaign })) planned.set(`${p.actionId}\u0000${p.userId}`, p);
    for (const d of rows) {
      const p = planned.get(`${d.actionId}\u0000${d.userId}`);
      // left out by the planner: the user's time on it is before the start date (or the step is gone)
      if (!p) cancels.push({ id: d.id, reason: "Not sent: before the campaign's start date, moved while it was paused" });
      else if (p.suppressedReason) suppressions.push({ id: d.id, reason: p.suppressedReason });
      else if (p.triggerKey !== key || p.plannedAt.getTime() !== d.plannedAt.getTime() || d.dueAt.getTime() !== d.plannedAt.getTime())
        moves.push({ id: d.id, triggerKey: p.triggerKey, plannedAt: p.plannedAt, oldKey: key, actionId: d.actionId, userId: d.userId });
    }
    for (const h of heldRows) {
      const p = planned.get(`${h.actionId}\u0000${h.userId}`);
      // held out still; left out where their send would not happen (start or end date)
      if (!p || p.suppressedReason) heldDrops.push(h);
      else if (p.triggerKey !== key || p.plannedAt.getTime() !== h.assignedAt.getTime()) heldMoves.push({ ...h, newKey: p.triggerKey, plannedAt: p.plannedAt });
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
  const raw = prismaRawTx(tx);
  for (const { triggerKey, plannedAt, ids } of byTime.values()) {
    for (const part of chunks(ids, USER_PAGE)) {
      await updateScheduled(raw, part, [["triggerKey", "text", triggerKey], ["plannedAt", "date", plannedAt], ["dueAt", "date", plannedAt], ["reason", "text", null]]);
    }
    counts.moved += ids.length;
  }
  for (const group of groupByReason(cancels)) {
    await updateScheduled(raw, group.ids, [["state", "text", "cancelled"], ["reason", "text", group.reason]]);
    counts.dropped += group.ids.length;
  }
  for (const group of groupByReason(suppressions)) {
    await updateScheduled(raw, group.ids, [["state", "text", "suppressed"], ["reason", "text", group.reason]]);
    counts.suppressed += group.ids.length;
  }

  // held-out users: as the deliveries (a user's run on a date once; one UPDATE or DELETE per group)
  const newHeldKeys = [...new Set(heldMoves.filter((m) => m.newKey !== m.triggerKey).map((m) => m.newKey))];
  const heldTaken = new Set(
    newHeldKeys.length
      ? (await tx.controlGroupMember.findMany({ where: { campaignId, triggerKey: { in: newHeldKeys } }, select: { actionId: true, userId: true, triggerKey: true } })).map((r) => `${r.actionId}\u0000${r.userId}\u0000${r.triggerKey}`)
      : [],
  );
  const heldMoveGroups = new Map<string, { actionId: string; from: string; to: string; assignedAt: Date; userIds: string[] }>();
  for (const m of heldMoves) {
    const slot = `${m.actionId}\u0000${m.userId}\u0000${m.newKey}`;
    if (m.newKey !== m.triggerKey && heldTaken.has(slot)) {
      heldDrops.push(m);
      continue;
    }
    heldTaken.add(slot);
    movedFrom.add(m.triggerKey);
    const group = `${m.actionId}\u0000${m.triggerKey}\u0000${m.newKey}\u0000${m.plannedAt.getTime()}`;
    const entry = heldMoveGroups.get(group) ?? { actionId: m.actionId, from: m.triggerKey, to: m.newKey, assignedAt: m.plannedAt, userIds: [] };
    entry.userIds.push(m.userId);
    heldMoveGroups.set(group, entry);
  }
  const heldDropGroups = new Map<string, { actionId: string; triggerKey: string; userIds: string[] }>();
  for (const h of heldDrops) {
    const group = `${h.actionId}\u0000${h.triggerKey}`;
    const entry = heldDropGroups.get(group) ?? { actionId: h.actionId, triggerKey: h.triggerKey, userIds: [] };
    entry.userIds.push(h.userId);
    heldDropGroups.set(group, entry);
  }
  // dropped first: a row moving onto a key frees the one it leaves, never the other way round
  for (const { actionId, triggerKey, userIds } of heldDropGroups.values()) {
    for (const part of chunks(userIds, USER_PAGE)) await tx.controlGroupMember.deleteMany({ where: { actionId, triggerKey, userId: { in: part } } });
  }
  for (const { actionId, from, to, assignedAt, userIds } of heldMoveGroups.values()) {
    for (const part of chunks(userIds, USER_PAGE)) await tx.controlGroupMember.updateMany({ where: { actionId, triggerKey: from, userId: { in: part } }, data: { triggerKey: to, assignedAt } });
  }

  // an occurrence of which nothing is left (sent, waiting, held out, or moved to the new rule's run) no longer counts
  if (cancels.length || heldDrops.length) {
    const keys = allKeys.filter((k) => !movedFrom.has(k));
    const left = keys.length
      ? await tx.delivery.groupBy({ by: ["triggerKey"], where: { campaignId, triggerKey: { in: keys }, state: { not: "cancelled" } }, _count: { _all: true } })
      : [];
    const heldLeft = keys.length ? await tx.controlGroupMember.groupBy({ by: ["triggerKey"], where: { campaignId, triggerKey: { in: keys } }, _count: { _all: true } }) : [];
    const stillThere = new Set([...left, ...heldLeft].map((g) => g.triggerKey));
    counts.occurrencesDropped = keys.filter((k) => !stillThere.has(k)).length;
  }
  return counts;
}

type Assignment = [column: string, kind: ColumnKind, value: unknown];

/** Sets `assignments` on the rows `ids` still scheduled, as they were read (one cancelled meanwhile stays so), in the caller's transaction. */
function updateScheduled(tx: RawTx, ids: string[], assignments: Assignment[]): Promise<number> {
  const p = new SqlParams();
  const set = [...assignments, ["updatedAt", "date", new Date()] as Assignment].map(([column, kind, value]) => `"${column}" = ${p.add(kind, value)}`).join(", ");
  return tx.run(`UPDATE ${tableName("Delivery")} SET ${set} WHERE ${p.among(`"id"`, "text", ids)} AND "state" = 'scheduled'`, p.values);
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

/**
 * When the campaign's latest occurrence fanned out (its trigger key's time, planned deliveries or
 * held-out users alike), or null before its first: what its next run would follow once one no longer
 * counts after its runs were used up (settings.ts). Keys are "occurrence:<ISO time>": latest sorts last.
 */
export async function latestOccurrenceAt(tx: Tx, campaignId: string): Promise<Date | null> {
  const where = { campaignId, triggerKey: { startsWith: OCCURRENCE } };
  const rows = [
    await tx.delivery.findFirst({ where, orderBy: { triggerKey: "desc" }, select: { triggerKey: true } }),
    await tx.controlGroupMember.findFirst({ where, orderBy: { triggerKey: "desc" }, select: { triggerKey: true } }),
  ];
  const times = rows.flatMap((r) => (r ? [new Date(r.triggerKey.slice(OCCURRENCE.length)).getTime()] : [])).filter((t) => !Number.isNaN(t));
  return times.length ? new Date(Math.max(...times)) : null;
}
