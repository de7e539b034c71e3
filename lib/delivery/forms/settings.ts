// The Delivery section's settings as one value: the campaign's rule, each action's sub-delivery,
// start and end dates, cap exemption. Saved only while the campaign is not active.
import { DateTime } from "luxon";
import { z } from "zod";
import { db } from "../../db";
import type { Action, Campaign, Prisma } from "../../db";
import { deliveryRuleSchema, parseDeliveryRule, parseSubDelivery, RATE_LIMIT_AT_MOST, RATE_LIMIT_WHOLE, subDeliverySchema, type DeliveryRule, type SubDelivery } from "../core/rules";
import { recordAudit } from "../../auth/audit";
import { AccessError } from "../../auth/guard";
import { mayChangeCapExempt, type MemberRole } from "../../auth/roles";
import { CAP_EXEMPT_ADMIN_ONLY } from "./cap-exempt";
import { PAUSED_PLANNED_SEND, PAUSED_TIMING_ADVICE, PAUSED_TIMING_PLANNED, pausedKeepsTiming } from "./paused-timing";
import { cronProblem, endsOnPassed, ENDS_ON_PASSED, nextOccurrence, pendingRunAfterChange } from "../core/schedule-time";
import { RETRY_POLICIES } from "../core/retry-policy";
import { parseSegment, segmentSchema, type Segment } from "../../audience/segment";
import { transaction, type Tx } from "../../db/transaction";
import { missedWhilePaused } from "../triggers";
import { NEXT_SEND_FIELDS, nextSendOf } from "../store/next-send";
import { lockRowForUpdate } from "../../db/row-locks";
import { parseIsoDateInput } from "../../date-input";
import { isStale, nextVersions, versionHeldNext, type VersionCheck, type VersionedChanges } from "../../campaigns/campaign-version";
import { conflictOf } from "../../campaigns/campaign-conflict";
import { latestOccurrenceAt, replanWaitingOccurrences } from "../store/replan-occurrences";

const EARLIEST_DATE = Date.UTC(1970, 0, 1);
const LATEST_DATE = Date.UTC(10000, 0, 1);

const optionalDate = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (!v) return null;
    // ISO-8601 only, in UTC unless it says otherwise (the Delivery section sends its start and end so, read in the zone chosen on the form): Date.parse
    // took "2027-02-30" for 2 March, "1" for 2001, and a time without a zone in the server's own zone
    const parsed = parseIsoDateInput(v);
    if (!parsed) {
      ctx.addIssue({ code: "custom", message: "Not an ISO-8601 date (2027-01-31, or 2027-01-31T09:00:00Z)" });
      return z.NEVER;
    }
    const t = parsed.getTime();
    // JavaScript dates reach 275,760 years either way; the databases do not (a write would fail)
    if (t < EARLIEST_DATE || t >= LATEST_DATE) {
      ctx.addIssue({ code: "custom", message: "Choose a date between the years 1970 and 9999" });
      return z.NEVER;
    }
    return new Date(t);
  })
  .nullish();

export const deliverySettingsSchema = z
  .object({
    rule: deliveryRuleSchema,
    actions: z
      .array(
        z
          .object({
            id: z.string().min(1),
            subDelivery: subDeliverySchema,
            retryPolicy: z.enum(RETRY_POLICIES, { error: "Choose one of the retry policies in the list" }).optional(),
            rateLimitPerSecond: z
              .number({ error: RATE_LIMIT_WHOLE })
              .int({ error: RATE_LIMIT_WHOLE })
              .min(1, { error: RATE_LIMIT_WHOLE })
              .max(100000, { error: RATE_LIMIT_AT_MOST })
              .nullish(),
          })
          .strict(),
      )
      .max(50)
      // left out: each webhook keeps its own (the API may set only the campaign's rule)
      .default([]),
    startAt: optionalDate,
    endAt: optionalDate,
    capExempt: z.boolean().optional(),
    /** null = everyone */
    audience: segmentSchema.nullish(),
  })
  .strict()
  .refine((s) => !s.startAt || !s.endAt || s.startAt < s.endAt, { path: ["endAt"], message: "The end must be after the start" })
  // checked when saved, not in the rule's own schema, which also reads stored rules: one saved before
  // this check must stay readable (activation refuses it, lib/delivery/store/lifecycle.ts)
  .superRefine((s, ctx) => {
    if (s.rule.when !== "recurring" || s.rule.frequency !== "cron" || !s.rule.cron) return;
    const problem = cronProblem(s.rule.cron);
    if (problem) ctx.addIssue({ code: "custom", path: ["rule", "cron"], message: problem });
  });
