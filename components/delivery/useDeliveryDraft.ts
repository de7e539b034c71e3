"use client";
// The Delivery section's state, held by the campaign page so that its one Save button saves the
// campaign and how it delivers together, on a new campaign too. Each webhook's timing follows the
// webhooks as edited (by their row key), and names them by position when saved ("@0").
import { useState } from "react";
import { actionRef } from "@/lib/campaigns/delivery-refs";
import type { AudienceForm } from "./AudienceFields";
import { formFromStored, settingsFromForm, timingOf, type ActionTiming, type DeliveryForm, type DeliveryInitial, type StoredAction } from "./delivery-form-state";
import type { LimitsForm } from "./LimitsFields";
import { useTimeZoneChoices } from "./TimeZoneList";
import { instantFromZonedInput, rezonedInputValue, zonedInputValue } from "@/lib/delivery/forms/utc-input";
import { useRoleAllows } from "../auth/MemberRole";
import { mergeDelivery, type DeliverySettingsSide } from "@/lib/campaigns/delivery-merge";

/** A webhook of the page as the Delivery section sees it. */
export type LiveAction = { uid: string; id?: string; name: string };

function audienceOf(raw: unknown): AudienceForm {
  const a = raw as Partial<AudienceForm> | null;
  return { match: a?.match === "any" ? "any" : "all", conditions: Array.isArray(a?.conditions) ? a.conditions : [] };
}

const blank = (a: LiveAction): StoredAction => ({ id: a.id ?? a.uid, name: a.name, subDelivery: null, retryPolicy: "default", rateLimitPerSecond: null });

