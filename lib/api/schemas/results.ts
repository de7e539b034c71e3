// The shape of GET /api/v1/campaigns/{id}/results (lib/campaigns/conversion-results.ts computes it).
import { z } from "zod";

const count = z.number().int().nonnegative();

const resultGroupSchema = z
  .object({
    key: z.string().meta({ description: '"A" (the webhook itself), "B".."P" (its variants) or "control"' }),
    label: z.string().meta({ description: '"Control", "A", "B · Shorter copy"; a control group that holds users held out at an earlier step says where: "Control (held out at Welcome)"' }),
    reached: count.meta({ description: "Users the step's request was sent to in this group (an attempt sent it, whatever the answer); not users only planned, waiting, suppressed or failed before a request existed, e.g. waiting for an earlier step's answer (control: users held out, here or at an earlier webhook of the campaign)" }),
    delivered: count.meta({ description: "Users with a delivered webhook (control: held-out users past the time they would have been sent)" }),
    converted: count.meta({ description: "Of the delivered users, those who tracked the goal event within the window after their first delivered webhook (control: after assignment)" }),
    rate: z.number().nullable().meta({ description: "converted / delivered; null without a goal or without delivered users" }),
    interval: z.object({ low: z.number(), high: z.number() }).nullable().meta({ description: "95% Wilson score interval of the rate" }),
    baseline: z.boolean().meta({ description: "The group the others are compared with: the control group, or A without one" }),
    lift: z.number().nullable().meta({ description: "(rate - baseline rate) / baseline rate; null for the baseline or when the baseline converts nobody" }),
    pValue: z.number().nullable().meta({ description: "Two-sided p-value of a pooled two-proportion z-test against the baseline" }),
    significant: z.boolean().meta({ description: "pValue < 0.05" }),
  })
  .meta({ id: "ResultGroup" });

const verdictSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("single") }),
    z.object({ kind: z.literal("too_small"), minUsers: count, minConversions: count }),
    z.object({ kind: z.literal("winner"), key: z.string(), lift: z.number().nullable(), pValue: z.number() }),
    z.object({ kind: z.literal("no_difference") }),
  ])
  .meta({
    id: "ResultVerdict",
    description: "single: nothing to compare (one group, or no goal); too_small: a group is below the minimum sample; winner: the best group significantly better than the baseline; no_difference: none is",
  });

export const campaignResultsSchema = z
  .object({
    campaignId: z.string(),
    goal: z.object({ event: z.string().nullable(), windowHours: z.number().int() }),
    method: z.string().meta({ description: "The method, in one sentence" }),
    minUsersPerGroup: count,
    minConversionsPerGroup: count,
    steps: z.array(
      z.object({ actionId: z.string(), name: z.string(), baseline: z.string().nullable(), groups: z.array(resultGroupSchema), verdict: verdictSchema }).meta({ id: "StepResults" }),
    ),
    goalOpenUntil: z.iso.datetime().nullable().meta({ description: "When the goal window of the last user reached closes: conversions may still arrive until then. Null without a goal or before anyone is reached" }),
    computedAt: z.iso.datetime(),
  })
  .meta({ id: "CampaignResults" });
