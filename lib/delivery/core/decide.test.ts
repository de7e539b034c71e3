// decide() without a database: every rule that can stop a send, in its order.
import { describe, expect, it } from "vitest";
import { renderWebhookRequest } from "../../webhooks/render-request";
import type { WebhookTemplate } from "../../webhooks/types";
import type { BatchCampaign } from "../store/batch-context";
import type { ClaimedDelivery } from "../store/claim";
import { decide, EARLIER_STEP_RECHECK_MS, underCap, type DecideInput } from "./decide";

const now = new Date("2026-06-01T12:00:00Z"); // 14:00 in Paris
const template: WebhookTemplate = {
  method: "POST",
  url: "https://hooks.example.com/u/{{user.id}}",
  contentType: "application/json",
  fields: [{ key: "name", value: "{{userAttribute.firstName}}", type: "text" }],
  headers: [],
};
const delivery: ClaimedDelivery = { id: "d1", webhookId: "msg_1", campaignId: "c1", actionId: "a1", userId: "u1", eventData: null, plannedAt: now, attempts: 0, variantActionId: null };
const campaign: BatchCampaign = { id: "c1", name: "Spring", status: "active", capExempt: false, startAt: null, endAt: null, rule: { when: "immediate" } as BatchCampaign["rule"] };

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    delivery,
    campaign,
    action: { template, templateError: null },
    user: { id: "u1", email: "a@example.com", timezone: "Europe/Paris", attributes: { firstName: "Ana" } },
    now,
    render: renderWebhookRequest,
    blockedUntil: () => null,
    ...over,
  };
}

