// Everything a batch of claimed deliveries needs to render, loaded with one query per table
// (users, actions, campaigns), not one per delivery; decrypted templates are cached per action
// version.
import type { Db } from "../../db";
import type { Action } from "../../db";
import { parseDeliveryRule, parseSubDelivery, type DeliveryRule, type SubDelivery } from "../core/rules";
import { capIsSet, frequencyCapSchema, type FrequencyCap } from "../core/frequency-cap";
import type { ClaimedDelivery } from "./claim";
import type { DeliveryDeps } from "../engine/deps";
import type { WebhookTemplate } from "../../webhooks/types";
import { usersById, type UserForPlanning } from "../../audience/users";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { awaitedSteps, chainStepLabels, type AwaitedStep } from "../../campaigns/awaited-steps";
import { attributesNeeded, mappingEntries, storedAttributeTemplate } from "../../campaigns/unknown-attributes";
import { lacksValue } from "../core/decide";
import { deliveredEarlierSteps, isUnfinished, undeliveredEarlierSteps, type DeliveredStep, type UndeliveredStep } from "./earlier-steps";

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
  /**
   * the rows of the batch that wait for an earlier step's delivery to the same user (awaited-steps.ts),
   * by delivery id: the first such step and its unfinished delivery
   */
  waitingFor: Map<string, EarlierStepWait>;
  /**
   * the rows of such a step not held, by delivery id: the earlier steps they read that saved nothing for
   * the same user (their delivery finished without being delivered; or, for a user lacking a value they
   * save, delivered without it or never planned), in step order (decide() fails, unsent, a row whose user
   * has no value of what such a step would have saved)
   */
  missedSteps: Map<string, EarlierStepMiss[]>;
  /** for a step others wait for (by its id), those steps' ids: its finished deliveries wake their held rows (earlier-step-wake.ts) */
  waitersOf: Map<string, string[]>;
  /** the steps (by id) timed from a user attribute an earlier step saves: timed from its value once they wait no more (decide.ts) */
  timedBy: Map<string, EarlierStepTiming>;
  /** the rows of such a step not held, by delivery id: what the earlier step its time comes from did for the same user and trigger */
  timingAnswers: Map<string, EarlierStepAnswer>;
  /** the install-wide frequency cap (null: none); the sends it counts are read as it is applied (frequency-cap-holds.ts) */
  cap: FrequencyCap | null;
  /** the step labels (by action id) of each campaign with more than one step (by campaign id): a chain the cap counts once (frequency-cap-holds.ts) */
  chainSteps: Map<string, Map<string, string>>;
};

/** A step's timing that reads `attribute`, which the earlier `step` (the last before it to save it) saves from its response. */
export type EarlierStepTiming = { step: AwaitedStep; attribute: string; subDelivery: SubDelivery };

/**
 * What the earlier step a row's timing reads (EarlierStepTiming) did for the same user and trigger (the
 * same chain), once finished: `state` of its delivery ("delivered", or finished without an answer:
 * failed, suppressed, cancelled; null: there is none); delivered, whether its answer saved the attribute
 * (`saved`) and when it was delivered (`at`). Only a value this chain's answer saved times the row (decide.ts).
 */
export type EarlierStepAnswer = { state: string | null; reason?: string | null; saved?: boolean; at?: Date | null };

/** An earlier step a claimed row waits for, and that step's unfinished delivery to the same user. */
export type EarlierStepWait = { step: AwaitedStep; delivery: UndeliveredStep };

/**
 * An earlier step a claimed row reads that saved nothing for its user: its delivery to the same user
 * finished in `state` (failed, suppressed, cancelled) without an answer; or "delivered" without a value
 * at the mapped path (`paths`: the step's path of each attribute it saves); or `state` null, there is no
 * such delivery (a webhook added in front of this one after the user was planned).
 */
export type EarlierStepMiss = { step: AwaitedStep; state: string | null; paths?: ReadonlyMap<string, string>; reason?: string | null };

export const FREQUENCY_CAP_SETTING = "frequencyCap";

type CampaignRow = { id: string; name: string; status: string; capExempt: boolean; startAt: Date | null; endAt: Date | null; deliveryRule: unknown };

