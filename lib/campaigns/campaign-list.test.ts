// The campaign list a page at a time against the real database: 120 campaigns, 50 a page, newest
// edited first; the state filter and the name search in the database; the figures computed for
// the page's campaigns only; the API's cursor pages.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { createUsers } from "../delivery/testing/fixtures";
import { campaignOverviews } from "./campaign-overview";
import { CampaignCursorError, countCampaigns, encodeCampaignCursor, listCampaignPage, listCampaigns } from "./campaign-list";

const STATUSES = ["draft", "active", "paused", "finished"] as const;
const base = Date.UTC(2026, 0, 1);
// campaign i was edited i minutes after base: 120 is the newest
const name = (i: number) => `Campaign ${String(i).padStart(3, "0")}`;
const names = (rows: { name: string }[]) => rows.map((r) => r.name);
const newest = (from: number, count: number) => Array.from({ length: count }, (_, k) => name(from - k));

beforeAll(async () => {
  await createUsers(4, "cl");
  await db().campaign.createMany({
    data: Array.from({ length: 120 }, (_, k) => {
      const i = k + 1;
      return { name: name(i), status: STATUSES[i % 4], deliveryRule: { when: "immediate" }, updatedAt: new Date(base + i * 60_000) };
    }),
  });
  const first = await db().campaign.findFirstOrThrow({ where: { name: name(120) } });
  await db().action.create({ data: { campaignId: first.id, name: "Hook", urlTemplate: "https://crm.example.com/x/{{user.id}}", fields: [], headers: [], position: 0 } });
});

const byName = async (n: string) => (await db().campaign.findFirstOrThrow({ where: { name: n } })).id;

describe("listCampaignPage", () => {
  it("reads 50 a page, newest edited first, and only the page's campaigns' figures", async () => {
    const asked: string[][] = [];
    const overviews = (ids: string[]) => (asked.push(ids), campaignOverviews(ids));
    const page1 = await listCampaignPage({ page: 1 }, { overviews });
    expect(page1).toMatchObject({ page: 1, pageCount: 3, total: 120, perPage: 50 });
    expect(names(page1.campaigns)).toEqual(newest(120, 50));
    expect(page1.campaigns[0]).toMatchObject({ actionCount: 1, destinations: ["crm.example.com"], overview: { audience: 4, delivered: 0, failed: 0, lastSentAt: null } });
    // the figures were computed once, for page 1's 50 campaigns: not for one on page 2
    expect(asked).toHaveLength(1);
    expect(asked[0]).toEqual(page1.campaigns.map((c) => c.id));
    expect(asked[0]).not.toContain(await byName(name(60)));

    const page2 = await listCampaignPage({ page: 2 }, { overviews });
    expect(names(page2.campaigns)).toEqual(newest(70, 50));
    expect(asked[1]).toContain(await byName(name(60)));
    const page3 = await listCampaignPage({ page: 3 }, { overviews });
    expect(names(page3.campaigns)).toEqual(newest(20, 20));
    // past the end: nothing read, nothing computed
    const page4 = await listCampaignPage({ page: 4 }, { overviews });
    expect(page4).toMatchObject({ campaigns: [], page: 4, pageCount: 3, total: 120 });
    expect(asked).toHaveLength(3);
  });

  it("filters by state and searches the name in the database, before paging", async () => {
    const active = await listCampaignPage({ page: 1, status: "active" });
    expect(active.total).toBe(30);
    expect(active.pageCount).toBe(1);
    expect(names(active.campaigns)).toEqual(newest(117, 117).filter((_, k) => k % 4 === 0));
    expect(active.campaigns.every((c) => c.status === "active")).toBe(true);

    const search = await listCampaignPage({ page: 1, q: "11" }, { perPage: 5 });
    expect(search).toMatchObject({ total: 11, pageCount: 3 });
    expect(names(search.campaigns)).toEqual(["Campaign 119", "Campaign 118", "Campaign 117", "Campaign 116", "Campaign 115"]);
    expect(names((await listCampaignPage({ page: 3, q: "11" }, { perPage: 5 })).campaigns)).toEqual(["Campaign 011"]);
    // any case
    expect((await listCampaignPage({ page: 1, q: "CAMPAIGN 11" })).total).toBe(10);
    expect(names((await listCampaignPage({ page: 1, q: "campaign 11", status: "paused" })).campaigns)).toEqual(["Campaign 118", "Campaign 114", "Campaign 110"]);
    expect(await countCampaigns({ search: "no such campaign" })).toBe(0);
  });

});