export type DeliverySettings = z.infer<typeof deliverySettingsSchema>;

export type DeliverySettingsSaved =
  /**
   * `version`: the campaign's, as this save left it; `changed`: what of its versioned state it changed;
   * `held`: the version the tab that sent `check.version` holds next (versionHeldNext: the new one when
   * it held the stored one, its own otherwise), as after a Save or a webhook's delete; `contentVersion`:
   * the campaign's before and after this save (Activate weighs its dry run's sample verdict at the one before)
   */
  | { ok: true; version: number; changed: VersionedChanges; held: number; contentVersion: { from: number; to: number } }
  | { ok: false; problem: "not_found"; message: string }
  | { ok: false; problem: "active"; message: string }
  | { ok: false; problem: "finished"; message: string }
  /** a change a paused campaign cannot take (pausedChangeProblem), at the field `path` names ("rule.sendAt", "audience", "actions.0.subDelivery"): nothing of the settings is saved */
  | { ok: false; problem: "paused"; message: string; path: string }
  /** `path` names the settings field ("actions.1.id") */
  | { ok: false; problem: "unknown_action"; message: string; path: string }
  /** a draft's recurring end date already past (ENDS_ON_PASSED), at `path` "rule.endsOn" */
  | { ok: false; problem: "ended"; message: string; path: string };

type WriteOptions = {
  /** who saves (an email, or an API key's name): a change is audited as campaign.delivery_changed */
  actor?: string;
  /** their role: only an admin may change the cap exemption; left out, treated as an editor's */
  role?: MemberRole;
  /** "refuse": a webhook id that is not one of the campaign's (variants excluded) saves nothing. The
   *  editor's form may still hold a webhook deleted meanwhile, so it ignores them (the default). */
  unknownActions?: "ignore" | "refuse";
  /** the clock a draft's end date is judged by */
  now?: Date;
  /**
   * false: the change does not move the campaign's version here: the caller moves it once for its whole
   * save (saveCampaign, from `changed`). Default: any change moves it (the cap exemption alone moves
   * `version` only: campaign-version.ts, so the dry run's sample verdict, keyed on `contentVersion`,
   * still stands after Activate's save of an exemption alone).
   */
  moveVersion?: boolean;
  /**
   * What the save was made from (the editor's loaded `version`, the API's If-Match): a campaign changed
   * since is refused with CampaignConflictError and nothing is written (isStale, which also weighs the
   * exemption these settings write). Left out: the last write wins.
   */
  check?: Pick<VersionCheck, "version" | "ifMatch">;
};

/**
 * The campaign's columns as these settings set them: what a save writes, and what Activate's dry run
 * (checkActivation) reads in place of the stored ones. A setting left out keeps its column.
 */
export function campaignColumnsOf(settings: DeliverySettings) {
  return {
    deliveryRule: settings.rule as Prisma.InputJsonValue,
    ...(settings.startAt !== undefined ? { startAt: settings.startAt } : {}),
    ...(settings.endAt !== undefined ? { endAt: settings.endAt } : {}),
    ...(settings.capExempt !== undefined ? { capExempt: settings.capExempt } : {}),
    ...(settings.audience !== undefined
      ? // no conditions = everyone (stored as an empty segment rather than a JSON null)
        { audience: (settings.audience ?? { match: "all", conditions: [] }) as Prisma.InputJsonValue }
      : {}),
  };
}

/** One webhook's columns as its entry in the settings sets them (see campaignColumnsOf). */
export function actionColumnsOf(a: DeliverySettings["actions"][number]) {
  return {
    subDelivery: a.subDelivery as Prisma.InputJsonValue,
    ...(a.retryPolicy ? { retryPolicy: a.retryPolicy } : {}),
    ...(a.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: a.rateLimitPerSecond } : {}),
  };
}

export async function saveDeliverySettings(campaignId: string, settings: DeliverySettings, options: WriteOptions = {}): Promise<DeliverySettingsSaved> {
  return transaction((tx) => writeDeliverySettings(tx, campaignId, settings, options));
}