export class BatchContextLoader {
  private templates = new Map<string, { version: string; template: WebhookTemplate | null; error: string | null }>();
  private capCache: { at: number; cap: FrequencyCap | null } | null = null;
  private rows: { fingerprint: string; actions: Action[]; campaigns: CampaignRow[]; chainSteps: Map<string, Map<string, string>>; awaits: Map<string, AwaitedStep[]>; waitersOf: Map<string, string[]>; timedBy: Map<string, EarlierStepTiming>; namedReads: Map<string, Set<string>>; paths: Map<string, Map<string, string>> } | null = null;

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
   * The batch's campaigns and all their actions (which earlier steps a step waits for reads its
   * campaign's other steps), read through Prisma only when one raw statement says one of
   * them changed (or appeared, or went) since the last batch: consecutive batches of a campaign
   * share them, and two Prisma queries per batch were a fifth of the engine thread's CPU. The
   * fingerprint is read before the rows, so a change between the two shows in the next batch's.
   */
  private async actionsAndCampaigns(campaignIds: string[], now: Date) {
    const p = new SqlParams();
    const sql =
      `SELECT 'a' AS "k", "id", "updatedAt" FROM ${tableName("Action")} WHERE ${p.among(`"campaignId"`, "text", campaignIds)}` +
      ` UNION ALL SELECT 'c' AS "k", "id", "updatedAt" FROM ${tableName("Campaign")} WHERE ${p.among(`"id"`, "text", campaignIds)}`;
    const rows = await rawDb(this.prisma).query<{ k: string; id: string; updatedAt: unknown }>(sql, p.values);
    const fingerprint = `${campaignIds.join(",")}|${rows.map((r) => `${r.k}:${r.id}:${String(r.updatedAt)}`).sort().join(",")}`;
    if (this.rows?.fingerprint === fingerprint) return this.rows;
    const [actions, campaigns] = await Promise.all([
      this.prisma.action.findMany({ where: { campaignId: { in: campaignIds } } }),
      this.prisma.campaign.findMany({ where: { id: { in: campaignIds } }, select: { id: true, name: true, status: true, capExempt: true, startAt: true, endAt: true, deliveryRule: true } }),
    ]);
    // read as sent: a secret header's value opened (the loaded template, cached per action version), so
    // a secret `Authorization: Bearer {{user.crmToken}}` waits for the step that maps crmToken
    const byId = new Map(actions.map((a) => [a.id, a]));
    const forWaiting = actions.map((a) => {
      const loaded = this.template(a, a.variantOfId ? byId.get(a.variantOfId) : undefined, now).template;
      return { ...a, template: loaded ?? storedAttributeTemplate(a) };
    });
    // the attributes each row's own templates show (a variant's its own): only those make a row fail when
    // the earlier step saved nothing; a read of the whole user ({{json this}}) waits but names none, and
    // one only tested ({{#if user.coupon}}…{{else}}none{{/if}}) is sent as the template says (the review)
    const namedReads = new Map(forWaiting.map((a) => [a.id, new Set(attributesNeeded(a.template))]));
    const awaits = new Map<string, AwaitedStep[]>();
    for (const campaignId of campaignIds) for (const [id, steps] of awaitedSteps(forWaiting.filter((a) => a.campaignId === campaignId))) awaits.set(id, steps);
    const waitersOf = new Map<string, string[]>();
    for (const [id, steps] of awaits) for (const step of steps) waitersOf.set(step.actionId, [...(waitersOf.get(step.actionId) ?? []), id]);
    // the last earlier step saving what a step's timing reads: the value the user has once it finished
    const timedBy = new Map<string, EarlierStepTiming>();
    for (const [id, steps] of awaits) {
      const step = steps.findLast((s) => s.timing !== undefined);
      if (step) timedBy.set(id, { step, attribute: step.timing!, subDelivery: parseSubDelivery(byId.get(id)?.subDelivery) });
    }
    // each awaited step's path of each attribute it saves (its own mapping, the one the engine applies,
    // before a variant's), for the sentence of a row whose user it delivered to without a value
    const paths = new Map<string, Map<string, string>>();
    for (const a of [...forWaiting].sort((x, y) => Number(!!x.variantOfId) - Number(!!y.variantOfId))) {
      const stepId = a.variantOfId ?? a.id;
      if (!waitersOf.has(stepId)) continue;
      const of = paths.get(stepId) ?? new Map<string, string>();
      for (const e of mappingEntries(a.responseMapping)) if (!of.has(e.attribute)) of.set(e.attribute, e.path);
      paths.set(stepId, of);
    }
    const chainSteps = new Map<string, Map<string, string>>();
    for (const campaignId of campaignIds) {
      const labels = chainStepLabels(actions.filter((a) => a.campaignId === campaignId));
      if (labels) chainSteps.set(campaignId, labels);
    }
    this.rows = { fingerprint, actions, campaigns, chainSteps, awaits, waitersOf, timedBy, namedReads, paths };
    return this.rows;
  }