describe("decide", () => {
  it("sends the rendered request to its host", () => {
    const d = decide(input());
    expect(d).toMatchObject({ kind: "send", host: "hooks.example.com", request: { url: "https://hooks.example.com/u/u1", body: '{"name":"Ana"}' } });
    expect(d.kind === "send" && d.request.headers.find(([k]) => k === "webhook-id")?.[1]).toBe("msg_1");
  });

  it("suppresses when the campaign, action or user is gone, and when the campaign ended", () => {
    expect(decide(input({ user: undefined }))).toEqual({ kind: "suppress", reason: "The campaign, webhook or user was deleted" });
    expect(decide(input({ campaign: undefined }))).toMatchObject({ kind: "suppress" });
    expect(decide(input({ action: undefined }))).toMatchObject({ kind: "suppress" });
    expect(decide(input({ campaign: { ...campaign, endAt: new Date(now.getTime() - 1) } }))).toEqual({ kind: "suppress", reason: "The campaign had ended" });
  });

  it("suppresses a user {{required}} skips, naming the value; before the host breaker, so no trial is taken", () => {
    const required = { ...template, headers: [{ name: "X-Crm", value: '{{required user.crmId "no CRM id yet"}}' }], url: "https://hooks.example.com/u/{{required user.crmId}}" };
    expect(decide(input({ action: { template: required, templateError: null }, blockedUntil: () => now }))).toEqual({ kind: "suppress", reason: "Skipped: user.crmId is empty" });
    const has = { id: "u1", email: null, timezone: "UTC", attributes: { crmId: "c1" } };
    expect(decide(input({ action: { template: required, templateError: null }, user: has }))).toMatchObject({ kind: "send", request: { url: "https://hooks.example.com/u/c1" } });
  });

  it("renders a variant's content (Delivery.variantActionId) and keeps the step as the entry for its settings", () => {
    const step = { template, templateError: null };
    const variantB = { template: { ...template, url: "https://b.example.com/u/{{user.id}}" }, templateError: null };
    const d = decide(input({ delivery: { ...delivery, variantActionId: "a1-b" }, action: step, content: variantB }));
    expect(d).toMatchObject({ kind: "send", host: "b.example.com", request: { url: "https://b.example.com/u/u1" } });
    expect(d.kind === "send" && d.action).toBe(step);
    // the variant row was deleted meanwhile: nothing is sent in its place
    expect(decide(input({ delivery: { ...delivery, variantActionId: "a1-b" }, action: step, content: undefined }))).toMatchObject({ kind: "suppress" });
  });

  it("holds a row until the campaign's start date, whatever its rule (a hold, not a failure), before quiet hours and the template", () => {
    const startAt = new Date(now.getTime() + 86_400_000);
    const hold = { kind: "hold", dueAt: startAt, reason: "Held until the campaign's start: 2026-06-02 12:00 UTC" };
    for (const rule of [{ when: "immediate" }, { when: "triggered", event: "signup" }, { when: "scheduled", sendAt: "2026-06-01T09:00", timeZone: "UTC" }, { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" }]) {
      expect(decide(input({ campaign: { ...campaign, startAt, rule: rule as BatchCampaign["rule"] } }))).toEqual(hold);
    }
    const quiet = { when: "immediate", quietHours: { start: "13:00", end: "15:30" } } as BatchCampaign["rule"];
    expect(decide(input({ campaign: { ...campaign, startAt, rule: quiet }, action: { template: null, templateError: "broken" } }))).toEqual(hold);
    // started: sent
    expect(decide(input({ campaign: { ...campaign, startAt: now } })).kind).toBe("send");
    expect(decide(input({ campaign: { ...campaign, startAt: new Date(now.getTime() - 1) } })).kind).toBe("send");
  });

  it("hands the row back when the campaign is no longer active (paused meanwhile)", () => {
    expect(decide(input({ campaign: { ...campaign, status: "paused" } }))).toEqual({ kind: "release" });
  });

  it("holds for quiet hours in the user's zone, before the template is looked at", () => {
    const rule = { when: "immediate", quietHours: { start: "13:00", end: "15:30" } } as BatchCampaign["rule"];
    const d = decide(input({ campaign: { ...campaign, rule }, action: { template: null, templateError: "broken" } }));
    expect(d).toEqual({ kind: "hold", dueAt: new Date("2026-06-01T13:30:00Z"), reason: "Held for quiet hours until 15:30 Mon 1 Jun (Europe/Paris)" });
    // the same hours in UTC (12:00) are outside them
    expect(decide(input({ campaign: { ...campaign, rule }, user: { id: "u1", email: null, timezone: "UTC", attributes: { firstName: "Ana" } } })).kind).toBe("send");
  });

  it("holds a step whose earlier step (whose answer it reads) is not finished with this user: until that step's retry, or EARLIER_STEP_RECHECK_MS while it is sent or due (its result wakes the row sooner)", () => {
    const step = { actionId: "a0", label: "Webhook 1 (Create contact)", attributes: ["crmId"] };
    const reason = "Waiting for Webhook 1 (Create contact) to finish: it saves crmId from its response";
    const later = new Date(now.getTime() + EARLIER_STEP_RECHECK_MS + 60_000);
    // the earlier step retries after the recheck: looked at again then, not before
    expect(decide(input({ waitsFor: { step, delivery: { actionId: "a0", state: "retrying", dueAt: later } } }))).toEqual({ kind: "hold", dueAt: later, reason });
    // being sent (its due time passed), or due now: looked at again in EARLIER_STEP_RECHECK_MS
    const soon = new Date(now.getTime() + EARLIER_STEP_RECHECK_MS);
    expect(decide(input({ waitsFor: { step, delivery: { actionId: "a0", state: "sending", dueAt: later } } }))).toEqual({ kind: "hold", dueAt: soon, reason });
    expect(decide(input({ waitsFor: { step, delivery: { actionId: "a0", state: "scheduled", dueAt: now } } }))).toEqual({ kind: "hold", dueAt: soon, reason });
    // before the template: one that cannot render waits too (it may render once the value is saved)
    expect(decide(input({ action: { template: null, templateError: "broken" }, waitsFor: { step, delivery: { actionId: "a0", state: "sending", dueAt: now } } })).kind).toBe("hold");
    // a paused campaign's row goes back untouched, an ended campaign's is suppressed, as any
    expect(decide(input({ campaign: { ...campaign, status: "paused" }, waitsFor: { step, delivery: { actionId: "a0", state: "sending", dueAt: now } } })).kind).toBe("release");
  });

  it("fails (not retried) a step whose earlier step finished with this user undelivered when the user has no value it would have saved (missing, null, \"\"); sends one who has", () => {
    const step = { actionId: "a0", label: "Webhook 1 (Create contact)", attributes: ["crmId", "crmToken"] };
    const user = (attributes: Record<string, unknown>) => ({ id: "u1", email: null, timezone: "UTC", attributes: { firstName: "Ana", ...attributes } });
    const failed = [{ step, state: "failed" }];
    expect(decide(input({ missedSteps: failed, user: user({ crmToken: "t" }) }))).toEqual({ kind: "fail", error: "Not sent: Webhook 1 (Create contact) did not deliver (failed), so crmId was never saved; retried with it, this one waits for its answer" });
    expect(decide(input({ missedSteps: [{ step, state: "cancelled" }], user: user({ crmId: null, crmToken: "" }) }))).toEqual({
      kind: "fail",
      error: "Not sent: Webhook 1 (Create contact) did not deliver (cancelled), so crmId and crmToken were never saved; retried with it, this one waits for its answer",
    });
    // the values from before are there: sent with them
    expect(decide(input({ missedSteps: failed, user: user({ crmId: "old", crmToken: 0 }) })).kind).toBe("send");
    // before the template: a template that cannot render is not what the log should say
    expect(decide(input({ missedSteps: failed, action: { template: null, templateError: "broken" }, user: user({}) }))).toMatchObject({ kind: "fail", error: expect.stringMatching(/^Not sent: Webhook 1/) });
    // after the holds: a row in quiet hours waits (the value may come meanwhile)
    const rule = { when: "immediate", timeZone: "UTC", quietHours: { start: "10:00", end: "18:00" } } as BatchCampaign["rule"];
    expect(decide(input({ missedSteps: failed, campaign: { ...campaign, rule }, user: user({}) })).kind).toBe("hold");
  });

  it("fails (not retried) a step whose earlier step saved nothing for a user without the value: delivered without a value at its path, or no delivery at all; sends one who has", () => {
    const step = { actionId: "a0", label: "Webhook 1 (Create contact)", attributes: ["crmId", "crmToken"] };
    const paths = new Map([["crmId", "$.id"], ["crmToken", "$.auth.token"]]);
    const user = (attributes: Record<string, unknown>) => ({ id: "u1", email: null, timezone: "UTC", attributes: { firstName: "Ana", ...attributes } });
    const delivered = [{ step, state: "delivered", paths }];
    // only the path of what the user lacks
    expect(decide(input({ missedSteps: delivered, user: user({ crmToken: "t" }) }))).toEqual({
      kind: "fail",
      error: "Not sent: Webhook 1 (Create contact) delivered, but saved nothing from $.id (its attempt says why), so crmId was never saved; once the user has crmId, Retry sends this one",
    });
    expect(decide(input({ missedSteps: delivered, user: user({ crmId: "" }) }))).toEqual({
      kind: "fail",
      error: "Not sent: Webhook 1 (Create contact) delivered, but saved nothing from $.id or $.auth.token (its attempt says why), so crmId and crmToken were never saved; once the user has crmId and crmToken, Retry sends this one",
    });
    expect(decide(input({ missedSteps: [{ step, state: null }], user: user({ crmToken: "t" }) }))).toEqual({
      kind: "fail",
      error: "Not sent: Webhook 1 (Create contact) has no delivery to this user, so crmId was never saved; once the user has crmId, Retry sends this one",
    });
    // the values from before are there (0 is a value): sent with them
    expect(decide(input({ missedSteps: delivered, user: user({ crmId: "old", crmToken: 0 }) })).kind).toBe("send");
    expect(decide(input({ missedSteps: [{ step, state: null }], user: user({ crmId: "old", crmToken: false }) })).kind).toBe("send");
    // the first step in step order the user lacks a value of names the reason
    const second = { actionId: "a1", label: "Webhook 2 (Token)", attributes: ["crmToken"] };
    expect(decide(input({ missedSteps: [{ step: { ...step, attributes: ["crmId"] }, state: "delivered", paths }, { step: second, state: "failed" }], user: user({ crmId: "x" }) }))).toMatchObject({
      kind: "fail",
      error: expect.stringMatching(/^Not sent: Webhook 2 \(Token\) did not deliver \(failed\)/),
    });
  });

  it("suppresses a send the frequency cap stops, and only a send: what another rule stopped stays as decided", () => {
    const capped = "Frequency cap: 1 per day reached";
    expect(underCap(decide(input()), capped)).toEqual({ kind: "suppress", reason: capped });
    expect(underCap(decide(input()), undefined).kind).toBe("send");
    const ended = decide(input({ campaign: { ...campaign, endAt: new Date(now.getTime() - 1) } }));
    expect(underCap(ended, capped)).toEqual({ kind: "suppress", reason: "The campaign had ended" });
    const failed = decide(input({ action: { template: null, templateError: "broken" } }));
    expect(underCap(failed, capped)).toEqual({ kind: "fail", error: "broken" });
  });

  it("fails without a request when the action cannot load or the template cannot render", () => {
    expect(decide(input({ action: { template: null, templateError: "Could not load the webhook: bad key" } }))).toEqual({ kind: "fail", error: "Could not load the webhook: bad key" });
    const broken = decide(input({ render: () => ({ ok: false, errors: [{ field: "fields[0].value", message: '"x" is not defined' }], warnings: [] }) }));
    // worded as the editor words the field: by its key, not its index
    expect(broken).toEqual({ kind: "fail", error: 'Template error: Field "name" value: "x" is not defined' });
    const atLine = decide(input({ render: () => ({ ok: false, errors: [{ field: "url", message: "`{{` is not closed: add `}}`", line: 1, column: 9 }, { field: "headers[0].value", message: "bad" }], warnings: [] }) }));
    expect(atLine).toEqual({ kind: "fail", error: "Template error: URL (line 1, column 9): `{{` is not closed: add `}}`; Header 1 value: bad" });
    const thrown = decide(input({ render: () => { throw new Error("boom"); } }));
    expect(thrown).toEqual({ kind: "fail", error: "Template error: template: boom" });
  });

  it("pauses a send whose host's breaker is open, until it closes", () => {
    const until = new Date(now.getTime() + 30_000);
    const d = decide(input({ blockedUntil: (host) => (host === "hooks.example.com" ? until : null) }));
    expect(d).toEqual({ kind: "pause", dueAt: until, host: "hooks.example.com", reason: "Host on hold: hooks.example.com failed many requests in a row; next try after 12:00:30 UTC" });
  });
});

describe("decide: a step timed from what an earlier step saves (only this run's answer, timed once)", () => {
  const timedBy = { step: { actionId: "s1", label: "Webhook 1 (Due lookup)", attributes: ["dueAt"], timing: "dueAt", timingOnly: true as const }, attribute: "dueAt", subDelivery: { kind: "relative" as const, source: "user" as const, key: "dueAt", offsetSeconds: -36000 } };
  const user = (dueAt?: string) => ({ id: "u1", email: null, timezone: "UTC", attributes: dueAt ? { dueAt } : {} });
  const answeredAt = new Date(now.getTime() - 1000);
  // planned due at once (its base, before the answer)
  const waiting = { ...delivery, plannedAt: new Date(now.getTime() - 5000) };

  it("an earlier step that did not deliver times nothing, whatever the user holds from before (its state named; the cap's own words)", () => {
    const old = user("2026-06-01T15:00:00Z");
    expect(decide(input({ delivery: waiting, user: old, timedBy, timingAnswer: { state: "failed" } }))).toEqual({ kind: "suppress", reason: "Webhook 1 (Due lookup) did not deliver (failed), so dueAt was not saved" });
    expect(decide(input({ delivery: waiting, user: old, timedBy, timingAnswer: { state: "cancelled" } }))).toEqual({ kind: "suppress", reason: "Webhook 1 (Due lookup) did not deliver (cancelled), so dueAt was not saved" });
    // delivered, but its answer saved no dueAt: the value from before is not its answer
    expect(decide(input({ delivery: waiting, user: old, timedBy, timingAnswer: { state: "delivered", saved: false, at: answeredAt } }))).toEqual({
      kind: "suppress",
      reason: 'No time in user attribute "dueAt" after Webhook 1 (Due lookup) finished: it saves dueAt from its response',
    });
  });

  it("timed from the value its answer saved, once: a row re-planned after that answer (or attempted) keeps its time when another run saves a new date", () => {
    const saved = { state: "delivered", saved: true, at: answeredAt };
    expect(decide(input({ delivery: waiting, user: user("2026-06-02T10:00:00Z"), timedBy, timingAnswer: saved }))).toEqual({ kind: "replan", dueAt: new Date("2026-06-02T00:00:00Z") });
    // re-planned for 00:00 and claimed then; the attribute now holds another order's date: sent, not moved
    const replanned = { ...delivery, plannedAt: new Date("2026-06-02T00:00:00Z") };
    const at = new Date("2026-06-02T00:00:00Z");
    expect(decide(input({ delivery: replanned, now: at, user: user("2026-06-05T10:00:00Z"), timedBy, timingAnswer: saved }))).toMatchObject({ kind: "send" });
    expect(decide(input({ delivery: { ...waiting, attempts: 1 }, user: user("2026-06-05T10:00:00Z"), timedBy, timingAnswer: saved }))).toMatchObject({ kind: "send" });
    // no row of that step for this user and trigger (planned before it was added): planning's time stands
    expect(decide(input({ delivery: waiting, user: user(), timedBy, timingAnswer: { state: null } }))).toMatchObject({ kind: "send" });
  });
});
