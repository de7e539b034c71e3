// Campaign states and the manual actions on deliveries: activate (validate, check that every
// action renders, then fan out in the same transaction and record who did it), pause, resume,
// retry one, retry all failed, cancel the waiting ones. Finishing is the engine's own doing (finish.ts).
import { db } from "../../db";
import { recordAudit } from "../../auth/audit";
import { parseSegment } from "../../audience/segment";
import { prismaRawTx, rawDb, type RawTx } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { addCounts, emptyCounts, fanOutToAudience, type FanOutCounts } from "./fan-out";
import { deliveryQueue } from "../engine/queue";
import { parseDeliveryRule, parseSubDelivery, type DeliveryRule } from "../core/rules";
import { DateTime } from "luxon";
import { cronProblem, endsOnPassed, ENDS_ON_PASSED, occurrenceDate, recurringCron, recurringRuns } from "../core/schedule-time";
import { planSteps } from "../core/plan";
import type { AudienceAtCap, ControlGroupShare, TimedByEarlierStep } from "../core/activation-summary";
import { audienceAtCap } from "./frequency-cap-audience";
import { getFrequencyCap } from "./frequency-cap-setting";
import { retryAllRefusals, retryRefusal, RetryRefusedError } from "./retry-refusal";
import { splitProblems, variantKey } from "../../campaigns/variants";
import { campaignUnknownAttributes, storedAttributeTemplate } from "../../campaigns/unknown-attributes";
import { awaitedSteps } from "../../campaigns/awaited-steps";
import { activationSample, checkAction } from "./check-action";
import { sampleRenderCheck, type SampleTarget } from "./sample-renders";
import { carriedSampleVerdict, sampleInputsDigest, signSampleVerdict } from "./sample-verdict";
import { builtInFieldEntries, parseStoredMapping } from "../../webhooks/response-mapping";
import { RETRYABLE_STATES, WAITING_STATES } from "../core/states";
import { transaction } from "../../db/transaction";
import { plural } from "../../text/plural";
import { lockRowForUpdate } from "../../db/row-locks";
import { actionColumnsOf, campaignColumnsOf, type DeliverySettings } from "../forms/settings";
import { MAX_CATCH_UP_BYTES, MAX_CATCH_UP_EVENTS, planArrivedMeanwhile, planCatchUp } from "../triggers";
import { CampaignNotFoundError } from "../../campaigns/campaigns";

export { RetryRefusedError };

// Retrying all failed deliveries of a big campaign takes a while; the default 5 s interactive transaction would abort it.
const LONG_TRANSACTION = { timeout: 10 * 60_000, maxWait: 30_000 };

export type ActivateResult =
  /**
   * waiting: what a triggered or recurring campaign sends on (it plans nothing at activation, but a recurring one's date under way in some zones);
   * sampleFailures: the webhooks failing for some of the audience's first users (sample-renders.ts), when any
   */
  | { ok: true; counts: FanOutCounts; status: "active"; waiting: { event: string } | RecurringWait | null; sampleFailures?: string[]; emptyInUrl?: string[] }
  /** fieldErrors: an action's problems by the editor's paths ("actions.0.fields.1.value", "actions.0.variants.0.url") */
  | { ok: false; problems: string[]; fieldErrors?: Record<string, string> };

/**
 * `localTime`: each occurrence goes out at this time in each user's zone; nextRunAt is then when the
 * first zone reaches it. `firstDates`: the dates under way at activation (sent to the users whose time
 * on them was still ahead) and then the next run's ("2026-12-07"), when any was under way.
 */
type RecurringWait = { nextRunAt: Date | null; localTime?: string; firstDates?: string[] };

function ruleProblems(raw: unknown): { rule: DeliveryRule | null; problems: string[] } {
  try {
    const rule = parseDeliveryRule(raw);
    if (rule.when === "recurring") {
      const problem = cronProblem(recurringCron(rule));
      if (problem) return { rule: null, problems: [problem] };
    }
    return { rule, problems: [] };
  } catch (err) {
    return { rule: null, problems: [(err as Error).message] };
  }
}

type CampaignWithActions = NonNullable<Awaited<ReturnType<typeof campaignWithActions>>>;
const campaignWithActions = (campaignId: string) => db().campaign.findUnique({ where: { id: campaignId }, include: { actions: { orderBy: { position: "asc" } } } });

/**
 * `sampleCheck`: the token of the sample renders' verdict (sample-verdict.ts), when they refused nothing:
 * the action that follows a dry run sends it back and is not rendered for again.
 */
