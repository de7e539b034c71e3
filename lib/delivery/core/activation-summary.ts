// What pressing Activate will do, in plain words, for the confirmation the editor asks before it:
// read from the rule the server will parse (deliveryRuleSchema) and the audience count the editor
// shows. Pure and client-safe; the server's activateCampaign stays the authority on what may start.
import { DateTime } from "luxon";
import { deliveryRuleSchema, type DeliveryRule } from "./rules";
import { plural } from "../../text/plural";
import { localToInstant, zoneOrFallback } from "./schedule-time";
// a type only: this module stays client-safe (no database client comes with it)
import type { ZoneCount } from "../../audience/count";

export type ActivationSummary = { question: string; detail: string };

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** "Mon 7 Dec 2026 09:00" for a local date-time ("2026-12-07T09:00"). */
function localDateTime(local: string): string {
  const dt = DateTime.fromISO(local);
  return dt.isValid ? dt.setLocale("en-GB").toFormat("ccc d LLL yyyy HH:mm") : local;
}

const inZone = (rule: { inUserTimeZone: boolean; timeZone: string }) => (rule.inUserTimeZone ? "in each user's time zone" : `(${rule.timeZone})`);

function listed(words: string[]): string {
  return words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function recurrence(rule: Extract<DeliveryRule, { when: "recurring" }>): string {
  if (rule.frequency === "cron") return `On the schedule "${rule.cron}" (${rule.timeZone})`;
  const days = rule.frequency === "daily" ? "Every day" : `Every ${listed([...new Set(rule.weekdays)].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => WEEKDAYS[d]!))}`;
  return `${days} at ${rule.time} ${inZone(rule)}`;
}

function ending(rule: Extract<DeliveryRule, { when: "recurring" }>): string {
  const until = rule.endsOn ? `until ${DateTime.fromISO(rule.endsOn.slice(0, 10)).setLocale("en-GB").toFormat("d LLL yyyy")}` : "";
  const times = rule.maxOccurrences ? `for ${plural(rule.maxOccurrences, "run", "runs")}` : "";
  return [until, times].filter(Boolean).join(", at most ") || "until you pause it";
}

/**
 * How many of the audience's users a send "at `sendAt` in each user's zone" has passed for at `now`,
 * each zone read as the fan-out reads it (plan.ts: a user without a valid zone is in the rule's).
 */
export function usersPastSendAt(rule: { sendAt: string; timeZone: string }, zones: ZoneCount[], now: Date): number {
  let passed = 0;
  for (const { zone, users } of zones) {
    try {
      if (localToInstant(rule.sendAt, zoneOrFallback(zone, rule.timeZone)).getTime() < now.getTime()) passed += users;
    } catch {
      // a time that is no date: activation refuses it
    }
  }
  return passed;
}

/**
 * A send in each user's zone: what happens to the users whose time has passed. With the audience's
 * zones counted, how many they are, said first ("Nothing is sent before then" is not true of them).
 */
function scheduledInUserZones(rule: Extract<DeliveryRule, { when: "scheduled" }>, users: number | null, zones: ZoneCount[] | undefined, now: Date): string {
  const fate = rule.whenPassed === "skip" ? "left out" : "sent at once";
  const time = rule.sendAt.slice(11, 16);
  if (!zones || users === null) return `Nothing is sent before then, and users whose time has already passed when you activate are ${fate}`;
  const passed = usersPastSendAt(rule, zones, now);
  if (!passed) return `Nothing is sent before then. No user's ${time} has passed yet`;
  const others = passed < users ? `; the others are sent at ${time} in their own zone` : "";
  return `${passed.toLocaleString("en")} of ${plural(users, "user's", "users'")} ${time} has passed: they are ${fate}${others}`;
}

/** A webhook step's control group: its share of the users, held out and sent nothing by it (0: none). */
export type ControlGroupShare = { webhook: string; percent: number };
/** A webhook timed from a user attribute (`attribute`) that an earlier webhook (`earlier`, as the editor names it) saves from its response. */
export type TimedByEarlierStep = { webhook: string; earlier: string; attribute: string };

/**
 * What the steps' control groups hold out, for the question (after "N users") and the detail. A
 * share, not a count: each user's place is a hash of campaign, step and user (lib/campaigns/variants.ts),
 * so 20% of 10 users may be 1 or 3; counting exactly would read every matching user's id to ask.
 */
function heldOut(groups: ControlGroupShare[], whose: string): { asked: string; said: string; except: string } | null {
  const holding = groups.filter((g) => g.percent > 0);
  if (holding.length === 0) return null;
  const percent = holding[0]!.percent;
  // a banner said "4 users (40%) held out" of 10 users at "about 20%"
  const varies = " Each user is placed by a hash of their id, not counted out, so in a small audience the share held out varies.";
  // one webhook's control group is the campaign's; several steps each hold out users of their own (the
  // hash takes the step), so "20% held out" of two steps at 20% would be false: they are named one by one
  if (groups.length === 1) {
    return { asked: `, about ${percent}% of them held out as the control group`, said: ` About ${percent}% of ${whose} (the control group) are held out and sent nothing.${varies}`, except: " outside the control group" };
  }
  const shares = listed(holding.map((g) => `about ${g.percent}% from “${g.webhook}”`));
  return { asked: ", some of them held out by control groups", said: ` Control groups hold users out, each sent nothing from that webhook on: ${shares}.${varies}`, except: "" };
}

/** The audience's users the frequency cap stops now (checkActivation: audienceAtCap), and what they reached ("2 per day reached"). */
export type AudienceAtCap = { users: number; reached: string[] };

/** " 9 of these 11 users are at the frequency cap now (2 per day reached): ..." (nothing when none is). */
function atCapNote(atCap: AudienceAtCap | undefined, users: number | null): string {
  if (!atCap?.users) return "";
  const of = users === null ? `${plural(atCap.users, "user", "users")} of the audience ${atCap.users === 1 ? "is" : "are"}` : `${atCap.users.toLocaleString("en")} of these ${plural(users, "user", "users")} ${atCap.users === 1 ? "is" : "are"}`;
  return ` ${of} at the frequency cap now (${atCap.reached.join(", ") || "reached"}): their sends are suppressed until their count falls below it (Settings › Delivery limits).`;
}

/**
 * The confirmation's question and a line on what follows. `rawRule`: the rule as the Delivery
 * section would save it; `users`: the users the audience matches now (null while counting);
 * `startAt`: the campaign's start date, when it has one (nothing is sent before it: plan.ts);
 * `zones`: the audience's users by time zone (a send in each user's zone counts whose time passed);
 * `controlGroups`: each webhook step's control group (activation's dry run reads them: checkActivation).
 * `readingEarlierSteps`: the steps reading what an earlier step saves from its response (checkActivation):
 * failed, unsent, for a user that step saves no value for (core/decide.ts).
 * `atCap`: the audience's users the frequency cap stops now (left out: no cap, or the campaign is exempt).
 * `timedByEarlierSteps`: the steps
 * whose time comes from what an earlier step saves (checkActivation): each waits for that answer for its time.
 * A rule the server would refuse gets a plain question: activation names its problems.
 */
export function activationSummary(
  rawRule: unknown,
  users: number | null,
  {
    startAt = null,
    now = new Date(),
    zones,
    controlGroups = [],
    readingEarlierSteps = [],
    atCap,
    timedByEarlierSteps = [],
  }: { startAt?: Date | null; now?: Date; zones?: ZoneCount[]; controlGroups?: ControlGroupShare[]; readingEarlierSteps?: string[]; atCap?: AudienceAtCap; timedByEarlierSteps?: TimedByEarlierStep[] } = {},
): ActivationSummary {
  const counted = users === null ? "the campaign's audience" : plural(users, "user", "users");
  const parsed = deliveryRuleSchema.safeParse(rawRule);
  if (!parsed.success) return { question: "Activate this campaign?", detail: "Its delivery settings are checked first; nothing is sent if they are not ready." };
  const rule = parsed.data;
  const start = startAt && startAt > now ? `${DateTime.fromJSDate(startAt, { zone: "UTC" }).setLocale("en-GB").toFormat("ccc d LLL yyyy HH:mm")} UTC` : null;
  const quiet = rule.quietHours ? ` Sends due in a user's quiet hours (${rule.quietHours.start}-${rule.quietHours.end}) wait until they end.` : "";
  const held = heldOut(controlGroups, rule.when === "triggered" ? "its users" : "them");
  const who = `${counted}${held?.asked ?? ""}`;
  const skipped = readingEarlierSteps.length
    ? ` ${listed(readingEarlierSteps.map((name) => `“${name}”`))} ${readingEarlierSteps.length > 1 ? "read" : "reads"} what an earlier webhook saves from its response: ${readingEarlierSteps.length > 1 ? "they fail" : "it fails"}, unsent, for a user that webhook saves no value for (not delivered to them, or none in its answer), unless they had the value before.`
    : "";
  const capped = atCapNote(atCap, users);
  // its time is not known before that answer: sent at once, it would have none (lib/campaigns/awaited-steps.ts)
  const timed = timedByEarlierSteps
    .map((t) => ` “${t.webhook}” waits for ${t.earlier}'s answer for its time: it is timed from ${t.attribute} once that webhook has saved it (sent at once if that time has passed), and suppressed for a user it saves no time for.`)
    .join("");
  const notes = `${start ? ` Nothing is sent before the start date, ${start}.` : ""}${quiet}${held?.said ?? ""}${capped}${skipped}${timed}`;
  switch (rule.when) {
    case "immediate":
      if (start) {
        return { question: `Send to ${who} at the start date, ${start}?`, detail: `A webhook with a delay of its own waits for it after that.${quiet}${held?.said ?? ""}${capped}${skipped}${timed}` };
      }
      return { question: `Send now to ${who}?`, detail: `Each of them${held?.except ?? ""} is sent this campaign's webhooks now (a webhook with a delay of its own waits for it).${notes}` };
    case "scheduled":
      return {
        question: `Schedule for ${who}${held ? "," : ""} on ${localDateTime(rule.sendAt)} ${inZone(rule)}?`,
        detail: `${rule.inUserTimeZone ? scheduledInUserZones(rule, users, zones, now) : "Nothing is sent before then"}.${notes}`,
      };
    case "triggered":
      return {
        question: `Start listening for "${rule.event}" events?`,
        detail: `Each "${rule.event}" event tracked from now on sends this campaign to its user, if they are in the audience (${counted} now). Events tracked before are not sent.${notes}`,
      };
    case "recurring":
      return {
        question: `${recurrence(rule)}, to ${who}?`,
        detail: `Each run sends to the users in the audience at that time, ${ending(rule)}.${notes}`,
      };
  }
}
