// The Delivery section's three-way merge (delivery-merge.ts): what they changed and I did not is
// theirs after the merge (the next Save must not revert it), a clash keeps mine and says theirs, and
// a form that may not change the cap exemption never writes its base's back.
import { describe, expect, it } from "vitest";
import { mergeDelivery, type DeliverySettingsSide } from "./delivery-merge";

const base: DeliverySettingsSide = {
  rule: { when: "scheduled", sendAt: "2026-03-01T09:00", timeZone: "Europe/Paris", inUserTimeZone: false, whenPassed: "sendNow", quietHours: null },
  actions: [
    { id: "a1", subDelivery: { kind: "immediate" }, retryPolicy: "default", rateLimitPerSecond: null },
    { id: "a2", subDelivery: { kind: "delay", seconds: 60 }, retryPolicy: "default", rateLimitPerSecond: null },
  ],
  audience: { match: "all", conditions: [] },
  startAt: null,
  endAt: null,
  capExempt: false,
};
const label = (id: string) => `Webhook ${id.slice(1)}`;

describe("mergeDelivery", () => {
  it("keeps every delivery field they changed that I did not, and mine where only I changed", () => {
    const mine = { ...base, rule: { ...base.rule, sendAt: "2026-03-02T09:00" } };
    const theirs: DeliverySettingsSide = {
      ...base,
      rule: { ...base.rule, timeZone: "Asia/Tokyo" },
      actions: [
        { ...base.actions[0]!, retryPolicy: "none" },
        { ...base.actions[1]!, subDelivery: { kind: "delay", seconds: 300 }, rateLimitPerSecond: 5 },
        { id: "a3", subDelivery: { kind: "delay", seconds: 3600 }, retryPolicy: "aggressive", rateLimitPerSecond: 2 },
      ],
      startAt: "2026-02-01T00:00:00.000Z",
      endAt: "2026-04-01T00:00:00.000Z",
      capExempt: true,
    };
    const { settings, fromThem, clashes } = mergeDelivery(base, mine, theirs, label);
    expect(clashes).toEqual([]);
    expect(settings.rule).toEqual({ ...base.rule, sendAt: "2026-03-02T09:00", timeZone: "Asia/Tokyo" });
    expect(settings.actions).toEqual(theirs.actions);
    expect(settings).toMatchObject({ startAt: "2026-02-01T00:00:00.000Z", endAt: "2026-04-01T00:00:00.000Z", capExempt: true });
    expect(fromThem).toEqual(expect.arrayContaining(["Delivery time zone", "Webhook 1 retries", "Webhook 2 timing", "Webhook 2 rate limit", "Delivery start", "Delivery end", "Cap exemption"]));
  });

  it("a field both changed keeps mine and names it with theirs", () => {
    const mine = { ...base, actions: [base.actions[0]!, { ...base.actions[1]!, retryPolicy: "none" }], endAt: "2026-05-01T00:00:00.000Z" };
    const theirs = { ...base, actions: [base.actions[0]!, { ...base.actions[1]!, retryPolicy: "aggressive" }], endAt: "2026-06-01T00:00:00.000Z" };
    const { settings, clashes } = mergeDelivery(base, mine, theirs, label);
    expect(settings.actions[1]!.retryPolicy).toBe("none");
    expect(settings.endAt).toBe("2026-05-01T00:00:00.000Z");
    expect(clashes.map((c) => c.text)).toEqual([
      "Both changed Webhook 2 retries: yours kept; theirs was aggressive",
      "Both changed Delivery end: yours kept; theirs was 2026-06-01T00:00:00.000Z",
    ]);
  });

  it("a form without the exemption (a non-admin's) takes theirs and never writes its base's back", () => {
    const { capExempt: _omit, ...mine } = base;
    const theirs = { ...base, capExempt: true };
    expect(mergeDelivery(base, mine, theirs, label).settings.capExempt).toBe(true);
    expect(mergeDelivery({ ...base, capExempt: true }, mine, { ...base, capExempt: false }, label).settings.capExempt).toBe(false);
  });
});
