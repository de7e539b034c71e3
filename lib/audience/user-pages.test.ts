import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { rawDb } from "../db/raw";
import { activateCampaign } from "../delivery/store/lifecycle";
import { createCampaign } from "../delivery/testing/fixtures";
import { nextUserPage, userIdGroups } from "./user-pages";

// ~250 KiB of attributes as JSON: about what a user may hold (256 KiB)
const big = (i: number) => Object.fromEntries(Array.from({ length: 25 }, (_, k) => [`big${k}`, `${i}`.padEnd(10_000, "x")]));

/** `read` (test/heap-capped.ts) in a process of its own whose heap is capped at `capMb`: its output, or how it died. */
function inCappedProcess(read: "count" | "catalogue" | "activate" | "track", capMb: number, ...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", "test/heap-capped.ts", read, ...args], {
    env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${capMb}` },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: run.status, output: run.status === 0 ? run.stdout : `${run.signal ?? ""} ${run.stderr.slice(-300)}` };
}

describe("user pages", () => {
  it("a page holds at most `bytes` of attributes (one user at least) and the pages cover every user once, in id order", async () => {
    await db().user.createMany({ data: Array.from({ length: 10 }, (_, i) => ({ id: `page-${i}`, attributes: { a: "x".repeat(1000 * (i + 1)) } })) });
    const pages = [];
    for (let page = await nextUserPage(undefined, { bytes: 5000 }); page; page = await nextUserPage(page.id.lte, { bytes: 5000 })) pages.push(page);
    // sizes 1,010, 2,010, ... 10,010 bytes: 0+1 fit in 5,000, then one a page (each over it alone)
    expect(pages).toEqual([
      { id: { lte: "page-1" }, users: 2, bytes: expect.any(Number) },
      ...Array.from({ length: 8 }, (_, i) => ({ id: { gt: `page-${i + 1}`, lte: `page-${i + 2}` }, users: 1, bytes: expect.any(Number) })),
    ]);
    // each page says what its users' attributes weigh as JSON text (the value and a few bytes of JSON around it)
    pages.forEach((page, i) => {
      const values = i === 0 ? 3000 : 1000 * (i + 2);
      expect(page.bytes - values, `page ${i}`).toBeGreaterThanOrEqual(0);
      expect(page.bytes - values, `page ${i}`).toBeLessThan(25);
    });
    expect(await nextUserPage(undefined, { rows: 3 })).toMatchObject({ id: { lte: "page-2" }, users: 3 });
    await db().user.deleteMany({ where: { id: { startsWith: "page-" } } });
    expect(await nextUserPage(undefined)).toBeNull();
  });

  it("ids in groups: the same rule as a page (at most `rows` users and `bytes` of attributes, one user at least), in the order given; an unknown id weighs nothing", async () => {
    await db().user.createMany({ data: Array.from({ length: 10 }, (_, i) => ({ id: `group-${i}`, attributes: { a: "x".repeat(1000 * (i + 1)) } })) });
    const reader = rawDb(db());
    const ids = Array.from({ length: 10 }, (_, i) => `group-${i}`);
    // sizes 1,010, 2,010, ... 10,010 bytes: 0+1 fit in 5,000, then one a group (each over it alone)
    expect(await userIdGroups(reader, ids, { bytes: 5000 })).toEqual([["group-0", "group-1"], ...ids.slice(2).map((id) => [id])]);
    // given in another order, grouped in that order: 9 alone, then 0+1+2 (6,030 > 5,000: 0+1), then 2
    expect(await userIdGroups(reader, ["group-9", "group-0", "group-1", "group-2"], { bytes: 5000 })).toEqual([["group-9"], ["group-0", "group-1"], ["group-2"]]);
    expect(await userIdGroups(reader, ids, { rows: 4 })).toEqual([ids.slice(0, 4), ids.slice(4, 8), ids.slice(8)]);
    expect(await userIdGroups(reader, ["nobody-1", "group-0", "nobody-2"], { rows: 2, bytes: 2000 })).toEqual([["nobody-1", "group-0"], ["nobody-2"]]);
    expect(await userIdGroups(reader, [])).toEqual([]);
    // a page and a group of the same users are the same size
    const page = await nextUserPage(undefined, { rows: 4, bytes: 9000 });
    const [group] = await userIdGroups(reader, ids, { rows: 4, bytes: 9000 });
    expect(page).toMatchObject({ id: { lte: "group-2" }, users: 3 });
    expect(group).toEqual(ids.slice(0, 3));
    await db().user.deleteMany({ where: { id: { startsWith: "group-" } } });
  });

  // The audience count and the attribute catalogue (a viewer's count as they type, every visit of the
  // Users page) and a campaign's fan-out to a segment (its activation, each recurring run) read 5,000
  // users at once, the planning of tracked events all their users: at 256 KiB each, over 3 GB of heap, and the server died.
  it("the audience count, the attribute catalogue, a fan-out to a segment and tracked events read a bounded page at a time: they run in a heap capped far below the audience", async () => {
    const users = 800; // ~200 MB of attributes: read at once, ~600 MB of heap
    for (let i = 0; i < users; i += 20) {
      await db().user.createMany({ data: Array.from({ length: 20 }, (_, j) => ({ id: `big-${String(i + j).padStart(4, "0")}`, attributes: { plan: "pro", ...big(i + j) } })) });
    }
    expect(inCappedProcess("count", 256)).toEqual({ status: 0, output: JSON.stringify({ matching: users, total: users }) });
    expect(inCappedProcess("catalogue", 256)).toEqual({ status: 0, output: "26" });
    const campaign = await createCampaign({ url: "https://hooks.example.com/{{user.id}}", audience: { match: "all", conditions: [{ key: "plan", operator: "equals", value: "pro" }] } });
    expect(inCappedProcess("activate", 160, campaign.id)).toEqual({ status: 0, output: String(users) });
    await db().delivery.deleteMany({ where: { campaignId: campaign.id } });
    // tracked events: their users were read all at once to plan a triggered campaign (1,000 a request)
    const triggered = await createCampaign({ url: "https://hooks.example.com/{{user.id}}", rule: { when: "triggered", event: "renewed" } });
    expect((await activateCampaign(triggered.id)).ok).toBe(true);
    const ids = Array.from({ length: users }, (_, i) => `big-${String(i).padStart(4, "0")}`);
    expect(inCappedProcess("track", 160, "renewed", ...ids)).toEqual({ status: 0, output: String(users) });
    await db().delivery.deleteMany({ where: { campaignId: triggered.id } });
    await db().user.deleteMany({ where: { id: { startsWith: "big-" } } });
  }, 300_000);
});
