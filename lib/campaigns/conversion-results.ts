// The results table of a campaign with a conversion goal: per step, per variant and for the control
// group, users reached, delivered, converted, the conversion rate with its interval and the lift
// over the baseline (the statistics: ./conversion-stats.ts). The counts are ONE aggregate query:
// a row per (step, group) back, never a read of deliveries or events into JS.
import { db } from "../db";
import { plusHoursSql } from "../db/dialect";
import { rawDb } from "../db/raw";
import { tableName } from "../db/bulk-insert";
import { SqlParams } from "../db/raw-sql";
import { compareGroups, type Interval, METHOD_STATEMENT, MIN_CONVERSIONS_PER_GROUP, MIN_USERS_PER_GROUP, type Verdict } from "./conversion-stats";
import { CONTROL, variantKey } from "./variants";


/** "A" for the step itself, then "B", "C", ... for its variants in position order. */

export type GroupCounts = {
  /**
   * distinct users the step's request was sent to in this group (a delivery with sentAt, or delivered);
   * not those only planned, waiting, suppressed or failed before a request existed (control: held out)
   */
  reached: number;
  /** users with a delivered delivery (control: held out and past the time they would have been sent) */
  delivered: number;
  /** of those, users who tracked the goal event within the window after their first delivery (control: after assignment) */
  converted: number;
};

/** Counts per step id, then per group ("A".."P" or "control"). */
export type ConversionCounts = Map<string, Map<string, GroupCounts>>;

/**
 * The one aggregate query. Each user is counted once per step and group: their first delivered
 * delivery (state delivered, at sentAt) starts the window; a control user's assignment does, once
 * it has passed (`now`). A conversion is an Event(name = goal, userId) with time in
 * [start, start + window], found through the (name, userId, time) index.
 */
export async function conversionCounts(campaignId: string, goal: { event: string | null; windowHours: number }, now = new Date()): Promise<ConversionCounts> {
  const p = new SqlParams();
  const deliveries = tableName("Delivery");
  const control = tableName("ControlGroupMember");
  const events = tableName("Event");
  // in the order they appear in the text ("?" on SQLite)
  const delivered = p.add("text", "delivered");
  const deliveredToo = p.add("text", "delivered");
  const first = p.add("text", campaignId);
  const due = p.add("date", now);
  const second = p.add("text", campaignId);
  // no goal: nothing converts, the rest of the table still shows
  const converted = goal.event
    ? `SUM(CASE WHEN x.since IS NOT NULL AND EXISTS (SELECT 1 FROM ${events} e WHERE e."name" = ${p.add("text", goal.event)} AND e."userId" = x.uid
         AND e."time" >= x.since AND e."time" <= ${plusHoursSql("x.since", goal.windowHours)}) THEN 1 ELSE 0 END)`
    : "0";
  const rows = await rawDb(db()).query<{ step: string; grp: string; reached: unknown; delivered: unknown; converted: unknown }>(
    `WITH exposure AS (
       SELECT d."actionId" AS step, COALESCE(d."variant", 'A') AS grp, d."userId" AS uid,
              MIN(CASE WHEN d."state" = ${delivered} THEN COALESCE(d."sentAt", d."updatedAt") END) AS since,
              -- reached: a request of the step went to them (sentAt: an attempt whose request left,
              -- attempt-record.ts requestLeft; refused by the SSRF guard, a failed DNS lookup, or failed
              -- before a request existed, e.g. waiting for an earlier step's answer, it stays null)
              MAX(CASE WHEN d."sentAt" IS NOT NULL OR d."state" = ${deliveredToo} THEN 1 ELSE 0 END) AS went
       FROM ${deliveries} d WHERE d."campaignId" = ${first}
       GROUP BY d."actionId", COALESCE(d."variant", 'A'), d."userId"
       UNION ALL
       SELECT c."actionId", '${CONTROL}', c."userId", MIN(CASE WHEN c."assignedAt" <= ${due} THEN c."assignedAt" END), 1
       FROM ${control} c WHERE c."campaignId" = ${second}
       GROUP BY c."actionId", c."userId"
     )
     SELECT x.step AS step, x.grp AS grp, SUM(x.went) AS reached, COUNT(x.since) AS delivered, ${converted} AS converted
     FROM exposure x GROUP BY x.step, x.grp`,
    p.values,
  );
  const counts: ConversionCounts = new Map();
  for (const r of rows) {
    let step = counts.get(r.step);
    if (!step) counts.set(r.step, (step = new Map()));
    step.set(r.grp, { reached: Number(r.reached), delivered: Number(r.delivered), converted: Number(r.converted) });
  }
  return counts;
}

