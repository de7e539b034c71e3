// The Delivery section's refusals said at their fields, in a marketer's words (not zod's or
// cron-parser's), and never a value silently dropped: a negative delay, a rate limit of 0.5, a cron
// expression in words, a recurring end date already past.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { formFromStored, settingsFromForm } from "@/components/delivery/delivery-form-state";
import { deliverySettingsSchema, saveDeliverySettings } from "./settings";
import { cronProblem, endsOnPassed, ENDS_ON_PASSED } from "../core/schedule-time";
import { DELAY_WHOLE_NOT_NEGATIVE, RATE_LIMIT_WHOLE, RUNS_AT_MOST, RUNS_WHOLE } from "../core/rules";
import { checkActivation } from "../store/lifecycle";
import { saveCampaignWithDelivery } from "../../campaigns/save-with-delivery";
import { campaignDraftSchema } from "../../campaigns/schemas";
import { saveCampaignByApi } from "../../api/campaigns";
import { saveDeliverySettingsByApi } from "../../api/campaign-delivery";

const issuesOf = (settings: object) => {
  const parsed = deliverySettingsSchema.safeParse(settings);
  return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
};
const hook = { id: "a1", name: "Hook", subDelivery: null, retryPolicy: "default", rateLimitPerSecond: null };

describe("the timing row's refusals, in plain words at their field", () => {
  it("a rate limit of 0.5 or 0 is refused at the rate limit: a whole number of requests per second, 1 or more", () => {
    for (const rate of [0.5, 0, -1]) {
      expect(issuesOf({ rule: { when: "immediate" }, actions: [{ id: "a1", subDelivery: { kind: "immediate" }, rateLimitPerSecond: rate }] })).toEqual({
        "actions.0.rateLimitPerSecond": RATE_LIMIT_WHOLE,
      });
    }
    expect(RATE_LIMIT_WHOLE).toBe("A whole number of requests per second, 1 or more");
  });

  it("a recurring rule ending after 0, 1.5 or 'three' runs is refused at the number of runs: a whole number, 1 or more", () => {
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" };
    for (const runs of [0, 1.5, "three"]) expect(issuesOf({ rule: { ...daily, maxOccurrences: runs }, actions: [] })).toEqual({ "rule.maxOccurrences": RUNS_WHOLE });
    expect(issuesOf({ rule: { ...daily, maxOccurrences: 100_001 }, actions: [] })).toEqual({ "rule.maxOccurrences": RUNS_AT_MOST });
    expect([RUNS_WHOLE, RUNS_AT_MOST]).toEqual(["A whole number of runs, 1 or more", "At most 100,000 runs"]);
  });

  it("a negative delay typed in the form is sent as typed and refused at the delay, not saved as 'at once'", () => {
    const form = formFromStored({ when: "immediate" }, [hook]);
    form.actions[0] = { ...form.actions[0]!, delay: "-5", unit: "minutes" };
    const sent = settingsFromForm(form);
    expect(sent.actions[0]!.subDelivery).not.toEqual({ kind: "immediate" });
    expect(issuesOf(sent)).toEqual({ "actions.0.subDelivery.seconds": DELAY_WHOLE_NOT_NEGATIVE });
    expect(DELAY_WHOLE_NOT_NEGATIVE).toMatch(/^The delay is a whole number of .*minutes.*, 0 or more/);
  });

  it("a negative delay measured from a time is refused too (before or after says the direction)", () => {
    const form = formFromStored({ when: "immediate" }, [hook]);
    form.actions[0] = { ...form.actions[0]!, delay: "-5", unit: "hours", relative: true, key: "signupAt", direction: "after" };
    expect(Object.values(issuesOf(settingsFromForm(form)))).toEqual([DELAY_WHOLE_NOT_NEGATIVE]);
  });

  it("a delay of 0.5 seconds is refused rather than rounded; 1.5 hours is 90 minutes", () => {
    const form = formFromStored({ when: "immediate" }, [hook]);
    form.actions[0] = { ...form.actions[0]!, delay: "0.5", unit: "seconds" };
    expect(issuesOf(settingsFromForm(form))).toEqual({ "actions.0.subDelivery.seconds": DELAY_WHOLE_NOT_NEGATIVE });
    form.actions[0] = { ...form.actions[0]!, delay: "1.1", unit: "hours" };
    expect(settingsFromForm(form).actions[0]!.subDelivery).toEqual({ kind: "delay", seconds: 3960 });
  });
});

describe("a cron expression in words", () => {
  it("is answered with the five fields and an example, not the library's words", () => {
    const problem = cronProblem("every monday");
    expect(problem).toBe('Not a valid cron expression: use five fields (minute hour day month weekday), e.g. "0 9 * * 1" for Mondays at 09:00');
    expect(problem).not.toMatch(/alias|Validation error/);
    expect(cronProblem("0 9 * * 1")).toBeNull();
  });
});