export function useDeliveryDraft(initial: DeliveryInitial, live: LiveAction[]) {
  const [form, setForm] = useState<Omit<DeliveryForm, "actions">>(() => formFromStored(initial.rule, []));
  // only an admin may change the exemption: an editor's page leaves it out, so a value an admin changed
  // since the page opened does not refuse the editor's whole save (lib/delivery/forms/settings.ts)
  const mayExempt = useRoleAllows("admin");
  // A rule without a zone of its own (a new campaign's, an immediate or triggered one) starts in the
  // browser's zone, known only after hydration (so the server's render stays UTC); a saved zone stays.
  const browserZone = useTimeZoneChoices()[0];
  const [zoneSettled, setZoneSettled] = useState(() => typeof (initial.rule as { timeZone?: unknown } | null)?.timeZone === "string");
  if (!zoneSettled && browserZone) {
    setZoneSettled(true);
    setForm((f) => ({ ...f, timeZone: browserZone }));
  }
  const [stored, setStored] = useState(() => new Map(initial.actions.map((a) => [a.id, a])));
  const [edited, setEdited] = useState<Record<string, ActionTiming>>({});
  const [audience, setAudience] = useState<AudienceForm>(() => audienceOf(initial.audience));
  // Start and end are typed in a zone of the form's own (stored as UTC instants): UTC on the server's
  // render, then the browser's; a change of zone keeps the same instants, shown in the new zone.
  const [limits, setLimits] = useState<LimitsForm>(() => ({
    startAt: zonedInputValue(initial.startAt),
    endAt: zonedInputValue(initial.endAt),
    zone: "UTC",
    capExempt: initial.capExempt,
  }));
  const setLimitsZone = (zone: string) =>
    setLimits((l) => ({ ...l, zone, startAt: rezonedInputValue(l.startAt, l.zone, zone), endAt: rezonedInputValue(l.endAt, l.zone, zone) }));
  const [limitsZoneSettled, setLimitsZoneSettled] = useState(false);
  if (!limitsZoneSettled && browserZone) {
    setLimitsZoneSettled(true);
    setLimitsZone(browserZone);
  }

  // Keyed by the row's uid (stable across saves); the stored timing until edited.
  const timings: ActionTiming[] = live.map((a) => ({ ...(edited[a.uid] ?? timingOf((a.id && stored.get(a.id)) || blank(a))), id: a.uid, name: a.name }));
  const full: DeliveryForm = { ...form, actions: timings };

  /** The settings the server action parses, webhooks named by their position in the draft. */
  function settings(actions: LiveAction[] = live) {
    const refs = new Map(actions.map((a, i) => [a.uid, actionRef(i)]));
    const base = settingsFromForm(full);
    return {
      ...base,
      actions: base.actions.flatMap((a) => (refs.has(a.id) ? [{ ...a, id: refs.get(a.id)! }] : [])),
      audience: { ...audience, conditions: audience.conditions.filter((c) => c.key.trim()) },
      // the inputs are wall-clock times in the limits' zone
      startAt: instantFromZonedInput(limits.startAt, limits.zone),
      endAt: instantFromZonedInput(limits.endAt, limits.zone),
      ...(mayExempt ? { capExempt: limits.capExempt } : {}),
    };
  }

  /**
   * The same with webhooks named by their saved ids (Activate, on a saved campaign; unsaved webhooks
   * left out). `actions`: the webhooks as a save just stored them, when it ran in this same event.
   */
  function savedSettings(actions: LiveAction[] = live) {
    const s = settings(actions);
    const ids = new Map(actions.map((a, i) => [actionRef(i), a.id]));
    return { ...s, actions: s.actions.flatMap((a) => (ids.get(a.id) ? [{ ...a, id: ids.get(a.id)! }] : [])) };
  }

  const current = JSON.stringify(settings());
  const [baseline, setBaseline] = useState(current);
  // after `showStored`: what the form shows once re-rendered is the stored settings, no change of this page's
  const [baselinePending, setBaselinePending] = useState(false);
  if (baselinePending) {
    setBaselinePending(false);
    setBaseline(current);
  }

  /** Shows the settings as stored now (another's save, merged into an unedited section), in the zones the form uses. */
  function showStored(next: DeliveryInitial) {
    const rule = formFromStored(next.rule, []);
    const ownZone = typeof (next.rule as { timeZone?: unknown } | null)?.timeZone === "string";
    setForm(!ownZone && browserZone ? { ...rule, timeZone: browserZone } : rule);
    setStored(new Map(next.actions.map((a) => [a.id, a])));
    setEdited({});
    setAudience(audienceOf(next.audience));
    setLimits((l) => ({ ...l, startAt: zonedInputValue(next.startAt, l.zone), endAt: zonedInputValue(next.endAt, l.zone), capExempt: next.capExempt }));
    setBaselinePending(true);
  }

  /** A stored read of the settings as this form would send them (webhooks by saved id), in the zones it uses. */
  function sideOfStored(d: DeliveryInitial): DeliverySettingsSide {
    const f = formFromStored(d.rule, d.actions);
    const ownZone = typeof (d.rule as { timeZone?: unknown } | null)?.timeZone === "string";
    const s = settingsFromForm(!ownZone && browserZone ? { ...f, timeZone: browserZone } : f);
    const a = audienceOf(d.audience);
    const instant = (iso: string | null) => instantFromZonedInput(zonedInputValue(iso, limits.zone), limits.zone);
    return { rule: s.rule, actions: s.actions, audience: { ...a, conditions: a.conditions.filter((c) => c.key.trim()) }, startAt: instant(d.startAt), endAt: instant(d.endAt), capExempt: d.capExempt };
  }

  /**
   * "Merge their changes" into an edited section: field by field (lib/campaigns/delivery-merge.ts), so
   * the next Save, at their version, reverts nothing of theirs this page did not change. A webhook not
   * among theirs (new here, or kept as new after their delete) keeps its timing as shown.
   */
  function mergeStored(base: DeliveryInitial, theirs: DeliveryInitial, labelOf: (id: string) => string) {
    const mine = savedSettings();
    const theirSide = sideOfStored(theirs);
    const { settings: s, ...report } = mergeDelivery(sideOfStored(base), { ...mine, rule: mine.rule as Record<string, unknown> }, theirSide, labelOf);
    const ids = new Set(s.actions.map((a) => a.id));
    const keep = Object.fromEntries(timings.flatMap((t, i) => (live[i]?.id && ids.has(live[i].id) ? [] : [[t.id, t]])));
    const rule = formFromStored(s.rule, []);
    setForm((f) => (typeof s.rule.timeZone === "string" ? rule : { ...rule, timeZone: f.timeZone }));
    setStored(new Map(s.actions.map((a) => [a.id, { ...a, name: "" }])));
    setEdited(keep);
    setAudience(audienceOf(s.audience));
    setLimits((l) => ({ ...l, startAt: zonedInputValue(s.startAt, l.zone), endAt: zonedInputValue(s.endAt, l.zone), capExempt: s.capExempt ?? l.capExempt }));
    // what differs from theirs is this page's change still to save
    if (JSON.stringify(s) === JSON.stringify(theirSide) && Object.keys(keep).length === 0) setBaselinePending(true);
    else setBaseline("");
    return report;
  }

  return {
    form: full,
    audience,
    limits,
    settings,
    savedSettings,
    dirty: current !== baseline,
    set: (patch: Partial<DeliveryForm>) => {
      const { actions, ...rest } = patch;
      if (actions) setEdited((e) => ({ ...e, ...Object.fromEntries(actions.map((t) => [t.id, t])) }));
      setForm((f) => ({ ...f, ...rest }));
    },
    setAudience,
    setLimits: (patch: Partial<LimitsForm>) => setLimits((l) => ({ ...l, ...patch })),
    setLimitsZone,
    /** after a save or an activation: what is shown is what is stored */
    markSaved: (actions: LiveAction[] = live) => setBaseline(JSON.stringify(settings(actions))),
    showStored,
    mergeStored,
  };
}

export type DeliveryDraft = ReturnType<typeof useDeliveryDraft>;