/** A row of the table; the rate counts converted of delivered (control: of held out past their send time). */
export type ResultGroup = GroupCounts & {
  key: string;
  /** "Control", "A", "B · Shorter copy" */
  label: string;
  /** null without a goal or without exposed users */
  rate: number | null;
  interval: Interval | null;
  baseline: boolean;
  /** relative to the baseline's rate; null for the baseline, without a goal, or when the baseline converts nobody */
  lift: number | null;
  pValue: number | null;
  significant: boolean;
};

export type StepResults = { actionId: string; name: string; baseline: string | null; groups: ResultGroup[]; verdict: Verdict };

export type CampaignResults = {
  campaignId: string;
  goal: { event: string | null; windowHours: number };
  method: string;
  minUsersPerGroup: number;
  minConversionsPerGroup: number;
  steps: StepResults[];
  /** when the goal window of the last user reached closes (conversions may arrive until then); null without a goal or before anyone is reached */
  goalOpenUntil: string | null;
  computedAt: string;
};

// The table is one aggregate over all of a campaign's deliveries; the page polls it and a viewer's API
// key may ask 100 times a second. Requests for a campaign whose table is being computed share that
// computation (never an older one), so at most one runs per campaign in this process.
const computing = new Map<string, Promise<CampaignResults | null>>();

/** The results table of a campaign, or null when it does not exist (`now`: the clock, for tests). */
export function campaignResults(campaignId: string, now?: Date): Promise<CampaignResults | null> {
  if (now) return computeResults(campaignId, now);
  let running = computing.get(campaignId);
  if (!running) {
    running = computeResults(campaignId, new Date()).finally(() => computing.delete(campaignId));
    computing.set(campaignId, running);
  }
  return running;
}

async function computeResults(campaignId: string, now: Date): Promise<CampaignResults | null> {
  const campaign = await db().campaign.findUnique({
    where: { id: campaignId },
    select: {
      goalEvent: true,
      goalWindowHours: true,
      actions: {
        where: { variantOfId: null },
        // the planner's order (planSteps: position, then id): the steps before a step are those it holds out after
        orderBy: [{ position: "asc" }, { id: "asc" }],
        select: { id: true, name: true, controlPercent: true, variants: { orderBy: { position: "asc" }, select: { name: true } } },
      },
    },
  });
  if (!campaign) return null;
  const goal = { event: campaign.goalEvent, windowHours: campaign.goalWindowHours };
  const [counts, goalOpenUntil] = await Promise.all([conversionCounts(campaignId, goal, now), goalWindowEnd(campaignId, goal)]);
  const steps = campaign.actions.map((step, i) => {
    const heldOutBefore = campaign.actions.slice(0, i).filter((s) => s.controlPercent > 0).map((s) => s.name);
    return stepResults({ ...step, heldOutBefore }, counts.get(step.id) ?? new Map(), goal.event !== null);
  });
  return {
    campaignId,
    goal,
    method: METHOD_STATEMENT,
    minUsersPerGroup: MIN_USERS_PER_GROUP,
    minConversionsPerGroup: MIN_CONVERSIONS_PER_GROUP,
    steps,
    goalOpenUntil: goalOpenUntil?.toISOString() ?? null,
    computedAt: now.toISOString(),
  };
}

