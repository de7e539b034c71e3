import { describe, expect, it, vi } from "vitest";
import { db } from "../db";
import { parseDateInput } from "../date-input";
import { audienceZones, countMatchingUsers, countMatchingUsersForEach } from "./count";
import type { Segment } from "./segment";

// every reading of a date, counted (and done as before): a filter's value is read once per count, not once per user
vi.mock("../date-input", async (original) => {
  const actual = await original<typeof import("../date-input")>();
  return { ...actual, parseDateInput: vi.fn(actual.parseDateInput) };
});
const readsOf = (value: string) => vi.mocked(parseDateInput).mock.calls.filter(([v]) => v === value).length;

describe("audience counts", () => {
  it("counts the users a segment matches, and every user, the same way for one segment and for several", async () => {
    await db().user.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({ id: `count-${String(i).padStart(2, "0")}`, attributes: { plan: i % 3 === 0 ? "pro" : "free" } })),
    });
    const pro: Segment = { match: "all", conditions: [{ key: "plan", operator: "equals", value: "pro" }] };
    expect(await countMatchingUsers(pro, "admin")).toEqual({ matching: 4, total: 12 });
    expect(await countMatchingUsers(null, "admin")).toEqual({ matching: 12, total: 12 });
    expect(await countMatchingUsersForEach([pro, null])).toEqual([4, 12]);
    // a key every object inherits counts nobody who lacks it, like the fan-out
    const inherited: Segment = { match: "any", conditions: ["constructor", "toString", "valueOf"].map((key) => ({ key, operator: "exists" as const })) };
    expect(await countMatchingUsers(inherited, "admin")).toEqual({ matching: 0, total: 12 });
  });

  it("counts users by a date attribute against a number of Unix seconds or a date, reading the filter's value once", async () => {
    const days = ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"];
    await db().user.createMany({ data: days.map((day, i) => ({ id: `signup-${i}`, attributes: { signupDate: `${day}T00:00:00Z` } })) });
    const after = (value: string | number): Segment => ({ match: "all", conditions: [{ key: "signupDate", operator: "greater", value }] });
    // after 2026-11-01T00:00:00Z: the 2nd and the 3rd of November
    expect(await countMatchingUsers(after(1793491200), "admin")).toMatchObject({ matching: 2 });
    expect(await countMatchingUsers(after("1793491200"), "admin")).toMatchObject({ matching: 2 });
    expect(await countMatchingUsers(after("2026-11-01"), "admin")).toMatchObject({ matching: 2 });
    expect(await countMatchingUsersForEach([after(1793491200), after("2026-10-31")])).toEqual([2, 3]);
    vi.mocked(parseDateInput).mockClear();
    await countMatchingUsers(after("2026-11-01T00:00:00Z"), "admin");
    expect(readsOf("2026-11-01T00:00:00Z")).toBe(2); // the filter once, and the one user whose signupDate it is
    vi.mocked(parseDateInput).mockClear();
    await countMatchingUsersForEach([after("2026-10-29"), after("2026-10-29")]);
    expect(readsOf("2026-10-29")).toBe(2); // once per segment
  });
});

describe("audienceZones", () => {
  it("tallies the audience's users by time zone: one aggregate for everyone, the same pass as the count for a segment", async () => {
    await db().user.createMany({
      data: [
        { id: "zone-1", timezone: "Asia/Tokyo", attributes: { zonePlan: "pro" } },
        { id: "zone-2", timezone: "Asia/Tokyo", attributes: { zonePlan: "free" } },
        { id: "zone-3", timezone: "Europe/Paris", attributes: { zonePlan: "pro" } },
        { id: "zone-4", timezone: null, attributes: { zonePlan: "pro" } },
      ],
    });
    const byZone = (zones: { zone: string | null; users: number }[]) => Object.fromEntries(zones.map((z) => [z.zone ?? "none", z.users]));
    const everyone = await audienceZones(null, "admin");
    expect(everyone.complete).toBe(true);
    expect(byZone(everyone.zones)).toMatchObject({ "Asia/Tokyo": 2, "Europe/Paris": 1 }); // and the users of the tests above, without a zone
    const pro = await audienceZones({ match: "all", conditions: [{ key: "zonePlan", operator: "equals", value: "pro" }] }, "admin");
    expect(byZone(pro.zones)).toEqual({ "Asia/Tokyo": 1, "Europe/Paris": 1, none: 1 });
  });
});