  async load(batch: ClaimedDelivery[], now: Date): Promise<BatchContext> {
    const userIds = [...new Set(batch.map((d) => d.userId))];
    // the steps (retry policy, rate limit, timeout), the variants whose content is sent, and the steps they wait for
    const campaignIds = [...new Set(batch.map((d) => d.campaignId))];
    const [users, { actions, campaigns, chainSteps, awaits, waitersOf, timedBy, namedReads, paths }, cap] = await Promise.all([
      usersById(this.prisma, userIds),
      this.actionsAndCampaigns(campaignIds, now),
      this.frequencyCap(now.getTime()),
    ]);
    const { waitingFor, missedSteps, timingAnswers } = await this.earlierStepWaits(batch, awaits, users, namedReads, paths, timedBy);
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
      waitingFor,
      missedSteps,
      waitersOf,
      timedBy,
      timingAnswers,
      cap,
      chainSteps,
    };
  }

  /**
   * The rows of a step that waits for an earlier one whose delivery to the same user is not finished;
   * and, of the others, the earlier steps they read that saved nothing for the user. The others of such a
   * step have their users read again, after: an earlier step that finished since `users` was read saved
   * its answer on the user in the same transaction, and the read before it would send the value from
   * before (or find none, and fail the row). A row whose user has every value it names costs nothing
   * more; one lacking a value whose earlier delivery is not undelivered is asked about once more
   * (deliveredEarlierSteps, one statement for the batch): delivered without it, or no delivery at all.
   * A row of a step timed from what an earlier step saves (`timedBy`) is asked the same, for that step.
   */
  private async earlierStepWaits(batch: ClaimedDelivery[], awaits: Map<string, AwaitedStep[]>, users: Map<string, UserForPlanning>, namedReads: Map<string, Set<string>>, paths: Map<string, Map<string, string>>, timedBy: Map<string, EarlierStepTiming>) {
    const waitingFor = new Map<string, EarlierStepWait>();
    const missedSteps = new Map<string, EarlierStepMiss[]>();
    const timingAnswers = new Map<string, EarlierStepAnswer>();
    const dependent = batch.filter((d) => awaits.has(d.actionId));
    if (!dependent.length) return { waitingFor, missedSteps, timingAnswers };
    const earlierIds = [...new Set(dependent.flatMap((d) => awaits.get(d.actionId)!.map((s) => s.actionId)))];
    const undelivered = await undeliveredEarlierSteps(rawDb(this.prisma), dependent.map((d) => d.id), earlierIds);
    const proceeding: ClaimedDelivery[] = [];
    for (const d of dependent) {
      const open = (undelivered.get(d.id) ?? []).filter((o) => isUnfinished(o.state));
      // the first earlier step (in step order) still under way
      const step = awaits.get(d.actionId)!.find((s) => open.some((o) => o.actionId === s.actionId));
      if (step) waitingFor.set(d.id, { step, delivery: open.find((o) => o.actionId === step.actionId)! });
      else proceeding.push(d);
    }
    if (!proceeding.length) return { waitingFor, missedSteps, timingAnswers };
    for (const [id, user] of await usersById(this.prisma, [...new Set(proceeding.map((d) => d.userId))])) users.set(id, user);
    // per row, in step order: each step it reads and names (a variant that reads none of it, or reads the
    // whole user, is sent with what the user has), with its undelivered delivery if any
    const named = proceeding.map((d) => {
      const names = namedReads.get(d.variantActionId ?? d.actionId);
      const steps = awaits.get(d.actionId)!.flatMap((s) => {
        const attributes = s.attributes.filter((a) => names?.has(a));
        return attributes.length ? [{ step: { ...s, attributes }, undelivered: undelivered.get(d.id)?.find((o) => o.actionId === s.actionId) }] : [];
      });
      return { d, steps };
    });
    // a user lacking a value a step saves, whose delivery of it was not undelivered: delivered, or none
    const lacking = (d: ClaimedDelivery, s: AwaitedStep) => {
      const user = users.get(d.userId);
      return !!user && s.attributes.some((a) => lacksValue(user, a));
    };
    const asked = named.filter(({ d, steps }) => steps.some((s) => !s.undelivered && lacking(d, s.step)));
    // a timed row whose earlier step did not finish undelivered: what that step's answer saved, and when
    const timedOf = (d: ClaimedDelivery) => timedBy.get(d.actionId);
    const timedAsked = proceeding.filter((d) => timedOf(d) && !undelivered.get(d.id)?.some((o) => o.actionId === timedOf(d)!.step.actionId));
    const askedIds = [...new Set([...asked.map((r) => r.d.id), ...timedAsked.map((d) => d.id)])];
    const askedSteps = [...new Set([...asked.flatMap((r) => r.steps.map((s) => s.step.actionId)), ...timedAsked.map((d) => timedOf(d)!.step.actionId)])];
    const delivered = askedIds.length ? await deliveredEarlierSteps(rawDb(this.prisma), askedIds, askedSteps) : new Map<string, Map<string, DeliveredStep>>();
    for (const d of proceeding) {
      const timing = timedOf(d);
      if (!timing) continue;
      const o = undelivered.get(d.id)?.find((u) => u.actionId === timing.step.actionId);
      const answer = delivered.get(d.id)?.get(timing.step.actionId);
      timingAnswers.set(d.id, o ? { state: o.state, reason: o.reason } : answer ? { state: "delivered", saved: answer.saved.includes(timing.attribute), at: answer.sentAt } : { state: null });
    }
    for (const { d, steps } of named) {
      const missed = steps.flatMap(({ step, undelivered: o }): EarlierStepMiss[] => {
        if (o) return [{ step, state: o.state, reason: o.reason }];
        if (!lacking(d, step)) return [];
        return delivered.get(d.id)?.has(step.actionId) ? [{ step, state: "delivered", paths: paths.get(step.actionId) }] : [{ step, state: null }];
      });
      if (missed.length) missedSteps.set(d.id, missed);
    }
    return { waitingFor, missedSteps, timingAnswers };
  }
}
