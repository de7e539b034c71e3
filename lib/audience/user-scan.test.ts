// The Users page filtered by an attribute (/users?attribute=&value=, any viewer) reads the filter from
// each user's JSON: a filter nobody matches read every user, up to 200,000 of them with up to 256 KiB of
// attributes each, for one page view, and nothing limits how often a viewer opens it. Now one request
// reads at most MAX_USER_SCAN_BYTES of attributes and answers with what matched so far and a
// nextCursor to go on from; following the cursors finds every match.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { listUsers, MAX_USER_SCAN_BYTES } from "./users";

const BLOB = 240 * 1024;
const BIG_USERS = Math.ceil((MAX_USER_SCAN_BYTES * 1.6) / BLOB);

beforeAll(async () => {
  const blob = "x".repeat(BLOB);
  for (let i = 0; i < BIG_USERS; i += 20) {
    await db().user.createMany({ data: Array.from({ length: Math.min(20, BIG_USERS - i) }, (_, k) => ({ id: `big-${String(i + k).padStart(4, "0")}`, attributes: { blob } })) });
  }
  await db().user.create({ data: { id: "zz-vip", attributes: { vip: "yes" } } });
}, 120_000);

describe("an attribute filter over large users", () => {
  it("reads a bounded amount per request and goes on from its nextCursor until every match is found", async () => {
    const first = await listUsers({ attribute: "vip", value: "yes", limit: 50 }, "admin");
    // the budget ran out before the one matching user: nothing yet, and where to go on from
    expect(first.users).toEqual([]);
    expect(first.nextCursor).toMatch(/^big-/);

    const seen: string[] = [];
    let cursor: string | null = first.nextCursor;
    let requests = 1;
    while (cursor) {
      const page = await listUsers({ attribute: "vip", value: "yes", limit: 50, cursor }, "admin");
      seen.push(...page.users.map((u) => u.userId));
      cursor = page.nextCursor;
      expect(++requests).toBeLessThan(10);
    }
    expect(seen).toEqual(["zz-vip"]);
    expect(requests).toBe(2);
  }, 60_000);

  it("answers a filtered page without reading past the limit when matches come first", async () => {
    const page = await listUsers({ attribute: "blob", limit: 3 }, "admin");
    expect(page.users.map((u) => u.userId)).toEqual(["big-0000", "big-0001", "big-0002"]);
    expect(page.nextCursor).toBe("big-0002");
  });
});