/** saveDeliverySettings inside a transaction of the caller's (the campaign page's one Save writes both in one). */
export async function writeDeliverySettings(tx: Tx, campaignId: string, settings: DeliverySettings, options: WriteOptions = {}): Promise<DeliverySettingsSaved> {
  // an activation committing between this read and the write below would otherwise get its settings
  // changed while active (PostgreSQL); its own claim waits for this write and sees it
  await lockRowForUpdate(tx, "Campaign", campaignId);
  const campaign = await tx.campaign.findUnique({
    where: { id: campaignId },
    select: {
      status: true,
      deliveryRule: true,
      audience: true,
      startAt: true,
      endAt: true,
      capExempt: true,
      nextRunAt: true,
      occurrences: true,
      version: true,
      contentVersion: true,
      updatedAt: true,
      actions: { where: { variantOfId: null }, select: { id: true, subDelivery: true, retryPolicy: true, rateLimitPerSecond: true } },
    },
  });
  if (!campaign) return { ok: false, problem: "not_found", message: "This campaign no longer exists." };
  if (options.check && isStale({ ...options.check, capExempt: settings.capExempt }, campaign)) throw await conflictOf(tx, { id: campaignId, ...campaign });
  // thrown, not returned: the campaign page's one Save and a create with settings keep nothing of it
  if (settings.capExempt !== undefined && settings.capExempt !== campaign.capExempt && !mayChangeCapExempt(options.role ?? "editor")) {
    throw new AccessError(403, `capExempt: ${CAP_EXEMPT_ADMIN_ONLY}; send it unchanged (${campaign.capExempt}) or leave it out`, "capExempt");
  }
  if (campaign.status === "active") return { ok: false, problem: "active", message: "Pause the campaign before changing how it delivers." };
  // as the Delivery section locks it: a retry by hand reopens a finished campaign, and would then
  // send by whatever rule it was given (a triggered one, say) without an activation's checks
  if (campaign.status === "finished") return { ok: false, problem: "finished", message: "The campaign has finished: duplicate it to send it again." };
  if (campaign.status === "paused") {
    const problem = pausedChangeProblem(campaign, settings);
    if (problem) return { ok: false, problem: "paused", ...problem };
  }
  // a draft only: it would activate into no run at all. A paused one past its end may still change
  // what waits (retries, rate limits), and its clock is the campaign's, not this one's to judge
  if (campaign.status === "draft" && settings.rule.when === "recurring" && endsOnPassed(settings.rule, options.now ?? new Date()))
    return { ok: false, problem: "ended", path: "rule.endsOn", message: ENDS_ON_PASSED };
  if (options.unknownActions === "refuse") {
    const known = new Set(campaign.actions.map((a) => a.id));
    const i = settings.actions.findIndex((a) => !known.has(a.id));
    if (i >= 0) return { ok: false, problem: "unknown_action", path: `actions.${i}.id`, message: `This campaign has no webhook with id ${JSON.stringify(settings.actions[i]!.id)}` };
  }
  await tx.campaign.update({
    where: { id: campaignId },
    data: {
      ...campaignColumnsOf(settings),
      ...(campaign.nextRunAt ? { nextRunAt: nextRunUnder({ ...campaign, nextRunAt: campaign.nextRunAt }, settings) } : {}),
    },
  });
  const changed = changedSettings(campaign, settings);
  // any change moves the version: a tab or an If-Match from before is then refused, not written over it
  // (campaign-version.ts; the editor's one Save sends the settings it loaded). The cap exemption alone
  // moves `version` only: an editor's tab, whose save leaves it out, is no conflict for it
  const versioned: VersionedChanges = { content: changed.some((c) => c !== "capExempt"), goal: false, capExempt: changed.includes("capExempt") };
  const bump = options.moveVersion !== false ? nextVersions(campaign, versioned) : null;
  if (bump) await tx.campaign.update({ where: { id: campaignId }, data: bump });
  // in the same transaction as the change: the editor's Save, its Delivery section and the API alike
  if (changed.length) await recordAudit({ actor: options.actor ?? "system", action: "campaign.delivery_changed", target: campaignId, details: { when: settings.rule.when, changed } }, tx);
  for (const a of settings.actions) {
    await tx.action.updateMany({ where: { id: a.id, campaignId }, data: actionColumnsOf(a) });
  }
  // a webhook's new timing applies to what a recurring campaign's runs planned and still waits, as a new rule does
  if (campaign.status === "paused" && (changed.includes("rule") || changed.includes("startAt") || timingChanged(campaign.actions, settings).length)) {
    await replanPaused(tx, campaignId, campaign, settings);
  }
  const version = bump?.version ?? campaign.version;
  const contentVersion = { from: campaign.contentVersion, to: bump?.contentVersion ?? campaign.contentVersion };
  // the exemption as this save left it: the one the tab's box sent, if it sent one
  const tab = { version: options.check?.version, role: options.role ?? "editor", capExempt: settings.capExempt };
  const held = versionHeldNext(tab, { ...campaign, capExempt: settings.capExempt ?? campaign.capExempt }, version);
  return { ok: true, version, changed: versioned, held, contentVersion };
}