describe("listCampaigns (the API's pages)", () => {
  it("walks every campaign once with the cursor, filters kept", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listCampaigns({ limit: 50, cursor });
      seen.push(...names(page.campaigns));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(seen).toEqual(newest(120, 120));

    const paused = await listCampaigns({ status: "paused", limit: 20 });
    expect(paused.campaigns).toHaveLength(20);
    const rest = await listCampaigns({ status: "paused", limit: 20, cursor: paused.nextCursor! });
    expect(names(rest.campaigns)).toEqual(newest(118, 118).filter((_, k) => k % 4 === 0).slice(20));
    expect(rest.nextCursor).toBeNull();
  });

  it("keeps its place among campaigns edited at the same moment, and refuses a cursor it did not give", async () => {
    const at = new Date(base + 10_000_000);
    await db().campaign.createMany({ data: Array.from({ length: 5 }, (_, i) => ({ name: `Tie ${i}`, deliveryRule: {}, updatedAt: at })) });
    const a = await listCampaigns({ search: "tie", limit: 2 });
    const b = await listCampaigns({ search: "tie", limit: 2, cursor: a.nextCursor! });
    const c = await listCampaigns({ search: "tie", limit: 2, cursor: b.nextCursor! });
    expect(new Set([...names(a.campaigns), ...names(b.campaigns), ...names(c.campaigns)]).size).toBe(5);
    expect(c.nextCursor).toBeNull();
    await expect(listCampaigns({ cursor: "nonsense" })).rejects.toBeInstanceOf(CampaignCursorError);
    expect(encodeCampaignCursor({ updatedAt: at, id: "x" })).toMatch(/^[\w-]+$/);
  });
});

describe("the name search", () => {
  it("takes %, _ and \\ in a search as written (Prisma's contains found \"500 off\" for \"50%\")", async () => {
    await db().campaign.createMany({
      data: [
        { name: "50% off Friday", deliveryRule: {} },
        { name: "500 off Monday", deliveryRule: {} },
        { name: "a_b test", deliveryRule: {} },
        { name: "axb test", deliveryRule: {} },
      ],
    });
    expect(names((await listCampaignPage({ page: 1, q: "50%" })).campaigns)).toEqual(["50% off Friday"]);
    expect(names((await listCampaignPage({ page: 1, q: "a_b" })).campaigns)).toEqual(["a_b test"]);
    expect((await listCampaignPage({ page: 1, q: "\\" })).total).toBe(0);
  });

  it("ignores the case of A-Z and nothing else, alike on both databases (PostgreSQL's ILIKE also folded É)", async () => {
    await db().campaign.createMany({ data: [{ name: "Émile's welcome", deliveryRule: {} }, { name: "WINTER sale", deliveryRule: {} }] });
    expect(names((await listCampaignPage({ page: 1, q: "winter" })).campaigns)).toEqual(["WINTER sale"]);
    expect(names((await listCampaignPage({ page: 1, q: "Émile" })).campaigns)).toEqual(["Émile's welcome"]);
    expect(names((await listCampaignPage({ page: 1, q: "ÉMILE" })).campaigns)).toEqual(["Émile's welcome"]);
    expect(names((await listCampaignPage({ page: 1, q: "émile" })).campaigns)).toEqual([]);
  });
});
