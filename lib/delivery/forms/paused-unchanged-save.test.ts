// A paused campaign's Delivery section saved without a change (say to change a webhook's rate limit)
// must not be refused as a new send time, audience or kind of rule: the form reads the stored
// settings and builds them back (components/delivery/delivery-form-state.ts), which
// pausedChangeProblem compares with what is stored, however the API first spelt them.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { formFromStored, settingsFromForm } from "@/components/delivery/delivery-form-state";
import { deliverySettingsSchema, loadDeliverySettings, saveDeliverySettings } from "./settings";

async function pausedCampaign(settings: object) {
  const campaign = await db().campaign.create({
    data: { name: "Paused", deliveryRule: { when: "immediate" }, actions: { create: [{ name: "Hook", urlTemplate: "https://crm.example.com/hook", fields: [], headers: [] }] } },
    include: { actions: true },
  });
  const parsed = deliverySettingsSchema.parse(settings);
  expect(await saveDeliverySettings(campaign.id, parsed)).toMatchObject({ ok: true });
  await db().campaign.update({ where: { id: campaign.id }, data: { status: "paused", pausedAt: new Date() } });
  return campaign.id;
}

/** What the Delivery section's Save sends for the stored settings, untouched (useDeliveryDraft). */
async function unchangedSave(campaignId: string) {
  const initial = (await loadDeliverySettings(campaignId))!;
  const base = settingsFromForm(formFromStored(initial.rule, initial.actions));
  const a = initial.audience as { match?: string; conditions?: unknown[] } | null;
  return {
    ...base,
    audience: { match: a?.match === "any" ? "any" : "all", conditions: Array.isArray(a?.conditions) ? a.conditions : [] },
    startAt: initial.startAt ? `${initial.startAt.slice(0, 16)}:00Z` : "",
    endAt: initial.endAt ? `${initial.endAt.slice(0, 16)}:00Z` : "",
    capExempt: initial.capExempt,
  };
}

describe("a paused campaign's Delivery section saved unchanged", () => {
  const stored = {
    "at once, to an audience matching any of one condition": { rule: { when: "immediate" }, audience: { match: "any", conditions: [{ key: "plan", operator: "equals", value: "pro" }] } },
    "at once, to everyone (no audience stored)": { rule: { when: "immediate" } },
    "at a date, sendAt with seconds, quiet hours, each user's zone": {
      rule: { when: "scheduled", sendAt: "2099-01-01T09:00:00", timeZone: "europe/paris", inUserTimeZone: true, whenPassed: "skip", quietHours: { start: "22:00", end: "07:00" } },
      audience: { conditions: [{ key: "country", operator: "inList", value: ["FR", "BE"] }] },
    },
    "at a date, minimal": { rule: { when: "scheduled", sendAt: "2099-01-01T09:00", timeZone: "UTC" }, audience: null },
    "on an event without conditions": { rule: { when: "triggered", event: "signed_up" } },
    "recurring weekly with an end": { rule: { when: "recurring", frequency: "weekly", weekdays: [1, 3], time: "08:30", timeZone: "America/New_York", endsOn: "2099-06-30", maxOccurrences: 10 } },
  };
  for (const [name, settings] of Object.entries(stored)) {
    it(name, async () => {
      const id = await pausedCampaign(settings);
      const body = deliverySettingsSchema.parse(await unchangedSave(id));
      expect(await saveDeliverySettings(id, body)).toMatchObject({ ok: true });
    });
  }
});