/**
 * The contentVersion Activate's save of the settings on screen moved from and to (writeDeliverySettings),
 * just before it activates: its dry run judged those settings in place of the stored ones, at `from`.
 */
export type SettingsSaved = { from: number; to: number };

type Readiness = { rule: DeliveryRule | null; problems: string[]; fieldErrors: Record<string, string>; sampleFailures: string[]; emptyInUrl: string[]; sampleCheck?: string };

/**
 * Whether the campaign can send as it is: its rule, audience and dates, and every webhook and variant
 * rendering for a sample, then for the audience's first users (sample-renders.ts: `sampleFailures`,
 * the webhooks that fail for some of them). Activation and resume both ask (a paused campaign's
 * settings and webhooks may have changed since it was activated).
 */
async function readiness(campaign: CampaignWithActions, now: Date, carried?: string, memberId?: string, settingsSaved?: SettingsSaved): Promise<Readiness> {
  const { rule, problems } = ruleProblems(campaign.deliveryRule);
  try {
    parseSegment(campaign.audience);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const steps = campaign.actions.filter((a) => !a.variantOfId);
  if (steps.length === 0) problems.push("Add at least one webhook.");
  if (campaign.endAt && campaign.endAt <= now) problems.push("The end date has already passed.");
  const sample = await activationSample(rule, campaign);
  const fieldErrors: Record<string, string> = {};
  const sampled: SampleTarget[] = [];
  for (const [stepIndex, step] of steps.entries()) {
    const variants = campaign.actions.filter((a) => a.variantOfId === step.id);
    // "webhook", as the editor names them (the code's Action model is not a word the UI uses)
    const label = `Webhook ${step.position + 1} (${step.name})`;
    const split = { controlPercent: step.controlPercent, variants: [step, ...variants].map((v, i) => ({ key: variantKey(i), splitPercent: v.splitPercent })) };
    for (const p of splitProblems(variants.length ? split : { ...split, variants: [] })) problems.push(`${label}: ${p.message}.`);
    // only a triggered campaign has an event: a time read from one is never there, and every delivery would be suppressed
    const sub = parseSubDelivery(step.subDelivery);
    if (rule && rule.when !== "triggered" && sub.kind === "relative" && sub.source === "event") {
      const message = `its timing reads the event parameter "${sub.key}", but only a triggered campaign has an event: measure from a user attribute instead`;
      problems.push(`${label}: ${message}.`);
      fieldErrors[`actions.${stepIndex}.subDelivery.key`] = message;
    }
    // a mapping saved before built-in field names were refused: Save refuses it now, and so does Activate
    for (const { index, problem } of builtInFieldEntries(parseStoredMapping(step.responseMapping))) {
      problems.push(`${label}: Save response to user, row ${index + 1}: ${problem}.`);
      fieldErrors[`actions.${stepIndex}.responseMapping.${index}.attribute`] = problem;
    }
    // every variant is sent to someone, so each must render
    for (const [i, action] of [step, ...variants].entries()) {
      const which = variants.length ? `${label}, variant ${variantKey(i)}` : label;
      if (!action.urlTemplate.trim()) problems.push(`${which}: enter a URL.`);
      else {
        const checked = checkAction(action, sample, now, i ? step : undefined);
        for (const p of checked.problems) problems.push(`${which}: ${p}`);
        const at = i ? `actions.${stepIndex}.variants.${i - 1}.` : `actions.${stepIndex}.`;
        for (const [path, message] of Object.entries(checked.fieldErrors)) fieldErrors[`${at}${path}`] = message;
        // what no data can fix is said once; what real users' data breaks is judged next
        if (!checked.problems.length) sampled.push({ action, step: i ? step : undefined, label: which, at });
      }
    }
  }
  // the dry run's verdict, carried when nothing the renders read has changed since (`carried`: its token)
  // Activate's own save of the settings its dry run judged (in place of the stored) moved contentVersion:
  // the dry run was made at the one before, which stands while nothing else moved it since
  const judged = settingsSaved && campaign.contentVersion === settingsSaved.to ? { ...campaign, contentVersion: settingsSaved.from } : campaign;
  const digest = sampleInputsDigest(judged, sampled, sample);
  const verdict = carriedSampleVerdict(carried, campaign.id, digest, now);
  const users = verdict ? { problems: [], fieldErrors: {}, ...verdict } : await sampleRenderCheck(campaign.audience, sampled, sample, now, memberId);
  problems.push(...users.problems);
  for (const [path, message] of Object.entries(users.fieldErrors)) fieldErrors[path] ??= message;
  const sampleCheck = users.problems.length ? undefined : signSampleVerdict(campaign.id, digest, users, now);
  return { rule, problems, fieldErrors, sampleFailures: users.warnings, emptyInUrl: users.emptyInUrl, ...(sampleCheck ? { sampleCheck } : {}) };
}

type ActivationRefused = Extract<ActivateResult, { ok: false }>;

/** An activation's or resume's `sampleFailures` and `emptyInUrl`, each left out when there are none. */
const withSampleFailures = (lines: string[], emptyInUrl: string[] = []) => ({ ...(lines.length ? { sampleFailures: lines } : {}), ...withEmptyInUrl(emptyInUrl) });
/** The URL variables empty for some of the audience's first users (sample-renders.ts), left out when none. */
const withEmptyInUrl = (lines: string[]) => (lines.length ? { emptyInUrl: lines } : {});

/** Everything activation checks before it changes anything: activateCampaign and its dry run (checkActivation) alike. */
async function activationChecks(campaign: CampaignWithActions | null, now: Date, carried?: string, memberId?: string, settingsSaved?: SettingsSaved): Promise<ActivationRefused | { ok: true; campaign: CampaignWithActions; rule: DeliveryRule; sampleFailures: string[]; emptyInUrl: string[]; sampleCheck?: string }> {
  if (!campaign) return { ok: false, problems: ["This campaign no longer exists."] };
  if (campaign.status !== "draft") return { ok: false, problems: [`The campaign is ${campaign.status}; only a draft can be activated.`] };
  const { rule, problems, fieldErrors, sampleFailures, emptyInUrl, sampleCheck } = await readiness(campaign, now, carried, memberId, settingsSaved);
  // activated, it would plan no run and say "Active." (not in readiness: a paused one past its end still resumes what waits)
  if (rule?.when === "recurring" && endsOnPassed(rule, now)) {
    problems.push(ENDS_ON_PASSED);
    fieldErrors["rule.endsOn"] = ENDS_ON_PASSED;
  }
  if (problems.length || !rule) return { ok: false, problems, fieldErrors };
  return { ok: true, campaign, rule, sampleFailures, emptyInUrl, ...(sampleCheck ? { sampleCheck } : {}) };
}

/**
 * Activation's dry run: whether activateCampaign would refuse the campaign, with the same problems,
 * changing nothing. `settings`: the Delivery section's settings as on screen (Activate saves them
 * before it activates), read in place of the stored ones; left out, the stored ones are judged.
 * `memberId`: the member asking, whose share of rendering time its sample renders take (preview-rate.ts).
 */
export async function checkActivation(campaignId: string, options: { settings?: DeliverySettings; now?: Date; memberId?: string } = {}): Promise<{ ok: true; controlGroups: ControlGroupShare[]; readingEarlierSteps: string[]; timedByEarlierSteps: TimedByEarlierStep[]; unknownAttributes: string[]; sampleFailures: string[]; emptyInUrl?: string[]; sampleCheck?: string; atCap?: AudienceAtCap } | ActivationRefused> {
  const stored = await campaignWithActions(campaignId);
  const campaign = stored && options.settings ? withSettings(stored, options.settings) : stored;
  const now = options.now ?? new Date();
  const checked = await activationChecks(campaign, now, undefined, options.memberId);
  if (!checked.ok) return checked;
  // each step's control group, as the fan-out will hold it out (planSteps), for the question to say so
  const names = new Map(checked.campaign.actions.map((a) => [a.id, a.name]));
  const controlGroups = planSteps(checked.campaign.actions).map((step) => ({ webhook: names.get(step.id) ?? "", percent: step.split?.controlPercent ?? 0 }));
  // the steps reading what an earlier step saves: failed, unsent, for a user that step saves no value for (decide.ts)
  const waiting = awaitedSteps(checked.campaign.actions.map((a) => ({ ...a, template: storedAttributeTemplate(a) })));
  const readingEarlierSteps = planSteps(checked.campaign.actions).flatMap((step) => (waiting.get(step.id)?.some((s) => !s.timingOnly) ? [names.get(step.id) ?? ""] : []));
  // the steps whose time an earlier step's answer gives: they wait for it for their time (core/plan.ts timeAfterEarlierStep)
  const timedByEarlierSteps = planSteps(checked.campaign.actions).flatMap((step) => {
    const by = waiting.get(step.id)?.findLast((s) => s.timing !== undefined);
    return by ? [{ webhook: names.get(step.id) ?? "", earlier: by.label, attribute: by.timing! }] : [];
  });
  // a {{user.X}} no user has renders empty for everyone: said, not refused (it may arrive through the API)
  const unknownAttributes = await campaignUnknownAttributes(checked.campaign.actions);
  // a webhook failing for some of the audience's first users: said, for the marketer to accept (sample-renders.ts)
  // sampleCheck: the sample renders' verdict, for Activate to send back (sample-verdict.ts)
  // emptyInUrl: a URL variable empty for some of them, their requests going to another address
  // atCap: the audience's users the frequency cap stops now (the question said "to 11 users" and 9 were suppressed)
  const cap = checked.campaign.capExempt ? null : await getFrequencyCap();
  const atCap = cap ? await audienceAtCap(parseSegment(checked.campaign.audience), cap, now) : null;
  return { ok: true, controlGroups, readingEarlierSteps, timedByEarlierSteps, unknownAttributes, sampleFailures: checked.sampleFailures, ...withEmptyInUrl(checked.emptyInUrl), ...(checked.sampleCheck ? { sampleCheck: checked.sampleCheck } : {}), ...(atCap?.users ? { atCap } : {}) };
}

/**
 * What Resume's confirmation warns of, changing nothing: the webhooks' references to attributes no user
 * has, and the webhooks failing for some of the audience's first users, in Activate's words (a paused
 * campaign's webhooks may have been edited since it was activated). `memberId`: as checkActivation's.
 */
export async function resumeWarnings(campaignId: string, options: { now?: Date; memberId?: string } = {}): Promise<{ unknownAttributes: string[]; sampleFailures: string[]; emptyInUrl?: string[]; sampleCheck?: string }> {
  const campaign = await campaignWithActions(campaignId);
  if (!campaign) return { unknownAttributes: [], sampleFailures: [] };
  const { sampleFailures, emptyInUrl, sampleCheck } = await readiness(campaign, options.now ?? new Date(), undefined, options.memberId);
  // sampleCheck: the sample renders' verdict, for Resume to send back (sample-verdict.ts)
  return { unknownAttributes: await campaignUnknownAttributes(campaign.actions), sampleFailures, ...withEmptyInUrl(emptyInUrl), ...(sampleCheck ? { sampleCheck } : {}) };
}

/** The campaign as it would be once `settings` are saved (the columns writeDeliverySettings writes). */
function withSettings(campaign: CampaignWithActions, settings: DeliverySettings): CampaignWithActions {
  const byId = new Map(settings.actions.map((a) => [a.id, a]));
  return {
    ...campaign,
    ...(campaignColumnsOf(settings) as Partial<CampaignWithActions>),
    actions: campaign.actions.map((a) => {
      const own = byId.get(a.id);
      return own && !a.variantOfId ? { ...a, ...(actionColumnsOf(own) as Partial<typeof a>) } : a;
    }),
  };
}

/**
 * Validates the rule and every action (each must render: whoever activates, the API or the editor,
 * goes through this check); on success makes the campaign active, plans its deliveries and records
 * `campaign.activated` for `actor` (an email, or "system"). `sampleCheck`: the dry run's token
 * (checkActivation): its sample renders' verdict stands if nothing they read has changed since.
 */
export async function activateCampaign(campaignId: string, options: { now?: Date; actor?: string; sampleCheck?: string; memberId?: string; settingsSaved?: SettingsSaved } = {}): Promise<ActivateResult> {
  const now = options.now ?? new Date();
  const checked = await activationChecks(await campaignWithActions(campaignId), now, options.sampleCheck, options.memberId, options.settingsSaved);
  if (!checked.ok) return checked;
  const { campaign, rule } = checked;

  const actions = planSteps(campaign.actions);
  // a start date ahead: the runs begin there (a run before it would send nothing, yet count); in each
  // user's zone a date may be under way then: its users whose time on it is still ahead are sent it
  const from = campaign.startAt && campaign.startAt > now ? new Date(campaign.startAt.getTime() - 1) : now;
  const start = rule.when === "recurring" ? recurringRuns(rule, from, null) : null;
  const nextRunAt = start?.next ?? null;
  const underway = start?.runs ?? [];
  // raw SQL (lib/db/raw.ts), as the fan-out in the same transaction is
  const counts = await rawDb(db()).interactive(async (tx) => {
    const p = new SqlParams();
    const set = `"status" = 'active', "activatedAt" = ${p.add("date", now)}, "nextRunAt" = ${p.add("date", nextRunAt)}, "occurrences" = ${p.add("int", underway.length)}, "updatedAt" = ${p.add("date", new Date())}`;
    // guarded by the row as read and checked above: settings or webhooks saved since then were not
    // checked, and the fan-out below would plan by the rule read before them
    const guard = `"id" = ${p.add("text", campaignId)} AND "status" = 'draft' AND "updatedAt" = ${p.add("date", campaign.updatedAt)}`;
    const claimed = await tx.run(`UPDATE ${tableName("Campaign")} SET ${set} WHERE ${guard}`, p.values);
    if (claimed === 0) return null;
    if (rule.when === "immediate" || rule.when === "scheduled") return fanOutToAudience(tx, { ...campaign, rule, actions }, { kind: "activation" }, now);
    const all = emptyCounts();
    for (const run of underway) addCounts(all, await fanOutToAudience(tx, { ...campaign, rule, actions }, { kind: "occurrence", ...run }, now));
    return all;
  });
  if (!counts) return { ok: false, problems: ["The campaign was changed or activated by someone else meanwhile: check it and activate again."] };
  await recordAudit({ actor: options.actor ?? "system", action: "campaign.activated", target: campaignId });
  await deliveryQueue().notify({ dueAt: counts.earliest, campaignId, dueTimes: counts.dueTimes });
  const waiting =
    rule.when === "triggered"
      ? { event: rule.event }
      : rule.when === "recurring"
        ? {
            nextRunAt,
            ...(rule.inUserTimeZone ? { localTime: rule.time } : {}),
            ...(underway.length ? { firstDates: [...underway.map((r) => r.at), ...(nextRunAt ? [nextRunAt] : [])].map((at) => occurrenceDate(rule, at)) } : {}),
          }
        : null;
  return { ok: true, counts, status: "active", waiting, ...withSampleFailures(checked.sampleFailures, checked.emptyInUrl) };
}

/** What the editor says after an activation: what was planned, or what the campaign now waits for. */
export function activationMessage(result: Extract<ActivateResult, { ok: true }>): string {
  const { scheduled, suppressed, control, controlUsers, users } = result.counts;
  // Activate's confirm says "about N% held out": users and their share first; the held-out rows, one per
  // user per step (a user held out at step 1 is held out of each later step too), after
  const percent = users ? Math.round((controlUsers / users) * 100) : null;
  const share = percent === null ? "" : percent === 0 ? " (under 1%)" : ` (${percent}%)`;
  const held = control ? `, ${plural(controlUsers, "user", "users")}${share} held out for the control group (${plural(control, "delivery", "deliveries")})` : "";
  const w = result.waiting;
  if (w && "event" in w) return `Active: each "${w.event}" event tracked from now on sends this campaign to its user.`;
  if (!w) return `Active: ${plural(scheduled, "delivery", "deliveries")} planned${suppressed ? `, ${suppressed} suppressed` : ""}${held}.`;
  if (w.localTime && w.firstDates?.length) return `Active: ${userZoneStart(w.localTime, w.firstDates, w.nextRunAt !== null)}.`;
  if (!w.nextRunAt) return "Active.";
  const first = `${w.nextRunAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  if (w.localTime) return `Active: each run sends at ${w.localTime} in each user's time zone; the first starts at ${first}, when the earliest zone reaches it.`;
  return `Active: the first run is at ${first}.`;
}

/**
 * Which date each user's first run is on, when the activation found dates under way: the first of
 * them for those whose time on it was still ahead, the next for the others (a daily rule has two
 * under way two hours a day, 19:00-21:00 UTC for 09:00, and the zones past both start on the third).
 */
function userZoneStart(time: string, dates: string[], runsOn: boolean): string {
  const [first, second, third] = dates.map((d) => DateTime.fromISO(d).setLocale("en-GB").toFormat("ccc d LLL"));
  if (!second) return `its only run sends at ${time} in each user's time zone on ${first}, to the users whose ${time} is still ahead`;
  const others = third ? `${second} for the others (${third} where it has passed too)` : runsOn ? `${second} for the others` : `${second} for the others whose ${time} on it is still ahead (the last run)`;
  return `each run sends at ${time} in each user's time zone; the first: ${first} for users whose ${time} is still ahead, ${others}`;
}

// The manual actions below record who did them (`actor`: an email, or "system") themselves, so the
// editor, the API and whatever comes next audit them alike. An id that names no campaign is
// CampaignNotFoundError, not "only an active campaign..." or "nothing was waiting".

/** After a write that changed nothing: whether that is because the campaign does not exist (one read, only then). */
async function assertCampaignExists(campaignId: string): Promise<void> {
  if (!(await db().campaign.findUnique({ where: { id: campaignId }, select: { id: true } }))) throw new CampaignNotFoundError();
}

/**
 * Nothing of a paused campaign sends; its pending deliveries wait where they are. Events tracked
 * meanwhile do not trigger it (triggered-campaigns.ts reads active campaigns only); they are stored,
 * and resuming with `catchUp` plans them then (resumeCampaign).
 */
export async function pauseCampaign(campaignId: string, actor: string, now = new Date()): Promise<boolean> {
  const r = await db().campaign.updateMany({ where: { id: campaignId, status: "active" }, data: { status: "paused", pausedAt: now } });
  if (r.count === 1) await recordAudit({ actor, action: "campaign.paused", target: campaignId });
  else await assertCampaignExists(campaignId);
  return r.count === 1;
}

export type ResumeResult =
  | { ok: false; message: string }
  /**
   * caughtUp: the events that arrived while paused and what they planned (null: not asked, or not a
   * triggered campaign); sampleFailures: the webhooks failing for some of the audience's first users, when any
   */
  | { ok: true; caughtUp: { events: number; scheduled: number; suppressed: number } | null; sampleFailures?: string[]; emptyInUrl?: string[] };

/**
 * Makes a paused campaign active again. With `catchUp`, a triggered campaign also plans the events
 * that arrived while it was paused, as if it had been active (in the same transaction as the
 * resume: both or neither), and those that arrived while it was planned (planArrivedMeanwhile).
 * Events tracked after the resume are planned as they arrive; those tracked at the very moment of
 * its commit may be missed, as they are by a plain resume.
 */
export async function resumeCampaign(campaignId: string, actor: string, options: ResumeOptions = {}): Promise<ResumeResult> {
  // changed between its read and its write (a webhook deleted, settings saved) and still paused by the
  // same pause: read, checked and planned again, once, as the person would by resuming again
  return (await resumeOnce(campaignId, actor, options, false)) ?? (await resumeOnce(campaignId, actor, options, true))!;
}

/** sampleCheck: resumeWarnings' token: its sample renders' verdict stands if nothing they read has changed since. */
type ResumeOptions = { catchUp?: boolean; now?: Date; maxEvents?: number; maxBytes?: number; sampleCheck?: string; memberId?: string };

/**
 * One resume: its read, checks, catch-up plan and guarded write. Null when the campaign changed before
 * the write and is still paused by the pause it read, unless this is the `lastTry` (it then says so).
 */
async function resumeOnce(campaignId: string, actor: string, options: ResumeOptions, lastTry: boolean): Promise<ResumeResult | null> {
  const campaign = await campaignWithActions(campaignId);
  if (!campaign) throw new CampaignNotFoundError();
  if (campaign.status !== "paused") return { ok: false, message: "Only a paused campaign can be resumed." };
  const { pausedAt } = campaign;
  if (options.catchUp && !pausedAt) return { ok: false, message: "When this campaign was paused is not known (it was paused before this version): resume it without catching up." };
  const until = options.now ?? new Date();
  // as activation checks: its settings and webhooks may have changed while it was paused (a new
  // trigger event whose parameters a field needs sent every delivery to fail)
  const { problems, sampleFailures, emptyInUrl } = await readiness(campaign, until, options.sampleCheck, options.memberId);
  if (problems.length) return { ok: false, message: `It cannot resume yet: ${problems.join(" ")}` };
  const maxEvents = options.maxEvents ?? MAX_CATCH_UP_EVENTS;
  const maxBytes = options.maxBytes ?? MAX_CATCH_UP_BYTES;
  const plan = options.catchUp && pausedAt ? await planCatchUp(campaignId, pausedAt, until, { now: until, maxEvents, maxBytes }) : null;
  if (plan && "tooLarge" in plan) {
    const mb = (n: number) => `${Math.ceil(n / 1024 / 1024).toLocaleString("en-US")} MB`;
    return { ok: false, message: `The events that arrived while paused hold more than ${mb(maxBytes)} of parameters (${mb(plan.tooLarge)} so far): more than a resume can catch up at once. Resume without catching up.` };
  }
  if (plan && "tooMany" in plan) {
    return { ok: false, message: `${plan.tooMany.toLocaleString("en-US")} events arrived while paused: more than the ${maxEvents.toLocaleString("en-US")} a resume can catch up. Resume without catching up.` };
  }
  // the resume and the caught-up deliveries in one transaction; guarded by the pause it read, so a
  // resume and pause in between (another window) resumes nothing here
  const p = new SqlParams();
  const sql =
    `UPDATE ${tableName("Campaign")} SET "status" = 'active', "pausedAt" = NULL, "updatedAt" = ${p.add("date", new Date())} ` +
    `WHERE "id" = ${p.add("text", campaignId)} AND "status" = 'paused' AND "updatedAt" = ${p.add("date", campaign.updatedAt)} AND ` +
    (pausedAt ? `"pausedAt" = ${p.add("date", pausedAt)}` : `"pausedAt" IS NULL`);
  const tooManyMeanwhile = new Error("too many events arrived during the catch-up");
  let resumed: boolean;
  try {
    resumed = await rawDb(db()).interactive(async (tx) => {
      if ((await tx.run(sql, p.values)) !== 1) return false;
      for (const s of plan?.statements ?? []) await tx.run(s.sql, s.values);
      // and those that arrived while it was planned and written (the campaign still read as paused)
      if (plan && !(await planArrivedMeanwhile(tx, plan, until, maxEvents - plan.events))) throw tooManyMeanwhile;
      return true;
    });
  } catch (e) {
    if (e !== tooManyMeanwhile) throw e;
    return { ok: false, message: `More than ${maxEvents.toLocaleString("en-US")} events arrived while paused: more than a resume can catch up. Resume without catching up.` };
  }
  if (!resumed) {
    // guarded by the row as checked above: settings or webhooks saved since were not checked
    const now = await db().campaign.findUnique({ where: { id: campaignId }, select: { status: true, pausedAt: true } });
    const samePause = now?.status === "paused" && now.pausedAt?.getTime() === pausedAt?.getTime();
    if (samePause && !lastTry) return null;
    return { ok: false, message: now?.status === "paused" ? "The campaign changed while it was resuming: resume it again." : "Only a paused campaign can be resumed." };
  }
  const caughtUp = plan ? { events: plan.events, scheduled: plan.counts.scheduled, suppressed: plan.counts.suppressed } : null;
  await recordAudit({ actor, action: "campaign.resumed", target: campaignId, details: caughtUp ? { caughtUp } : undefined });
  await deliveryQueue().notify({ campaignId });
  return { ok: true, caughtUp, ...withSampleFailures(sampleFailures, emptyInUrl) };
}

/** What the editor and the API say after a resume. */
export function resumeMessage(result: Extract<ResumeResult, { ok: true }>): string {
  const c = result.caughtUp;
  if (!c) return "Resumed.";
  if (!c.events) return "Resumed: no events arrived while it was paused.";
  return `Resumed, and caught up ${plural(c.events, "event", "events")} that arrived while it was paused: ${plural(c.scheduled, "delivery", "deliveries")} planned${c.suppressed ? `, ${c.suppressed} suppressed` : ""}.`;
}

/**
 * Reopens the deliveries `where` picks as retried by hand (due at `now`, unlocked), in `tx` (the
 * retry's transaction, which holds the campaign's row): how many it reopened.
 */
function retryByHand(tx: RawTx, now: Date, where: (p: SqlParams) => string): Promise<number> {
  const p = new SqlParams();
  const set = `"state" = 'scheduled', "dueAt" = ${p.add("date", now)}, "reason" = 'Retried by hand', "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${p.add("date", new Date())}`;
  const sql = `UPDATE ${tableName("Delivery")} SET ${set} WHERE ${where(p)}`;
  return tx.run(sql, p.values);
}

/**
 * Sends one delivery again now (a failed one keeps its webhook-id); a finished campaign is active again
 * until it is final. False when it is not in a retryable state; RetryRefusedError when it would not send
 * (retry-refusal.ts: the frequency cap that stopped it still applies, or it waits for an earlier step
 * that finished for its user without an answer).
 */
export async function retryDelivery(deliveryId: string, actor: string, now = new Date()): Promise<boolean> {
  const campaignId = (await db().delivery.findUnique({ where: { id: deliveryId }, select: { campaignId: true } }))?.campaignId;
  if (!campaignId) return false;
  const count = await transaction(async (tx) => {
    // the campaign's row first, as the finisher takes it (finish.ts): a retry never lands in a campaign finishing meanwhile
    await lockRowForUpdate(tx, "Campaign", campaignId);
    // then the delivery's, read and decided on here: a delivery the cap stopped while this waited is
    // refused, not retried on what was read before (SQLite serialises writers)
    await lockRowForUpdate(tx, "Delivery", deliveryId);
    const delivery = await tx.delivery.findUnique({ where: { id: deliveryId }, select: { id: true, state: true, reason: true, userId: true, campaignId: true, actionId: true, variantActionId: true, campaign: { select: { capExempt: true } } } });
    if (!delivery) return 0;
    const refusal = await retryRefusal(tx, delivery, now);
    if (refusal) throw new RetryRefusedError(refusal);
    const reopened = await retryByHand(prismaRawTx(tx), now, (p) => `"id" = ${p.add("text", deliveryId)} AND ${p.among(`"state"`, "text", RETRYABLE_STATES)}`);
    if (reopened) await tx.campaign.updateMany({ where: { id: campaignId, status: "finished" }, data: { status: "active" } });
    return reopened;
  });
  if (!count) return false;
  await recordAudit({ actor, action: "delivery.retried", target: deliveryId, details: { campaignId } });
  await deliveryQueue().notify({ deliveryIds: [deliveryId] });
  return true;
}

/** Of "Retry all failed", the failed deliveries it left as they are: how many, and why (the first one's refusal). */
export type RetryAllLeft = { count: number; because: string };

/**
 * "Retry all failed": the campaign's failed deliveries only (the button counts those). A suppressed one
 * (the frequency cap, the campaign's end date) is retried one at a time, where retryDelivery says whether the cap
 * that stopped it still applies. A failed one that would be stopped again at once (retry-refusal.ts: it waits
 * for an earlier step that finished without an answer and is not failed, so not retried with it) is left
 * as it is, and `left` says how many and why.
 */
export async function retryAllFailed(campaignId: string, actor: string, now = new Date()): Promise<{ retried: number; left: RetryAllLeft | null }> {
  const { count, left } = await transaction(async (tx) => {
    await lockRowForUpdate(tx, "Campaign", campaignId); // as in retryDelivery
    const refused = await retryAllRefusals(tx, campaignId);
    const raw = prismaRawTx(tx);
    const ofCampaign = (p: SqlParams) => `"campaignId" = ${p.add("text", campaignId)} AND "state" = 'failed'`;
    let reopened = 0;
    if (!refused.size) reopened = await retryByHand(raw, now, ofCampaign);
    else {
      // the refused rows' steps by id, a thousand a statement: the others at once
      const waiting = [...new Set((await tx.delivery.findMany({ where: { id: { in: [...refused.keys()] } }, select: { actionId: true } })).map((d) => d.actionId))];
      reopened = await retryByHand(raw, now, (p) => `${ofCampaign(p)} AND ${p.notAmong(`"actionId"`, "text", waiting)}`);
      const rows = await tx.delivery.findMany({ where: { campaignId, state: "failed", actionId: { in: waiting } }, select: { id: true } });
      const ids = rows.map((r) => r.id).filter((id) => !refused.has(id));
      for (let i = 0; i < ids.length; i += 1000) reopened += await retryByHand(raw, now, (p) => `${ofCampaign(p)} AND ${p.among(`"id"`, "text", ids.slice(i, i + 1000))}`);
    }
    if (reopened) await tx.campaign.updateMany({ where: { id: campaignId, status: "finished" }, data: { status: "active" } });
    const [because] = refused.values();
    return { count: reopened, left: because ? { count: refused.size, because } : null };
  }, LONG_TRANSACTION);
  if (count) {
    await recordAudit({ actor, action: "delivery.retried_all_failed", target: campaignId, details: { campaignId, count } });
    await deliveryQueue().notify({ campaignId });
  } else await assertCampaignExists(campaignId);
  return { retried: count, left };
}

/** What the log and the API say after "Retry all failed". */
export function retryAllMessage({ retried, left }: { retried: number; left: RetryAllLeft | null }): string {
  const head = retried ? `Retrying ${plural(retried, "failed delivery", "failed deliveries")}` : "No failed deliveries to retry";
  if (!left) return `${head}.`;
  return left.count === 1 ? `${head}: 1 left as it is. ${left.because}` : `${head}: ${left.count} left as they are. The first: ${left.because}`;
}

export async function cancelScheduled(campaignId: string, actor: string, deliveryId?: string): Promise<number> {
  const p = new SqlParams();
  const set = `"state" = 'cancelled', "reason" = 'Cancelled by hand', "updatedAt" = ${p.add("date", new Date())}`;
  const where = `"campaignId" = ${p.add("text", campaignId)}${deliveryId ? ` AND "id" = ${p.add("text", deliveryId)}` : ""} AND ${p.among(`"state"`, "text", WAITING_STATES)}`;
  const [count = 0] = await rawDb(db()).transaction([{ sql: `UPDATE ${tableName("Delivery")} SET ${set} WHERE ${where}`, values: p.values }]);
  if (count) await recordAudit({ actor, action: "delivery.cancelled", target: deliveryId ?? campaignId, details: { campaignId, count } });
  else await assertCampaignExists(campaignId);
  return count;
}
