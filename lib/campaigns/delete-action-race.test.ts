// deleteAction and a delivery planned at the same time for that webhook (an event's fan-out), on
// PostgreSQL with two connections: READ COMMITTED let the delivery commit between deleteAction's
// "has deliveries" check and its DELETE, which then took the delivery with it (cascade). SQLite
// serialises writers (a transaction that read before another's commit cannot write: it is run
// again), so the race is PostgreSQL's alone.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { prismaProvider } from "../db/dialect";
import { tableName } from "../db/bulk-insert";
import { deleteAction, saveCampaign, StepInUseError } from "./campaigns";
import { campaignDraftSchema } from "./schemas";
import { trackEvents } from "../delivery/triggers";

/** Resolves once some connection waits for a row lock (the other side of the race is then parked). */
async function someoneWaitsForALock() {
  for (let i = 0; i < 200; i++) {
    const rows = await db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (Number(rows[0]!.n) > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("nobody waited for a lock");
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe.runIf(prismaProvider() === "postgresql")("deleting a webhook while a delivery is planned for it (two connections)", () => {
  it("is refused when the delivery commits first: the delivery is kept, not deleted with the webhook", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Race", actions: [{ url: "https://api.example.com/a" }, { url: "https://api.example.com/b" }] }));
    const [action] = await db().action.findMany({ where: { campaignId: id }, orderBy: { position: "asc" } });
    await db().user.upsert({ where: { id: "race-del-user" }, create: { id: "race-del-user", attributes: {} }, update: {} });
    const { open, opened } = gate();
    // a fan-out's transaction: its delivery is written, not yet committed
    let inserted!: () => void;
    const written = new Promise<void>((r) => (inserted = r));
    const fanOut = db().$transaction(
      async (tx) => {
        await tx.delivery.create({
          data: { webhookId: "msg_race_del", campaignId: id, actionId: action!.id, userId: "race-del-user", triggerKey: "event:race", plannedAt: new Date(), dueAt: new Date(), state: "scheduled" },
        });
        inserted();
        await opened;
      },
      { timeout: 20_000 },
    );
    await written;
    const deleting = deleteAction(id, action!.id, "editor@example.com").then(
      (ok) => ({ ok }),
      (err: unknown) => ({ err }),
    );
    await someoneWaitsForALock();
    open();
    await fanOut;
    const outcome = await deleting;
    expect(outcome).toEqual({ err: expect.any(StepInUseError) });
    expect(await db().delivery.count({ where: { webhookId: "msg_race_del" } })).toBe(1);
    expect(await db().action.count({ where: { id: action!.id } })).toBe(1);
  });

  it("an event planned while the webhook's delete commits is planned again without it, not refused", async () => {
    const rule = { when: "triggered", event: "race-del-event" };
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Race events", actions: [{ url: "https://api.example.com/a" }, { url: "https://api.example.com/b" }] }));
    await db().campaign.update({ where: { id }, data: { status: "active", deliveryRule: rule } });
    const [first, second] = await db().action.findMany({ where: { campaignId: id }, orderBy: { position: "asc" } });
    const { open, opened } = gate();
    // deleteAction's transaction: the webhook locked and deleted, not yet committed
    let deleted!: () => void;
    const locked = new Promise<void>((r) => (deleted = r));
    const deleting = db().$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SELECT 1 FROM ${tableName("Action")} WHERE "id" = $1 FOR UPDATE`, first!.id);
        await tx.action.delete({ where: { id: first!.id } });
        deleted();
        await opened;
      },
      { timeout: 20_000 },
    );
    await locked;
    const tracking = trackEvents([{ userId: "race-del-event-user", event: "race-del-event" }]).then(
      (r) => ({ r }),
      (err: unknown) => ({ err }),
    );
    await someoneWaitsForALock();
    open();
    await deleting;
    expect(await tracking).toEqual({ r: expect.objectContaining({ accepted: 1, scheduled: 1 }) });
    expect(await db().delivery.findMany({ where: { campaignId: id }, select: { actionId: true } })).toEqual([{ actionId: second!.id }]);
    expect(await db().event.count({ where: { userId: "race-del-event-user" } })).toBe(1);
  });

  it("waits for a planner holding the campaign's row before it takes the webhook's: the planner's deliveries are written, the delete refused", async () => {
    // a recurring run, an activation, a resume: each updates the campaign's row, then writes its deliveries
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Race planner", actions: [{ url: "https://api.example.com/a" }, { url: "https://api.example.com/b" }] }));
    const [action] = await db().action.findMany({ where: { campaignId: id }, orderBy: { position: "asc" } });
    await db().user.upsert({ where: { id: "race-plan-user" }, create: { id: "race-plan-user", attributes: {} }, update: {} });
    const { open, opened } = gate();
    let updated!: () => void;
    const holding = new Promise<void>((r) => (updated = r));
    const planning = db().$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE ${tableName("Campaign")} SET "updatedAt" = now() WHERE "id" = $1`, id);
        updated();
        await opened;
        // it must not wait for the delete: the delete waits for it (a wait here was a deadlock, which
        // PostgreSQL could end by failing the planner's run)
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '200ms'`);
        await tx.delivery.create({
          data: { webhookId: "msg_race_plan", campaignId: id, actionId: action!.id, userId: "race-plan-user", triggerKey: "occurrence:race", plannedAt: new Date(), dueAt: new Date(), state: "scheduled" },
        });
      },
      { timeout: 20_000 },
    );
    await holding;
    const deleting = deleteAction(id, action!.id, "editor@example.com").then(
      (ok) => ({ ok }),
      (err: unknown) => ({ err }),
    );
    await someoneWaitsForALock();
    open();
    await planning;
    expect(await deleting).toEqual({ err: expect.any(StepInUseError) });
    expect(await db().delivery.count({ where: { webhookId: "msg_race_plan" } })).toBe(1);
    expect(await db().action.count({ where: { id: action!.id } })).toBe(1);
  });
});
