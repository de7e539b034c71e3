import { describe, expect, it } from "vitest";
import { breakerNextTry, breakerPauseReason, earlierStepHoldReason, earlierStepTimingReason, heldUntilText, holdOf, quietHoursHoldReason, readableReason, retryWaitsForStepMessage, startDateHoldReason } from "./hold-reason";
import { deliveryStateText } from "./states";

describe("the quiet-hours hold's wording", () => {
  it("says until when in the user's own zone, in words and a 24-hour clock", () => {
    // 07:00 UTC is 08:00 in Berlin on Saturday 5 December 2026
    expect(quietHoursHoldReason(new Date("2026-12-05T07:00:00Z"), "Europe/Berlin")).toBe("Held for quiet hours until 08:00 Sat 5 Dec (Europe/Berlin)");
    // the same instant on the other side of the date line is already Saturday evening
    expect(quietHoursHoldReason(new Date("2026-12-05T07:00:00Z"), "Pacific/Auckland")).toBe("Held for quiet hours until 20:00 Sat 5 Dec (Pacific/Auckland)");
    expect(quietHoursHoldReason(new Date("2026-06-01T13:30:00Z"), "UTC")).toBe("Held for quiet hours until 13:30 Mon 1 Jun (UTC)");
  });

  it("rewords rows held before (a raw ISO timestamp) and leaves every other reason as stored", () => {
    expect(readableReason("Held for quiet hours in Europe/Berlin until 2026-12-05T07:00:00.000Z")).toBe("Held for quiet hours until 08:00 Sat 5 Dec (Europe/Berlin)");
    expect(readableReason("Held for quiet hours until 08:00 Sat 5 Dec (Europe/Berlin)")).toBe("Held for quiet hours until 08:00 Sat 5 Dec (Europe/Berlin)");
    expect(readableReason("Frequency cap: 1 per day reached")).toBe("Frequency cap: 1 per day reached");
    expect(readableReason(null)).toBeNull();
  });

  it("tells a held row from a scheduled one, and only while it waits", () => {
    const reason = quietHoursHoldReason(new Date("2026-12-05T07:00:00Z"), "Europe/Berlin");
    expect(holdOf("scheduled", reason)).toBe("quiet_hours");
    expect(holdOf("scheduled", "Held for quiet hours in Europe/Berlin until 2026-12-05T07:00:00.000Z")).toBe("quiet_hours");
    expect(holdOf("scheduled", null)).toBeNull();
    // once sent, the old reason no longer makes it held
    expect(holdOf("delivered", reason)).toBeNull();
  });

  it("tells a row waiting for an earlier step's answer, by its wording, while it waits; a paused campaign's hold first", () => {
    const reason = earlierStepHoldReason("Webhook 1 (Create contact)", ["crmId", "score"]);
    expect(reason).toBe("Waiting for Webhook 1 (Create contact) to finish: it saves crmId, score from its response");
    expect(holdOf("scheduled", reason, "active")).toBe("earlier_step");
    expect(holdOf("scheduled", reason, "paused")).toBe("campaign_paused");
    expect(holdOf("delivered", reason, "active")).toBeNull();
    expect(heldUntilText(reason)).toBeNull();
  });

  it("holds every waiting row of a paused campaign, before quiet hours, and no row once it is sent or the campaign runs", () => {
    const reason = quietHoursHoldReason(new Date("2026-12-05T07:00:00Z"), "Europe/Berlin");
    expect(holdOf("scheduled", null, "paused")).toBe("campaign_paused");
    expect(holdOf("retrying", "Attempt 1: HTTP 503", "paused")).toBe("campaign_paused");
    expect(holdOf("scheduled", reason, "paused")).toBe("campaign_paused");
    expect(holdOf("scheduled", reason, "active")).toBe("quiet_hours");
    expect(holdOf("retrying", "Attempt 1: HTTP 503", "active")).toBeNull();
    for (const state of ["sending", "delivered", "failed", "suppressed", "cancelled"]) expect(holdOf(state, null, "paused")).toBeNull();
  });

  it("gives the log the 'until …' part of either wording", () => {
    expect(heldUntilText("Held for quiet hours until 08:00 Sat 5 Dec (Europe/Berlin)")).toBe("until 08:00 Sat 5 Dec (Europe/Berlin)");
    expect(heldUntilText("Held for quiet hours in Europe/Berlin until 2026-12-05T07:00:00.000Z")).toBe("until 08:00 Sat 5 Dec (Europe/Berlin)");
    expect(heldUntilText("Frequency cap: 1 per day reached")).toBeNull();
  });

  it("words a host breaker's pause with the time of day of the next try, not a raw timestamp", () => {
    expect(breakerPauseReason("hooks.example.com", new Date("2026-12-05T02:43:10.123Z"))).toBe("Host on hold: hooks.example.com failed many requests in a row; next try after 02:43:10 UTC");
  });

  it("gives the log the breaker's next try as an instant, for the row to show in the viewer's own format", () => {
    const reason = breakerPauseReason("hooks.example.com", new Date("2026-12-06T20:35:11Z"));
    // read the same day, or just after midnight UTC: the nearest instant with that time of day
    expect(breakerNextTry(reason, new Date("2026-12-06T20:34:30Z"))).toEqual({ before: "Host on hold: hooks.example.com failed many requests in a row; next try after ", at: new Date("2026-12-06T20:35:11Z") });
    expect(breakerNextTry(reason, new Date("2026-12-07T00:10:00Z"))?.at).toEqual(new Date("2026-12-06T20:35:11Z"));
    expect(breakerNextTry("Attempt 1: HTTP 500", new Date())).toBeNull();
    expect(breakerNextTry(null, new Date())).toBeNull();
    // a row held before the rewording reads the new words
    expect(readableReason("Paused: hooks.example.com failed many requests in a row; next try after 20:35:11 UTC")).toBe(reason);
  });

  it("holds a row until the campaign's start date, worded in UTC, read as its own hold", () => {
    const reason = startDateHoldReason(new Date("2026-12-07T09:00:00Z"));
    expect(reason).toBe("Held until the campaign's start: 2026-12-07 09:00 UTC");
    expect(holdOf("scheduled", reason, "active")).toBe("before_start");
    expect(holdOf("scheduled", reason, "paused")).toBe("campaign_paused");
    expect(holdOf("delivered", reason, "active")).toBeNull();
    expect(heldUntilText(reason)).toBe("until 2026-12-07 09:00 UTC");
    expect(deliveryStateText("scheduled", "before_start")).toBe("Held: before start date");
  });
});

