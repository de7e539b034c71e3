import { describe, expect, it } from "vitest";
import { matchesAll } from "./conditions";
import { matchesSegment, parseSegment } from "./segment";

const mary = { id: "u1", email: "mary@example.com", timezone: "Europe/Paris", attributes: { city: "Paris", plan: "pro", age: 34, tags: ["vip"], address: { zip: "75001" } } };

describe("matchesSegment", () => {
  it("matches everyone without conditions", () => {
    expect(matchesSegment(mary, parseSegment(null))).toBe(true);
    expect(matchesSegment(mary, parseSegment({ match: "all", conditions: [] }))).toBe(true);
  });

  it("applies each operator", () => {
    const is = (operator: string, key: string, value?: unknown) =>
      matchesSegment(mary, parseSegment({ match: "all", conditions: [{ key, operator, value }] }));
    expect(is("equals", "city", "paris")).toBe(true);
    expect(is("equals", "age", "34")).toBe(true);
    expect(is("notEquals", "plan", "free")).toBe(true);
    expect(is("contains", "email", "@example")).toBe(true);
    expect(is("contains", "tags", "vip")).toBe(true);
    expect(is("exists", "address.zip")).toBe(true);
    expect(is("exists", "phone")).toBe(false);
    expect(is("greater", "age", 30)).toBe(true);
    expect(is("less", "age", 30)).toBe(false);
    expect(is("inList", "plan", "free, pro")).toBe(true);
    expect(is("inList", "plan", ["team"])).toBe(false);
    expect(is("equals", "timezone", "Europe/Paris")).toBe(true);
  });

  it("reads the built-in id, email and time zone, never an attribute of that name stored before such names were refused (even when the field is empty)", () => {
    const shadowed = { id: "u2", email: null, timezone: "Europe/Paris", attributes: { id: "u1", email: "mary@example.com", timezone: "Pacific/Kiritimati" } };
    const is = (key: string, value: string) => matchesSegment(shadowed, parseSegment({ match: "all", conditions: [{ key, operator: "equals", value }] }));
    expect(is("timezone", "Pacific/Kiritimati")).toBe(false);
    expect(is("timezone", "Europe/Paris")).toBe(true);
    expect(is("email", "mary@example.com")).toBe(false);
    expect(is("id", "u1")).toBe(false);
    expect(matchesSegment(shadowed, parseSegment({ match: "all", conditions: [{ key: "email", operator: "exists" }] }))).toBe(false);
  });

  it("combines with all or any", () => {
    const conditions = [{ key: "city", operator: "equals", value: "Tokyo" }, { key: "plan", operator: "equals", value: "pro" }];
    expect(matchesSegment(mary, parseSegment({ match: "all", conditions }))).toBe(false);
    expect(matchesSegment(mary, parseSegment({ match: "any", conditions }))).toBe(true);
  });

  it("reads only a user's own attributes: keys that name what every object inherits match nobody who lacks them", () => {
    const is = (operator: string, key: string, value?: unknown) =>
      matchesSegment(mary, parseSegment({ match: "all", conditions: [{ key, operator, value }] }));
    for (const key of ["toString", "valueOf", "hasOwnProperty", "constructor", "__proto__", "city.length", "address.constructor", "address.zip.toString"]) {
      expect(is("exists", key), key).toBe(false);
    }
    expect(is("contains", "constructor", "function")).toBe(false);
    expect(is("exists", "tags.0")).toBe(true);
    // a user who does have such an attribute still matches on it
    const odd = { id: "u2", attributes: { constructor: "yes", meta: { valueOf: 3 } } };
    expect(matchesSegment(odd, parseSegment({ match: "all", conditions: [{ key: "constructor", operator: "equals", value: "yes" }] }))).toBe(true);
    expect(matchesSegment(odd, parseSegment({ match: "all", conditions: [{ key: "meta.valueOf", operator: "greater", value: 2 }] }))).toBe(true);
    // trigger conditions read event parameters the same way
    expect(matchesAll({}, [{ key: "constructor", operator: "contains", value: "function" }])).toBe(false);
    expect(matchesAll({ amount: 5 }, [{ key: "toString", operator: "exists" }])).toBe(false);
  });

  it("compares a date with a number as Unix seconds, as every number that is a time is read (lib/date-input.ts)", () => {
    const ann = { id: "u3", attributes: { signupDate: "2026-11-01T00:00:00Z", lastSeen: 1793491200, age: 34 } };
    const is = (key: string, operator: string, value: unknown) => matchesSegment(ann, parseSegment({ match: "all", conditions: [{ key, operator, value }] }));
    const oct31 = 1793404800; // 2026-10-31T00:00:00Z
    const nov2 = 1793577600; // 2026-11-02T00:00:00Z
    // a date compared with a number of seconds as milliseconds with seconds: after every such number, before none
    expect(is("signupDate", "greater", nov2)).toBe(false);
    expect(is("signupDate", "less", nov2)).toBe(true);
    expect(is("signupDate", "greater", oct31)).toBe(true);
    expect(is("signupDate", "less", oct31)).toBe(false);
    // typed in the Audience section, the value is a string of digits
    expect(is("signupDate", "greater", String(nov2))).toBe(false);
    expect(is("signupDate", "less", String(nov2))).toBe(true);
    // a number attribute holding a Unix time, against a date
    expect(is("lastSeen", "greater", "2026-10-31")).toBe(true);
    expect(is("lastSeen", "less", "2026-10-31")).toBe(false);
    // dates with dates, numbers with numbers, as before
    expect(is("signupDate", "greater", "2026-10-31T23:59:59Z")).toBe(true);
    expect(is("signupDate", "less", "2026-11-01T01:00:00+02:00")).toBe(false);
    expect(is("age", "greater", 30)).toBe(true);
    expect(is("age", "less", "40")).toBe(true);
    expect(is("lastSeen", "greater", 1793491199)).toBe(true);
    // trigger conditions read an event's parameters the same way
    expect(matchesAll({ startsAt: "2026-11-01T00:00:00Z" }, [{ key: "startsAt", operator: "less", value: nov2 }])).toBe(true);
    expect(matchesAll({ startsAt: "2026-11-01T00:00:00Z" }, [{ key: "startsAt", operator: "greater", value: nov2 }])).toBe(false);
  });

  it("refuses an unreadable audience instead of sending to everyone", () => {
    expect(() => parseSegment({ conditions: [{ key: "x", operator: "like" }] })).toThrow(/audience/);
  });
});
