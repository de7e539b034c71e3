// Which active triggered campaigns an event name starts, read for every batch of tracked events.
// Loading and parsing them (campaigns, actions, rules, segments) is kept per process and reused
// while a one-statement fingerprint of the active campaigns (ids, updatedAt, their actions' count
// and latest updatedAt) is unchanged; any activation, pause, finish or edit, from any process,
// changes it. The fingerprint is raw SQL on the database's own handle (lib/db/raw.ts): a Prisma
// query costs its compiler on the event loop.
import type { Db } from "../db";
import { rawDb } from "../db/raw";
import { tableName } from "../delivery/bulk-insert";
import type { PlanAction } from "../delivery/plan";
import { parseDeliveryRule, parseSubDelivery, type DeliveryRule } from "../delivery/rules";
import { parseSegment, type Segment } from "./segment";

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

async function load(prisma: Db): Promise<Map<string, TriggeredCampaign[]>> {
  const campaigns = await prisma.campaign.findMany({
    where: { status: "active" },
    include: { actions: { orderBy: { position: "asc" }, select: { id: true, subDelivery: true } } },
  });
  const byEvent = new Map<string, TriggeredCampaign[]>();
  for (const c of campaigns) {
    let entry: TriggeredCampaign;
    try {
      const rule = parseDeliveryRule(c.deliveryRule);
      if (rule.when !== "triggered") continue;
      const actions = c.actions.map((a) => ({ id: a.id, subDelivery: parseSubDelivery(a.subDelivery) }));
      entry = { campaign: { id: c.id, startAt: c.startAt, endAt: c.endAt }, rule, segment: parseSegment(c.audience), actions };
    } catch {
      // a campaign whose stored rule or audience cannot be read starts nothing
      continue;
    }
    const list = byEvent.get(entry.rule.event) ?? [];
    list.push(entry);
    byEvent.set(entry.rule.event, list);
  }
  return byEvent;
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