/**
 * A paused recurring campaign's new rule, start date or webhook timing applies to what its occurrences planned before
 * the pause and still waits, as to its pending run (replanWaitingOccurrences); an occurrence left with
 * nothing no longer counts, and the pending run is worked out again with the count that remains. One
 * whose runs had been used up (no pending run) is given the run the new rule has after its latest,
 * when it has one: a place freed by a dropped run, or a higher number of runs (or a later end).
 */
async function replanPaused(
  tx: Tx,
  campaignId: string,
  stored: { deliveryRule: unknown; nextRunAt: Date | null; occurrences: number; startAt: Date | null; endAt: Date | null },
  settings: DeliverySettings,
) {
  const rule = settings.rule;
  if (rule.when !== "recurring") return;
  let before: DeliveryRule | null = null;
  try {
    before = parseDeliveryRule(stored.deliveryRule);
  } catch {
    // unreadable: its runs are judged by the new rule alone
  }
  const startAt = settings.startAt !== undefined ? settings.startAt : stored.startAt;
  const endAt = settings.endAt !== undefined ? settings.endAt : stored.endAt;
  const change = { before: before?.when === "recurring" ? before : null, rule, startAt, endAt };
  // no pending run: its occurrences were used up (or it ended); read before its keys are moved
  const latest = stored.nextRunAt ? null : await latestOccurrenceAt(tx, campaignId);
  const { occurrencesDropped } = await replanWaitingOccurrences(tx, campaignId, change, new Date());
  // a pending run was worked out with the count as it was (writeDeliverySettings): again only when it fell
  if (stored.nextRunAt && !occurrencesDropped) return;
  const occurrences = Math.max(0, stored.occurrences - occurrencesDropped);
  // none pending: the run the stored rule would have had after its latest, had it not been the last,
  // is the pending one the new rule's run is worked out from (nextRunUnder, with its number of runs
  // and end date), as for a pending run
  const pending = stored.nextRunAt ?? (latest && nextOccurrence({ ...(change.before ?? rule), maxOccurrences: undefined, endsOn: undefined }, latest));
  await tx.campaign.update({
    where: { id: campaignId },
    data: { occurrences, ...(pending ? { nextRunAt: nextRunUnder({ ...stored, nextRunAt: pending, occurrences }, settings) } : {}) },
  });
}

/**
 * The campaign's webhooks (of `stored`) whose timing (sub-delivery) the settings change: a delay of 0
 * is "at once" (the editor sends it so), so an unchanged save is not taken for a new timing.
 */
function timingChanged(stored: { id: string; subDelivery: unknown }[], settings: DeliverySettings): string[] {
  const timing = (sub: SubDelivery) => JSON.stringify(sub.kind === "delay" && sub.seconds === 0 ? { kind: "immediate" } : sub);
  return settings.actions.flatMap((a) => {
    const was = stored.find((s) => s.id === a.id);
    return was && timing(parseSubDelivery(was.subDelivery)) !== timing(a.subDelivery) ? [a.id] : [];
  });
}

