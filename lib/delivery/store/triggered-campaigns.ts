// Which active triggered campaigns an event name starts, read for every batch of tracked events.
// Loading and parsing them (campaigns, actions, rules, segments) is kept per process and reused
// while a one-statement fingerprint of the active campaigns (ids, updatedAt, their actions' count
// and latest updatedAt) is unchanged; any activation, pause, finish or edit, from any process,
// changes it. Both are raw SQL on the database's own handle (lib/db/raw.ts): a Prisma query costs
// its compiler on the event loop.
import type { Db } from "../../db";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { jsonOf, nullableDateOf, SqlParams } from "../../db/raw-sql";
import { planSteps, type PlanAction, type StepRow } from "../core/plan";
import { parseDeliveryRule, type DeliveryRule } from "../core/rules";
import { parseSegment, type Segment } from "../../audience/segment";

export type TriggeredCampaign = {
  campaign: { id: string; startAt: Date | null; endAt: Date | null };
  rule: Extract<DeliveryRule, { when: "triggered" }>;
  segment: Segment | null;
  actions: PlanAction[];
};

type Loaded = { fingerprint: string; loadedAt: number; byEvent: Map<string, TriggeredCampaign[]> };

// A backstop only: the fingerprint catches every change made through the app.
const MAX_AGE_MS = 60_000;
const loaded = new WeakMap<Db, Loaded>();

function fingerprintSql(): string {
  const campaign = tableName("Campaign");
  const action = tableName("Action");
  return (
    `SELECT c."id" AS "id", c."updatedAt" AS "at", ` +
    `(SELECT COUNT(*) FROM ${action} a WHERE a."campaignId" = c."id") AS "actions", ` +
    `(SELECT MAX(a."updatedAt") FROM ${action} a WHERE a."campaignId" = c."id") AS "actionsAt" ` +
    `FROM ${campaign} c WHERE c."status" = 'active' ORDER BY c."id"`
  );
}

const stamp = (v: unknown) => (v instanceof Date ? v.getTime() : String(v ?? ""));

async function fingerprint(prisma: Db): Promise<string> {
  const rows = await rawDb(prisma).query<{ id: string; at: unknown; actions: unknown; actionsAt: unknown }>(fingerprintSql(), []);
  return rows.map((r) => `${r.id}@${stamp(r.at)}/${String(r.actions)}@${stamp(r.actionsAt)}`).join(",");
}

type CampaignRow = { id: string; deliveryRule: unknown; audience: unknown; startAt: Date | null; endAt: Date | null; actions: StepRow[] };

/** The active campaigns (or the one named, whatever its status) with their actions in order, in one statement (so one consistent view). */
async function campaignRows(prisma: Db, onlyId?: string): Promise<CampaignRow[]> {
  const p = new SqlParams();
  const sql =
    `SELECT c."id" AS "id", c."deliveryRule" AS "deliveryRule", c."audience" AS "audience", c."startAt" AS "startAt", c."endAt" AS "endAt", ` +
    `a."id" AS "actionId", a."subDelivery" AS "subDelivery", a."variantOfId" AS "variantOfId", a."splitPercent" AS "splitPercent", ` +
    `a."controlPercent" AS "controlPercent", a."position" AS "position", a."responseMapping" AS "responseMapping" ` +
    `FROM ${tableName("Campaign")} c LEFT JOIN ${tableName("Action")} a ON a."campaignId" = c."id" ` +
    `WHERE ${onlyId === undefined ? `c."status" = 'active'` : `c."id" = ${p.add("text", onlyId)}`} ORDER BY c."id", a."position", a."id"`;
  const rows = await rawDb(prisma).query<{
    id: string; deliveryRule: unknown; audience: unknown; startAt: unknown; endAt: unknown; actionId: string | null; subDelivery: unknown;
    variantOfId: string | null; splitPercent: unknown; controlPercent: unknown; position: unknown; responseMapping: unknown;
  }>(sql, p.values);
  const campaigns = new Map<string, CampaignRow>();
  for (const r of rows) {
    let c = campaigns.get(r.id);
    if (!c) {
      c = { id: r.id, deliveryRule: jsonOf(r.deliveryRule), audience: jsonOf(r.audience), startAt: nullableDateOf(r.startAt), endAt: nullableDateOf(r.endAt), actions: [] };
      campaigns.set(r.id, c);
    }
    if (r.actionId !== null) {
      c.actions.push({
        id: r.actionId, subDelivery: jsonOf(r.subDelivery), variantOfId: r.variantOfId, responseMapping: jsonOf(r.responseMapping),
        splitPercent: Number(r.splitPercent), controlPercent: Number(r.controlPercent), position: Number(r.position),
      });
    }
  }
  return [...campaigns.values()];
}

/** A campaign row as the trigger planner reads it, or null when it is not triggered (or cannot be read: it starts nothing). */
function triggeredOf(c: CampaignRow): TriggeredCampaign | null {
  try {
    const rule = parseDeliveryRule(c.deliveryRule);
    if (rule.when !== "triggered") return null;
    return { campaign: { id: c.id, startAt: c.startAt, endAt: c.endAt }, rule, segment: parseSegment(c.audience), actions: planSteps(c.actions) };
  } catch {
    return null;
  }
}

async function load(prisma: Db): Promise<Map<string, TriggeredCampaign[]>> {
  const byEvent = new Map<string, TriggeredCampaign[]>();
  for (const c of await campaignRows(prisma)) {
    const entry = triggeredOf(c);
    if (!entry) continue;
    const list = byEvent.get(entry.rule.event) ?? [];
    list.push(entry);
    byEvent.set(entry.rule.event, list);
  }
  return byEvent;
}

/** One campaign as the trigger planner reads it, whatever its status (a paused one catching up), or null when it is not triggered. */
export async function triggeredCampaign(prisma: Db, campaignId: string): Promise<TriggeredCampaign | null> {
  const [row] = await campaignRows(prisma, campaignId);
  return row ? triggeredOf(row) : null;
}

/** The active triggered campaigns by the event name that starts them. */
export async function triggeredCampaignsByEvent(prisma: Db, now = Date.now()): Promise<Map<string, TriggeredCampaign[]>> {
  const current = await fingerprint(prisma);
  const cached = loaded.get(prisma);
  if (cached && cached.fingerprint === current && now - cached.loadedAt < MAX_AGE_MS) return cached.byEvent;
  // The fingerprint was read first, so what loads is at least as new as it: a change in between
  // only makes the next batch load again.
  const byEvent = await load(prisma);
  loaded.set(prisma, { fingerprint: current, loadedAt: now, byEvent });
  return byEvent;
}
