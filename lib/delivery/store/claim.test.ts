import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { claimDue, earliestDue } from "./claim";
import { activateCampaign } from "./lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";

async function dueCampaign(prefix: string, users: number) {
  await createUsers(users, prefix);
  // every user so far: the test file has a database of its own
  const campaign = await createCampaign({ url: "http://127.0.0.1:9/hook" });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  return db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
}

describe("claimDue", () => {
  it("claims the earliest due first, each row once, and only from active campaigns", async () => {
    const rows = await dueCampaign("clo", 6);
    const now = new Date(Date.now() + 60_000);
    // give the rows distinct due times, the last user earliest
    for (const [i, r] of rows.entries()) await db().delivery.update({ where: { id: r.id }, data: { dueAt: new Date(now.getTime() - 1000 * (i + 1)) } });
    expect((await earliestDue(db()))?.getTime()).toBeLessThanOrEqual(now.getTime() - 6000);
    const first = await claimDue(db(), { workerId: "w1", now, leaseMs: 60_000, limit: 2 });
    expect(first.map((d) => d.userId).sort()).toEqual(rows.slice(-2).map((r) => r.userId).sort());
    // read back as the instants Prisma wrote (PostgreSQL's zone-less timestamps as UTC)
    expect(first[0].plannedAt.getTime()).toBe(rows.find((r) => r.id === first[0].id)!.plannedAt.getTime());
    expect(typeof first[0].attempts).toBe("number");
    // another worker gets the rest, never the same rows
    const second = await claimDue(db(), { workerId: "w2", now, leaseMs: 60_000, limit: 100 });
    expect(second.map((d) => d.id).filter((id) => first.some((f) => f.id === id))).toEqual([]);
    const held = await db().delivery.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    expect(held.every((d) => d.state === "sending")).toBe(true);
  });

  it("claims a job's rows named by id and by webhook id together", async () => {
    const rows = await dueCampaign("cln", 4);
    const now = new Date(Date.now() + 60_000);
    const claimed = await claimDue(db(), { workerId: "w3", now, leaseMs: 60_000, limit: 10, ids: [rows[0].id], webhookIds: [rows[1].webhookId] });
    expect(claimed.map((d) => d.id).sort()).toEqual([rows[0].id, rows[1].id].sort());
    expect(await claimDue(db(), { workerId: "w3", now, leaseMs: 60_000, limit: 10, ids: [], webhookIds: [] })).toEqual([]);
  });
});