/** The settings that differ from what is stored ("rule", "audience", "startAt", "actions.<id>"…), for the audit. */
function changedSettings(
  stored: { deliveryRule: unknown; audience: unknown; startAt: Date | null; endAt: Date | null; capExempt: boolean; actions: { id: string; subDelivery: unknown; retryPolicy: string; rateLimitPerSecond: number | null }[] },
  settings: DeliverySettings,
): string[] {
  // as values, not texts: a stored rule without `quietHours` and the form's `quietHours: null` are one rule
  // (a change here is audited and moves the campaign's version)
  const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
  const changed: string[] = [];
  let rule: unknown = stored.deliveryRule;
  try {
    rule = parseDeliveryRule(stored.deliveryRule);
  } catch {
    // unreadable before: any rule is a change
  }
  if (!same(rule, settings.rule)) changed.push("rule");
  if (audienceChanged(stored.audience, settings)) changed.push("audience");
  if (settings.startAt !== undefined && stored.startAt?.getTime() !== settings.startAt?.getTime()) changed.push("startAt");
  if (settings.endAt !== undefined && stored.endAt?.getTime() !== settings.endAt?.getTime()) changed.push("endAt");
  if (settings.capExempt !== undefined && settings.capExempt !== stored.capExempt) changed.push("capExempt");
  for (const a of settings.actions) {
    const was = stored.actions.find((s) => s.id === a.id);
    if (!was) continue;
    const differs =
      !same(parseSubDelivery(was.subDelivery), a.subDelivery) ||
      (a.retryPolicy !== undefined && a.retryPolicy !== was.retryPolicy) ||
      (a.rateLimitPerSecond !== undefined && (a.rateLimitPerSecond ?? null) !== was.rateLimitPerSecond);
    if (differs) changed.push(`actions.${a.id}`);
  }
  return changed;
}

/** A JSON value with its object keys sorted and null or undefined members left out. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (!value || typeof value !== "object") return value ?? null;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== null && member !== undefined) out[key] = canonical(member);
  }
  return out;
}

const RULE_KINDS = { immediate: "at once", scheduled: "at a date and time", triggered: "on an event", recurring: "recurring" } as const;

/**
 * Why a paused campaign cannot take these settings, if it cannot. It was activated by its rule's
 * kind (a one-off fan-out, an event, occurrences), so another kind would leave it half one and half
 * the other (triggered to "at once" resumed and planned nothing). An "at once" or "at a date" one
 * planned all its deliveries, each at its webhook's timing, when activated: a new time, audience or
 * webhook timing would change none of them, and saying it was saved would be a lie. Its webhooks'
 * retries and rate limits, its dates (decide() holds what waits until the start, and suppresses it
 * after the end) and quiet hours still apply to what waits; a recurring one's waiting runs are
 * re-planned for a new rule, start date or timing (replanPaused). The refusal names its field, and
 * none of the settings is saved: a rate limit typed beside a new send time is not kept while the
 * time is thrown away (the editor keeps both on screen, unsaved, with the error at the time).
 */
export function pausedChangeProblem(
  stored: { deliveryRule: unknown; audience: unknown; actions: { id: string; subDelivery: unknown }[] },
  settings: DeliverySettings,
): { path: string; message: string } | null {
  let was: DeliveryRule;
  try {
    was = parseDeliveryRule(stored.deliveryRule);
  } catch {
    return null;
  }
  if (was.when !== settings.rule.when)
    return { path: "rule.when", message: `A paused campaign keeps its kind of delivery (${RULE_KINDS[was.when]}): duplicate it to send ${RULE_KINDS[settings.rule.when]}.` };
  if (!pausedKeepsTiming(was.when)) return null;
  const plannedField = firstDifference(plannedBy(was), plannedBy(settings.rule));
  if (plannedField) return { path: `rule.${plannedField}`, message: PAUSED_PLANNED_SEND };
  if (audienceChanged(stored.audience, settings)) return { path: "audience", message: PAUSED_PLANNED_SEND };
  const retimed = timingChanged(stored.actions, settings)[0];
  if (retimed !== undefined) return { path: `actions.${settings.actions.findIndex((a) => a.id === retimed)}.subDelivery`, message: `${PAUSED_TIMING_PLANNED}: ${PAUSED_TIMING_ADVICE}` };
  return null;
}

/** The first member (by name) whose value differs between two rules, as values; null when none does. */
function firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string | null {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.find((k) => JSON.stringify(canonical(a[k])) !== JSON.stringify(canonical(b[k]))) ?? null;
}

/**
 * What of a rule its planned deliveries were made by: not quiet hours (they apply to what waits), and
 * the send time as a time, "09:00" and "09:00:00" alike (a GET answers what was sent; a date input
 * drops zero seconds), so that an unchanged save is not refused as a new send time.
 */
function plannedBy(rule: DeliveryRule) {
  const { quietHours: _, ...rest } = rule;
  if (rest.when !== "scheduled") return rest;
  return { ...rest, sendAt: DateTime.fromISO(rest.sendAt, { zone: "utc" }).toISO({ includeOffset: false, suppressMilliseconds: true }) };
}