// The last window to start: at the latest delivered webhook (a user's second delivery starts no window
// of theirs, so this may end late, never early) or a control user's assignment (which may lie ahead,
// a scheduled send's time). Two MAX reads on (campaignId, ...) indexes beside the table's aggregate.
async function goalWindowEnd(campaignId: string, goal: { event: string | null; windowHours: number }): Promise<Date | null> {
  if (!goal.event) return null;
  const [sent, held] = await Promise.all([
    // sentAt not null: the partial (campaignId, sentAt) index answers it in one probe on SQLite too
    db().delivery.aggregate({ where: { campaignId, state: "delivered", sentAt: { not: null } }, _max: { sentAt: true } }),
    db().controlGroupMember.aggregate({ where: { campaignId }, _max: { assignedAt: true } }),
  ]);
  const starts = [sent._max.sentAt, held._max.assignedAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
  return starts.length ? new Date(Math.max(...starts) + goal.windowHours * 3_600_000) : null;
}

/** `heldOutBefore`: the names of the earlier steps with a control group, whose users this step holds out too (core/plan.ts) */
type StepConfig = { id: string; name: string; controlPercent: number; variants: { name: string }[]; heldOutBefore: string[] };

/** "Control", or where its users were held out when earlier steps hold some out: "Control (held out here or at Welcome)". */
function controlLabel(step: StepConfig): string {
  const before = step.heldOutBefore;
  if (before.length === 0) return "Control";
  const at = before.length === 1 ? before[0]! : `${before.slice(0, -1).join(", ")} or ${before.at(-1)}`;
  return `Control (held out ${step.controlPercent > 0 ? "here or " : ""}at ${at})`;
}

// The groups the step is set up with (zeros until someone is reached), plus any its deliveries name
// that it no longer has (a variant removed after sending): A, B, ..., then control.
function stepResults(step: StepConfig, counts: Map<string, GroupCounts>, hasGoal: boolean): StepResults {
  const names = new Map<string, string>([["A", step.variants.length ? `A · ${step.name}` : step.name]]);
  step.variants.forEach((v, i) => names.set(variantKey(i + 1), `${variantKey(i + 1)} · ${v.name}`));
  const keys = new Set<string>(names.keys());
  // held out here, or at an earlier step (and so here too): the control group is this step's baseline
  if (step.controlPercent > 0 || step.heldOutBefore.length) keys.add(CONTROL);
  for (const key of counts.keys()) keys.add(key);
  const ordered = [...keys].sort((a, b) => (a === CONTROL ? 1 : b === CONTROL ? -1 : a.localeCompare(b)));
  const zero: GroupCounts = { reached: 0, delivered: 0, converted: 0 };
  const rows = ordered.map((key) => ({ key, ...(counts.get(key) ?? zero) }));
  const baseline = keys.has(CONTROL) ? CONTROL : rows.length > 1 ? "A" : null;
  const { stats, verdict } = compareGroups(
    rows.map((r) => ({ key: r.key, users: r.delivered, converted: r.converted })),
    hasGoal ? baseline : null,
  );
  const groups = rows.map((r): ResultGroup => {
    const s = stats.get(r.key)!;
    return {
      ...r,
      label: r.key === CONTROL ? controlLabel(step) : (names.get(r.key) ?? `${r.key} (removed)`),
      rate: hasGoal ? s.rate : null,
      interval: hasGoal ? s.interval : null,
      baseline: r.key === baseline,
      lift: s.comparison?.lift ?? null,
      pValue: s.comparison?.pValue ?? null,
      significant: s.comparison?.significant ?? false,
    };
  });
  return { actionId: step.id, name: step.name, baseline, groups, verdict: hasGoal ? verdict : { kind: "single" } };
}
