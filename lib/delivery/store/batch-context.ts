// Everything a batch of claimed deliveries needs to render, loaded with one query per table
// (users, actions, campaigns), not one per delivery; decrypted templates are cached per action
// version.
import type { Db } from "../../db";
import type { Action } from "../../db";
import { parseDeliveryRule, type DeliveryRule } from "../core/rules";
import { capIsSet, frequencyCapSchema, type FrequencyCap } from "../core/frequency-cap";
import type { ClaimedDelivery } from "./claim";
import type { DeliveryDeps } from "../engine/deps";
import type { WebhookTemplate } from "../../webhooks/types";
import { usersById, type UserForPlanning } from "../../audience/users";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";

export type BatchCampaign = {
  id: string;
  name: string;
  status: string;
  capExempt: boolean;
  startAt: Date | null;
  endAt: Date | null;
  rule: DeliveryRule | null;
};

export type BatchContext = {
  users: Map<string, UserForPlanning>;
  actions: Map<string, { action: Action; template: WebhookTemplate | null; templateError: string | null }>;
  campaigns: Map<string, BatchCampaign>;
  /** the install-wide frequency cap (null: none); the sends it counts are read as it is applied (frequency-cap-holds.ts) */
  cap: FrequencyCap | null;
};

export const FREQUENCY_CAP_SETTING = "frequencyCap";

type CampaignRow = { id: string; name: string; status: string; capExempt: boolean; startAt: Date | null; endAt: Date | null; deliveryRule: unknown };

export class BatchContextLoader {
  private templates = new Map<string, { version: string; template: WebhookTemplate | null; error: string | null }>();
  private capCache: { at: number; cap: FrequencyCap | null } | null = null;
  private rows: { fingerprint: string; actions: Action[]; campaigns: CampaignRow[] } | null = null;

  constructor(private prisma: Db, private deps: DeliveryDeps) {}

  private async frequencyCap(now: number): Promise<FrequencyCap | null> {
    if (this.capCache && now - this.capCache.at < 10_000) return this.capCache.cap;
    const row = await this.prisma.setting.findUnique({ where: { key: FREQUENCY_CAP_SETTING } });
    let cap: FrequencyCap | null = null;
    if (row) {
      const parsed = frequencyCapSchema.safeParse(JSON.parse(row.value));
      cap = parsed.success && capIsSet(parsed.data) ? parsed.data : null;
    }
    this.capCache = { at: now, cap };
    return cap;
  }

  /** `step`: a variant's step, whose signing secret signs it (a new secret there is a new version here too). */
  private template(action: Action, step: Action | undefined, now: Date) {
    const version = `${action.updatedAt.getTime()}:${step?.updatedAt.getTime() ?? ""}`;
    const cached = this.templates.get(action.id);
    if (cached && cached.version === version) return cached;
    let entry: { version: string; template: WebhookTemplate | null; error: string | null };
    try {
      entry = { version, template: this.deps.loadTemplate(action, now, step), error: null };
    } catch (err) {
      entry = { version, template: null, error: `Could not load the webhook: ${(err as Error).message}` };
    }
    this.templates.set(action.id, entry);
    return entry;
  }

  /**
   * The batch's actions and campaigns, read through Prisma only when one raw statement says one of
   * them changed (or appeared, or went) since the last batch: consecutive batches of a campaign
   * share them, and two Prisma queries per batch were a fifth of the engine thread's CPU. The
   * fingerprint is read before the rows, so a change between the two shows in the next batch's.
   */
  private async actionsAndCampaigns(actionIds: string[], campaignIds: string[]) {
    const p = new SqlParams();
    const sql =
      `SELECT 'a' AS "k", "id", "updatedAt" FROM ${tableName("Action")} WHERE ${p.among(`"id"`, "text", actionIds)}` +
      ` UNION ALL SELECT 'c' AS "k", "id", "updatedAt" FROM ${tableName("Campaign")} WHERE ${p.among(`"id"`, "text", campaignIds)}`;
    const rows = await rawDb(this.prisma).query<{ k: string; id: string; updatedAt: unknown }>(sql, p.values);
    const fingerprint = `${actionIds.join(",")}|${campaignIds.join(",")}|${rows.map((r) => `${r.k}:${r.id}:${String(r.updatedAt)}`).sort().join(",")}`;
    if (this.rows?.fingerprint === fingerprint) return this.rows;
    const [actions, campaigns] = await Promise.all([
      this.prisma.action.findMany({ where: { id: { in: actionIds } } }),
      this.prisma.campaign.findMany({ where: { id: { in: campaignIds } }, select: { id: true, name: true, status: true, capExempt: true, startAt: true, endAt: true, deliveryRule: true } }),
    ]);
    this.rows = { fingerprint, actions, campaigns };
    return this.rows;
  }

  async load(batch: ClaimedDelivery[], now: Date): Promise<BatchContext> {
    const userIds = [...new Set(batch.map((d) => d.userId))];
    // the steps (retry policy, rate limit, timeout) and the variants whose content is sent
    const actionIds = [...new Set(batch.flatMap((d) => (d.variantActionId ? [d.actionId, d.variantActionId] : [d.actionId])))];
    const campaignIds = [...new Set(batch.map((d) => d.campaignId))];
    const [users, { actions, campaigns }, cap] = await Promise.all([
      usersById(this.prisma, userIds),
      this.actionsAndCampaigns(actionIds, campaignIds),
      this.frequencyCap(now.getTime()),
    ]);
    const campaignMap = new Map<string, BatchCampaign>();
    for (const c of campaigns) {
      let rule: DeliveryRule | null = null;
      try {
        rule = parseDeliveryRule(c.deliveryRule);
      } catch {
        rule = null;
      }
      campaignMap.set(c.id, { ...c, rule });
    }
    const byId = new Map(actions.map((a) => [a.id, a]));
    return {
      users,
      actions: new Map(actions.map((a) => {
        // a variant's step is in the batch too: every delivery of a variant names its step (actionId)
        const t = this.template(a, a.variantOfId ? byId.get(a.variantOfId) : undefined, now);
        return [a.id, { action: a, template: t.template, templateError: t.error }];
      })),
      campaigns: campaignMap,
      cap,
    };
  }
}