/**
 * Whether the settings give another audience than the stored one (left out: kept). Null and "no
 * conditions" are both everyone; a stored audience that cannot be read is a change.
 */
function audienceChanged(stored: unknown, settings: DeliverySettings): boolean {
  if (settings.audience === undefined) return false;
  const everyoneIfEmpty = (segment: Segment | null) => (segment && segment.conditions.length ? segment : null);
  let was: Segment | null;
  try {
    was = parseSegment(stored);
  } catch {
    return true;
  }
  return JSON.stringify(everyoneIfEmpty(was)) !== JSON.stringify(everyoneIfEmpty(settings.audience));
}

/**
 * A paused recurring campaign's next run once its settings are saved (pendingRunAfterChange): its
 * pending one was counted by the stored rule; the new rule's first occurrence that may not have been
 * sent, and not before the first run for the start date (kept when left out); no longer recurring, none.
 */
function nextRunUnder(stored: { deliveryRule: unknown; nextRunAt: Date; occurrences: number; startAt: Date | null }, settings: DeliverySettings): Date | null {
  const rule = settings.rule;
  if (rule.when !== "recurring") return null;
  let before: DeliveryRule | null = null;
  try {
    before = parseDeliveryRule(stored.deliveryRule);
  } catch {
    // unreadable: counted from the pending run's time
  }
  const startAt = settings.startAt !== undefined ? settings.startAt : stored.startAt;
  return pendingRunAfterChange(before?.when === "recurring" ? before : null, rule, stored.nextRunAt, stored.occurrences, startAt);
}

/** What the Delivery section shows. */
/**
 * A campaign's delivery settings as stored: the Delivery section (loadDeliverySettings) and the
 * public API (lib/api/campaign-delivery.ts) both read them here, the webhooks in their order,
 * variants left out (they share their webhook's timing).
 */
export async function storedDeliverySettings(campaignId: string) {
  const c = await db().campaign.findUnique({
    where: { id: campaignId },
    select: {
      ...NEXT_SEND_FIELDS, updatedAt: true, pausedAt: true, audience: true, startAt: true, endAt: true, capExempt: true, version: true,
      actions: { where: { variantOfId: null }, orderBy: { position: "asc" }, select: { id: true, name: true, subDelivery: true, retryPolicy: true, rateLimitPerSecond: true } },
    },
  });
  return c && storedSettingsOf(c);
}

/** The columns the delivery settings are read from; `actions` may hold the variants too (a whole row's), left out here. */
type SettingsRow = Pick<Campaign, keyof typeof NEXT_SEND_FIELDS | "updatedAt" | "pausedAt" | "audience" | "startAt" | "endAt" | "capExempt" | "version"> & {
  actions: (Pick<Action, "id" | "name" | "subDelivery" | "retryPolicy" | "rateLimitPerSecond"> & { variantOfId?: string | null })[];
};

function storedSettingsOf(c: SettingsRow) {
  const actions = c.actions.filter((a) => !a.variantOfId).map(({ id, name, subDelivery, retryPolicy, rateLimitPerSecond }) => ({ id, name, subDelivery, retryPolicy, rateLimitPerSecond }));
  return {
    campaign: c,
    settings: {
      rule: c.deliveryRule,
      audience: c.audience,
      actions,
      startAt: c.startAt?.toISOString() ?? null,
      endAt: c.endAt?.toISOString() ?? null,
      capExempt: c.capExempt,
    },
  };
}

export async function loadDeliverySettings(campaignId: string) {
  const stored = await storedDeliverySettings(campaignId);
  return stored && deliverySettingsView(stored);
}

/** loadDeliverySettings's, from the campaign's row already read (lib/campaigns/campaigns.ts loadCampaignRow). */
export async function deliverySettingsOf(row: SettingsRow) {
  return deliverySettingsView(storedSettingsOf(row));
}

async function deliverySettingsView({ campaign: c, settings }: ReturnType<typeof storedSettingsOf>) {
  const [missed, next] = await Promise.all([missedWhilePaused(c), nextSendOf(c)]);
  return { status: c.status, updatedAt: c.updatedAt.getTime(), ...settings, missedWhilePaused: missed, nextSend: next && { iso: next.at.toISOString(), local: next.local, exact: next.exact, begun: next.begun } };
}
