import { describe, expect, it } from "vitest";
import { db } from "../db";
import { countMatchingUsers, countMatchingUsersForEach } from "./count";
import type { Segment } from "./segment";

describe("audience counts", () => {
  it("counts the users a segment matches, and every user, the same way for one segment and for several", async () => {
    await db().user.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({ id: `count-${String(i).padStart(2, "0")}`, attributes: { plan: i % 3 === 0 ? "pro" : "free" } })),
    });
    const pro: Segment = { match: "all", conditions: [{ key: "plan", operator: "equals", value: "pro" }] };
    expect(await countMatchingUsers(pro)).toEqual({ matching: 4, total: 12 });
    expect(await countMatchingUsers(null)).toEqual({ matching: 12, total: 12 });
    expect(await countMatchingUsersForEach([pro, null])).toEqual([4, 12]);
    // a key every object inherits counts nobody who lacks it, like the fan-out
    const inherited: Segment = { match: "any", conditions: ["constructor", "toString", "valueOf"].map((key) => ({ key, operator: "exists" as const })) };
    expect(await countMatchingUsers(inherited)).toEqual({ matching: 0, total: 12 });
  });
});