describe("earlierStepTimingReason: a step timed from what an earlier step saves, suppressed once that step finished", () => {
  it("is planning's reason naming the step, and reads as no hold", () => {
    const none = earlierStepTimingReason('No time in user attribute "dueAt"', "Webhook 1 (Due lookup)", "dueAt");
    expect(none).toBe('No time in user attribute "dueAt" after Webhook 1 (Due lookup) finished: it saves dueAt from its response');
    expect(earlierStepTimingReason("Planned after the campaign's end date", "Webhook 1 (Due lookup)", "dueAt")).toBe("Planned after the campaign's end date: timed from dueAt, which Webhook 1 (Due lookup) saves from its response");
    expect(holdOf("suppressed", none)).toBeNull();
  });
});


describe("retryWaitsForStepMessage: a Retry refused because an earlier step never saved what this one reads", () => {
  it("advises retrying a failed or capped earlier step, never a cancelled one (a cancelled delivery is not sent again)", () => {
    expect(retryWaitsForStepMessage("Webhook 1 (Create contact)", "failed", "HTTP 500", ["crmId"])).toBe("Waits for Webhook 1 (Create contact), which did not deliver to this user (failed), so crmId was never saved: retry that one first.");
    const cancelled = retryWaitsForStepMessage("Webhook 1 (Create contact)", "cancelled", null, ["crmId", "score"]);
    expect(cancelled).toBe("Waits for Webhook 1 (Create contact), which was cancelled for this user, so crmId and score were never saved: a cancelled delivery is not sent again, so neither is this one (duplicate the campaign to send both).");
    expect(cancelled).not.toMatch(/retry that one/);
  });
});
