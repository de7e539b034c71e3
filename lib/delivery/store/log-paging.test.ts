// The delivery log paged by its cursor (nextCursor, passed back as `after`): each delivery once, in
// the log's order (most recently changed first, then id), ties of updatedAt included, with or without
// a filter; a delivery that changes while someone pages moves to the first page and is not shown twice.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { LogCursorError } from "../log-cursor";
import { createCampaign, createUsers } from "../testing/fixtures";
import { listDeliveries, type DeliveryFilter } from "./log-queries";

const N = 137;
const T0 = Date.parse("2026-03-01T12:00:00.000Z");
let campaignId = "";
let otherId = "";

beforeAll(async () => {
  await createUsers(N, "lpg");
  const campaign = await createCampaign({ url: "http://127.0.0.1:9/a", name: "Paged" });
  const other = await createCampaign({ url: "http://127.0.0.1:9/b", name: "Other" });
  campaignId = campaign.id;
  otherId = other.id;
  const row = (c: typeof campaign, i: number) => {
    // 7 rows share each updatedAt, so pages end inside a run of equal times
    const at = new Date(T0 + Math.floor(i / 7) * 1000);
    return {
      webhookId: `msg_lpg_${c.id}_${i}`, campaignId: c.id, actionId: c.actions[0].id, userId: `lpg${String(i).padStart(6, "0")}`, triggerKey: `lpg:${i}`,
      plannedAt: at, dueAt: at, state: i % 3 ? "delivered" : "failed", attempts: 1, updatedAt: at,
    };
  };
  await db().delivery.createMany({ data: Array.from({ length: N }, (_, i) => row(campaign, i)) });
  await db().delivery.createMany({ data: Array.from({ length: 40 }, (_, i) => row(other, i)) });
});

/** Every page from the first by nextCursor: the ids in the order shown, and how many pages. */
async function pageThrough(filter: Omit<DeliveryFilter, "after" | "page">) {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const list = await listDeliveries({ ...filter, after });
    pages++;
    ids.push(...list.items.map((r) => r.id));
    if (!list.nextCursor) return { ids, pages };
    after = list.nextCursor;
    if (pages > 100) throw new Error("the cursor does not advance");
  }
}

/** The ids in the log's order, read straight from the table. */
async function inLogOrder(where: { campaignId?: string; state?: string }) {
  const rows = await db().delivery.findMany({ where, orderBy: [{ updatedAt: "desc" }, { id: "asc" }], select: { id: true } });
  return rows.map((r) => r.id);
}

describe("paging the delivery log with its cursor", () => {
  it("yields each of a campaign's deliveries exactly once, in the log's order, ties of updatedAt included", async () => {
    const { ids, pages } = await pageThrough({ campaignId });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(await inLogOrder({ campaignId }));
    expect(ids).toHaveLength(N);
    expect(pages).toBe(Math.ceil(N / 50));
  });

  it("every campaign's log and a filtered one page the same way", async () => {
    const all = await pageThrough({});
    expect(all.ids).toEqual(await inLogOrder({}));
    expect(new Set(all.ids).size).toBe(all.ids.length);
    const failed = await pageThrough({ campaignId, state: "failed" });
    expect(failed.ids).toEqual(await inLogOrder({ campaignId, state: "failed" }));
    expect(failed.ids).toHaveLength(Math.ceil(N / 3));
    expect((await pageThrough({ campaignId: otherId })).ids).toHaveLength(40);
  });

  it("the first page by cursor is the first numbered page, and the numbered pages give the cursor of the next", async () => {
    const first = await listDeliveries({ campaignId });
    const second = await listDeliveries({ campaignId, page: 2 });
    const byCursor = await listDeliveries({ campaignId, after: first.nextCursor! });
    expect(byCursor.items.map((r) => r.id)).toEqual(second.items.map((r) => r.id));
    expect(byCursor.nextCursor).toBe(second.nextCursor);
    expect(byCursor.total).toBe(N);
    const last = await listDeliveries({ campaignId, page: 3 });
    expect(last.nextCursor).toBeNull();
  });

  it("a delivery that changes while someone pages moves to the first page and is not shown again further on", async () => {
    const c = await createCampaign({ url: "http://127.0.0.1:9/c", name: "Moving" });
    const at = (i: number) => new Date(T0 - 3_600_000 + i * 1000);
    await db().delivery.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        webhookId: `msg_lpm_${i}`, campaignId: c.id, actionId: c.actions[0].id, userId: `lpg${String(i).padStart(6, "0")}`, triggerKey: `lpm:${i}`,
        plannedAt: at(i), dueAt: at(i), state: "scheduled", updatedAt: at(i),
      })),
    });
    const first = await listDeliveries({ campaignId: c.id });
    const seen = first.items.map((r) => r.id);
    // one already shown and one not yet shown change (a send's result moves updatedAt)
    const unseen = (await inLogOrder({ campaignId: c.id })).slice(90)[0]!;
    const moved = [seen[10]!, unseen];
    await db().delivery.updateMany({ where: { id: { in: moved } }, data: { state: "delivered", updatedAt: new Date(T0 + 3_600_000) } });
    let after = first.nextCursor ?? undefined;
    while (after) {
      const list = await listDeliveries({ campaignId: c.id, after });
      seen.push(...list.items.map((r) => r.id));
      after = list.nextCursor ?? undefined;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(119);
    expect(seen).not.toContain(unseen);
    // not lost: both head the first page now
    expect((await listDeliveries({ campaignId: c.id })).items.slice(0, 2).map((r) => r.id).sort()).toEqual([...moved].sort());
  });

  it("a cursor the log did not give out is refused with a clear error", async () => {
    for (const after of ["garbage", "!!", Buffer.from("2026-01-01 x").toString("base64url"), Buffer.from("2026-13-45T99:00:00.000Z id").toString("base64url")]) {
      await expect(listDeliveries({ campaignId, after })).rejects.toBeInstanceOf(LogCursorError);
    }
  });
});