describe("a recurring end date already past", () => {
  const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", endsOn: "2026-01-01" } as const;
  const parsedRule = deliverySettingsSchema.parse({ rule }).rule as Extract<ReturnType<typeof deliverySettingsSchema.parse>["rule"], { when: "recurring" }>;

  it("is passed once no run is left before it: its last run's time has passed in the rule's zone", () => {
    expect(endsOnPassed(parsedRule, new Date("2026-01-01T08:59:00Z"))).toBe(false);
    expect(endsOnPassed(parsedRule, new Date("2026-01-01T09:00:01Z"))).toBe(true);
    expect(endsOnPassed(parsedRule, new Date("2026-01-02T00:00:01Z"))).toBe(true);
    expect(endsOnPassed({ ...parsedRule, endsOn: null }, new Date("2030-01-01T00:00:00Z"))).toBe(false);
    expect(ENDS_ON_PASSED).toBe("No run is left before the end date: the campaign would never send");
  });

  it("in each user's zone, the end date is not over while its run is still ahead for some users", () => {
    // daily 15:00 in each user's zone, ending 7 Dec: at 12:00 UTC, 15:00 is past in Tokyo but ahead in Paris, New York, Los Angeles
    const inZones = { ...parsedRule, time: "15:00", endsOn: "2026-12-07", inUserTimeZone: true };
    expect(endsOnPassed(inZones, new Date("2026-12-07T12:00:00Z"))).toBe(false);
    expect(endsOnPassed(inZones, new Date("2026-12-08T02:00:00Z"))).toBe(false); // still ahead at UTC-12 (03:00 UTC)
    expect(endsOnPassed(inZones, new Date("2026-12-08T04:00:00Z"))).toBe(true);
  });

  it("a draft's Save refuses it at the end date and stores nothing", async () => {
    const campaign = await db().campaign.create({ data: { name: "Ends", deliveryRule: { when: "immediate" } } });
    const saved = await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule }), { now: new Date("2026-12-06T12:00:00Z") });
    expect(saved).toEqual({ ok: false, problem: "ended", path: "rule.endsOn", message: ENDS_ON_PASSED });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).deliveryRule).toEqual({ when: "immediate" });
    // a later one is saved
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...rule, endsOn: "2099-01-01" } }))).toMatchObject({ ok: true });
  });

  it("the campaign page's one Save says it at the field and saves nothing, a new campaign included", async () => {
    const draft = campaignDraftSchema.parse({ name: "New with a past end", actions: [] });
    const result = await saveCampaignWithDelivery(draft, { rule });
    expect(result).toMatchObject({ ok: false, fieldErrors: { "delivery.rule.endsOn": ENDS_ON_PASSED } });
    expect(await db().campaign.count({ where: { name: "New with a past end" } })).toBe(0);
  });

  it("the API refuses it at the same field: on its own settings and on a create with settings, nothing saved", async () => {
    const campaign = await db().campaign.create({ data: { name: "Ends by API", deliveryRule: { when: "immediate" } } });
    const put = await saveDeliverySettingsByApi(campaign.id, deliverySettingsSchema.parse({ rule }), "api", "admin").catch((e) => e);
    expect(put).toMatchObject({ status: 400, code: "validation_error", details: [{ path: "rule.endsOn", message: ENDS_ON_PASSED }] });
    const draft = campaignDraftSchema.parse({ name: "Created with a past end", actions: [] });
    const created = await saveCampaignByApi(draft, "api", undefined, deliverySettingsSchema.parse({ rule })).catch((e) => e);
    expect(created).toMatchObject({ status: 400, code: "validation_error", details: [{ path: "delivery.rule.endsOn", message: ENDS_ON_PASSED }] });
    expect(await db().campaign.count({ where: { name: "Created with a past end" } })).toBe(0);
  });

  it("Activate refuses a stored one with the same words, at the field", async () => {
    const campaign = await db().campaign.create({
      data: { name: "Ends stored", deliveryRule: rule, actions: { create: [{ name: "Hook", urlTemplate: "https://crm.example.com/hook", fields: [], headers: [] }] } },
    });
    const checked = await checkActivation(campaign.id, { now: new Date("2026-12-06T12:00:00Z") });
    expect(checked).toMatchObject({ ok: false, problems: [ENDS_ON_PASSED], fieldErrors: { "rule.endsOn": ENDS_ON_PASSED } });
  });
});

describe("a time relative to an event parameter or attribute", () => {
  it("may be before it (negative) but whole, and says so in its own words (not 'a delay, 0 or more')", async () => {
    const { subDeliverySchema, OFFSET_WHOLE } = await import("../core/rules");
    expect(subDeliverySchema.safeParse({ kind: "relative", source: "event", key: "at", offsetSeconds: -3600 }).success).toBe(true);
    const half = subDeliverySchema.safeParse({ kind: "relative", source: "event", key: "at", offsetSeconds: -0.5 });
    expect(half.success).toBe(false);
    expect(half.error?.issues.map((i) => i.message)).toEqual([OFFSET_WHOLE]);
  });
});
