// A campaign's steps for one trigger count once against the frequency cap, and the first of them to reach
// the cap decides for all. A marketer's walkthrough (cap 3 a day): Webhook 1 "Create contact" reached the
// CRM for a user near the cap and Webhook 2 "Follow up" was suppressed "Frequency cap: 3 per day reached",
// half a chain sent; then a step 1 answered 409 (failed) left its delivered step 2 uncounted, and a step 2
// sent before its delayed step 1 got that step stopped. Now a step follows the other rows of its chain for
// the same user and trigger: one counted, it goes and counts nothing more; the cap stopped the one that
// decided, it is stopped too, with a reason that reads as the cap's. A real receiver on 127.0.0.1 counts
// what arrives; the real database (either).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { rawDb } from "../../db/raw";
import { Dispatcher } from "./dispatcher";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import type { ClaimedDelivery } from "../store/claim";
import { capCounts } from "../store/frequency-cap-holds";
import { setFrequencyCap } from "../store/frequency-cap-setting";
import { activateCampaign, retryDelivery, RetryRefusedError } from "../store/lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver, waitFor } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  // the CRM answers a new contact with its id
  receiver = await startReceiver((req) =>
    req.path.startsWith("/conflict/")
      ? { status: 409, body: "contact already exists" }
      : req.path.startsWith("/contacts/")
      ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: `crm-${req.path.split("/").pop()}` }) }
      : { status: 200 },
  );
});
afterEach(async () => setFrequencyCap(null, { role: "admin" }));
afterAll(async () => receiver.close());

const STOPPED_1 = "Frequency cap: 1 per day reached";
const FOLLOWS_1 = "Frequency cap: Webhook 1 (Create contact) was stopped for this user (1 per day reached)";
const FOLLOWS_2 = "Frequency cap: Webhook 2 (Follow up) was stopped for this user (1 per day reached)";

/**
 * The walkthrough's campaign: step 1 creates the contact and saves its id; step 2 sends that id (or, `reads: false`,
 * only the user's id). `conflict`: step 1's receiver answers 409 and its retry policy is none (failed for good).
 */
async function chain(prefix: string, options: { reads?: boolean; audience?: object; conflict?: boolean } = {}) {
  const followUrl = options.reads === false ? `${receiver.url}/${prefix}/follow/{{user.id}}` : `${receiver.url}/${prefix}/follow/{{user.crmId}}`;
  return db().campaign.create({
    data: {
      name: `Chain ${prefix}`,
      status: "active",
      deliveryRule: { when: "immediate" },
      audience: options.audience as Prisma.InputJsonValue | undefined,
      actions: {
        create: [
          {
            position: 0, name: "Create contact", urlTemplate: `${receiver.url}/${options.conflict ? "conflict" : "contacts"}/${prefix}/{{user.id}}`, fields: [], headers: [], timeoutMs: 5000,
            retryPolicy: options.conflict ? "none" : "default",
            responseMapping: [{ path: "$.id", attribute: "crmId" }] as Prisma.InputJsonValue,
          },
          { position: 1, name: "Follow up", urlTemplate: followUrl, fields: [], headers: [], timeoutMs: 5000 },
        ],
      },
    },
    include: { actions: { orderBy: { position: "asc" } } },
  });
}

/** A delivery of `actionId` to `userId` claimed by `workerId`, as the claim leaves it. */
async function claimed(campaignId: string, actionId: string, userId: string, workerId: string): Promise<ClaimedDelivery> {
  const now = new Date();
  const row = await db().delivery.create({
    data: {
      webhookId: `msg_${actionId}_${userId}`, campaignId, actionId, userId, triggerKey: "activation",
      plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + 60_000),
    },
  });
  return { id: row.id, webhookId: row.webhookId, campaignId, actionId, variantActionId: null, userId, eventData: null, plannedAt: now, attempts: 0 };
}

async function worker(id: string) {
  return new Dispatcher(db(), await testDeliveryDeps(), { concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, workerId: id });
}

/** One other campaign's webhook to the user, processed on its own: its delivery's state and reason. */
async function otherSend(prefix: string, userId: string, n: number) {
  const other = await createCampaign({ url: `${receiver.url}/${prefix}/other${n}/{{user.id}}`, status: "active" });
  const w = await worker(`w-${prefix}-other${n}`);
  const row = await claimed(other.id, other.actions[0]!.id, userId, `w-${prefix}-other${n}`);
  await w.process([row]);
  return db().delivery.findUniqueOrThrow({ where: { id: row.id }, select: { state: true, reason: true } });
}

/** A delivery planned for later (a step with a delay), not judged by the cap yet. */
async function scheduledLater(campaignId: string, actionId: string, userId: string): Promise<string> {
  const now = new Date();
  const row = await db().delivery.create({
    data: { webhookId: `msg_${actionId}_${userId}`, campaignId, actionId, userId, triggerKey: "activation", plannedAt: now, dueAt: new Date(now.getTime() + 3_600_000), state: "scheduled" },
  });
  return row.id;
}

/** The row `id`, come due and claimed by `workerId` as the claim leaves it. */
async function claimNow(id: string, workerId: string): Promise<ClaimedDelivery> {
  const now = new Date();
  const row = await db().delivery.update({ where: { id }, data: { state: "sending", dueAt: now, lockedBy: workerId, lockedUntil: new Date(now.getTime() + 60_000) } });
  return { id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId: row.userId, eventData: null, plannedAt: row.plannedAt, attempts: 0 };
}

const arrived = (prefix: string) => receiver.received.filter((r) => r.path.includes(`/${prefix}/`)).map((r) => r.path);
const stateOf = (id: string) => db().delivery.findUniqueOrThrow({ where: { id }, select: { state: true, reason: true } });
const dayCount = async (userId: string) => (await capCounts(rawDb(db()), [userId], new Date())).get(userId)?.day ?? 0;

describe("a campaign's steps for one trigger, under the frequency cap", () => {
  it("cap 1 a day, a user sent nothing yet: step 1 and step 2 both go (step 2 with the id step 1 saved), and count once", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-one");
    const campaign = await chain("fch-one");
    const [step1, step2] = campaign.actions;
    const w = await worker("w-fch-one");
    const first = await claimed(campaign.id, step1!.id, user!.id, "w-fch-one");
    await w.process([first]);
    const second = await claimed(campaign.id, step2!.id, user!.id, "w-fch-one");
    await w.process([second]);
    expect(await stateOf(first.id)).toMatchObject({ state: "delivered" });
    expect(await stateOf(second.id)).toMatchObject({ state: "delivered" });
    expect(arrived("fch-one")).toEqual([`/contacts/fch-one/${user!.id}`, `/fch-one/follow/crm-${user!.id}`]);
    expect(await dayCount(user!.id)).toBe(1);
    // the chain used up the user's one send a day: another campaign's is stopped
    expect(await otherSend("fch-one", user!.id, 1)).toEqual({ state: "suppressed", reason: STOPPED_1 });
  });

  it("cap 3 a day, a user sent one already: the chain goes whole and counts once, so one more campaign's send still goes and the next is stopped", async () => {
    await setFrequencyCap({ perDay: 3 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-three");
    expect((await otherSend("fch-three", user!.id, 1)).state).toBe("delivered");
    const campaign = await chain("fch-three");
    const w = await worker("w-fch-three");
    const first = await claimed(campaign.id, campaign.actions[0]!.id, user!.id, "w-fch-three");
    await w.process([first]);
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-three");
    await w.process([second]);
    expect((await stateOf(second.id)).state).toBe("delivered");
    // 1 + the chain once = 2 (counted per step it was 3, and the next send would be stopped)
    expect(await dayCount(user!.id)).toBe(2);
    expect((await otherSend("fch-three", user!.id, 2)).state).toBe("delivered");
    expect(await otherSend("fch-three", user!.id, 3)).toEqual({ state: "suppressed", reason: "Frequency cap: 3 per day reached" });
    expect(arrived("fch-three")).toHaveLength(4);
  });

  it("a user already at the cap: step 1 is stopped by it, step 2 follows with the cap's reason, and nothing reaches the receiver", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    // one at the cap lacking crmId, one with a crmId from before (step 2 could be sent with it)
    const [lacks] = await createUsers(1, "fch-full");
    const [kept] = await createUsers(1, "fch-kept");
    await db().user.update({ where: { id: kept!.id }, data: { attributes: { ...kept!.attributes, crmId: "old-id" } } });
    for (const user of [lacks!, kept!]) expect((await otherSend("fch-full", user.id, user === lacks ? 1 : 2)).state).toBe("delivered");
    const before = arrived("fch-full").length;
    const campaign = await chain("fch-full");
    const w = await worker("w-fch-full");
    for (const user of [lacks!, kept!]) {
      const first = await claimed(campaign.id, campaign.actions[0]!.id, user.id, "w-fch-full");
      await w.process([first]);
      const second = await claimed(campaign.id, campaign.actions[1]!.id, user.id, "w-fch-full");
      await w.process([second]);
      expect(await stateOf(first.id)).toEqual({ state: "suppressed", reason: STOPPED_1 });
      expect(await stateOf(second.id)).toEqual({ state: "suppressed", reason: FOLLOWS_1 });
    }
    expect(arrived("fch-full")).toHaveLength(before);
    expect(receiver.received.filter((r) => r.path.includes("/contacts/fch-full/"))).toEqual([]);
  });

  it("step 1 and step 2 claimed in one batch follow one verdict, the first of them in the batch's order deciding: both go under the cap, both are stopped at it", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [fresh] = await createUsers(1, "fch-batch-fresh");
    const [full] = await createUsers(1, "fch-batch-full");
    expect((await otherSend("fch-batch", full!.id, 1)).state).toBe("delivered");
    // step 2 reads nothing step 1 saves: it does not wait for it, and may be claimed beside it (here before it)
    const campaign = await chain("fch-batch", { reads: false });
    const [step1, step2] = campaign.actions;
    const w = await worker("w-fch-batch");
    const rows = {
      fresh: [await claimed(campaign.id, step2!.id, fresh!.id, "w-fch-batch"), await claimed(campaign.id, step1!.id, fresh!.id, "w-fch-batch")],
      full: [await claimed(campaign.id, step2!.id, full!.id, "w-fch-batch"), await claimed(campaign.id, step1!.id, full!.id, "w-fch-batch")],
    };
    await w.process([...rows.fresh, ...rows.full]);
    for (const row of rows.fresh) expect((await stateOf(row.id)).state).toBe("delivered");
    // step 2, first in the batch, came to the cap first: step 1 follows it
    expect(await stateOf(rows.full[0]!.id)).toEqual({ state: "suppressed", reason: STOPPED_1 });
    expect(await stateOf(rows.full[1]!.id)).toEqual({ state: "suppressed", reason: FOLLOWS_2 });
    expect(arrived("fch-batch").filter((p) => p.endsWith(fresh!.id))).toHaveLength(2);
    expect(arrived("fch-batch").filter((p) => p.endsWith(full!.id))).toEqual([`/fch-batch/other1/${full!.id}`]);
    expect(await dayCount(fresh!.id)).toBe(1);
  });

  it("a later step whose user has no delivery of the first step (a step added in front since) is capped and counted on its own", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-front");
    const campaign = await chain("fch-front", { reads: false });
    const w = await worker("w-fch-front");
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-front");
    await w.process([second]);
    expect((await stateOf(second.id)).state).toBe("delivered");
    expect(await dayCount(user!.id)).toBe(1);
    expect(await otherSend("fch-front", user!.id, 1)).toEqual({ state: "suppressed", reason: STOPPED_1 });
  });

  it("step 1's receiver answers 409 (failed for good), step 2 is delivered: the chain counts once, so another campaign's send that day is stopped", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-409");
    const campaign = await chain("fch-409", { reads: false, conflict: true });
    const w = await worker("w-fch-409");
    const first = await claimed(campaign.id, campaign.actions[0]!.id, user!.id, "w-fch-409");
    await w.process([first]);
    expect((await stateOf(first.id)).state).toBe("failed");
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-409");
    await w.process([second]);
    expect((await stateOf(second.id)).state).toBe("delivered");
    expect(arrived("fch-409")).toEqual([`/conflict/fch-409/${user!.id}`, `/fch-409/follow/${user!.id}`]);
    expect(await dayCount(user!.id)).toBe(1);
    expect(await otherSend("fch-409", user!.id, 1)).toEqual({ state: "suppressed", reason: STOPPED_1 });
  });

  it("step 2 comes to the cap before step 1 (step 1 has a delay), the user under the cap: step 2 goes, then step 1 follows it and goes too, the chain counting once", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-rev");
    const campaign = await chain("fch-rev", { reads: false });
    const w = await worker("w-fch-rev");
    const later = await scheduledLater(campaign.id, campaign.actions[0]!.id, user!.id);
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-rev");
    await w.process([second]);
    expect((await stateOf(second.id)).state).toBe("delivered");
    expect(await dayCount(user!.id)).toBe(1);
    await w.process([await claimNow(later, "w-fch-rev")]);
    expect(await stateOf(later)).toMatchObject({ state: "delivered" });
    expect(await dayCount(user!.id)).toBe(1);
    expect(arrived("fch-rev").sort()).toEqual([`/contacts/fch-rev/${user!.id}`, `/fch-rev/follow/${user!.id}`].sort());
    expect(await otherSend("fch-rev", user!.id, 1)).toEqual({ state: "suppressed", reason: STOPPED_1 });
  });

  it("step 2 comes to the cap before step 1, the user at the cap: step 2 is stopped, and step 1, judged on its own, too; Retry of step 2 names step 1", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-revfull");
    expect((await otherSend("fch-revfull", user!.id, 1)).state).toBe("delivered");
    const campaign = await chain("fch-revfull", { reads: false });
    const w = await worker("w-fch-revfull");
    const later = await scheduledLater(campaign.id, campaign.actions[0]!.id, user!.id);
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-revfull");
    await w.process([second]);
    expect(await stateOf(second.id)).toEqual({ state: "suppressed", reason: STOPPED_1 });
    // only an earlier step's stop is followed (a later one's would let two stops wait for each other: review 2)
    await w.process([await claimNow(later, "w-fch-revfull")]);
    expect(await stateOf(later)).toEqual({ state: "suppressed", reason: STOPPED_1 });
    expect(arrived("fch-revfull")).toEqual([`/fch-revfull/other1/${user!.id}`]);
    expect(await dayCount(user!.id)).toBe(1);
    await expect(retryDelivery(later, "editor@example.com")).rejects.toThrow("The frequency cap stopped it: 1 per day reached for this user, and it still applies.");
    await expect(retryDelivery(second.id, "editor@example.com")).rejects.toThrow(
      "The frequency cap stopped it: Webhook 1 (Create contact) was stopped for this user (1 per day reached), and this step follows it. Retry Webhook 1 (Create contact) for this user first, or an admin can exempt the campaign from the cap.",
    );
  });

  it("two batches that stopped both steps as deciders at once (review 2's race) leave no Retry waiting for ever: step 1 is judged on its own, step 2 follows it", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-race");
    expect((await otherSend("fch-race", user!.id, 1)).state).toBe("delivered");
    const campaign = await chain("fch-race", { reads: false });
    // what two batches deciding at once leave: each step stopped by the cap itself
    const rows = await Promise.all(campaign.actions.map((a) => claimed(campaign.id, a.id, user!.id, "w-fch-race")));
    await db().delivery.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { state: "suppressed", reason: STOPPED_1, lockedBy: null, lockedUntil: null } });
    await expect(retryDelivery(rows[1]!.id, "editor@example.com")).rejects.toThrow("Retry Webhook 1 (Create contact) for this user first");
    await expect(retryDelivery(rows[0]!.id, "editor@example.com")).rejects.toThrow("1 per day reached for this user, and it still applies.");
    // the cap raised: step 1 is retried and goes, then step 2 follows it
    await setFrequencyCap({ perDay: 2 }, { role: "admin" });
    expect(await retryDelivery(rows[0]!.id, "editor@example.com")).toBe(true);
    const w = await worker("w-fch-race2");
    await w.process([await claimNow(rows[0]!.id, "w-fch-race2")]);
    expect((await stateOf(rows[0]!.id)).state).toBe("delivered");
    expect(await retryDelivery(rows[1]!.id, "editor@example.com")).toBe(true);
    await w.process([await claimNow(rows[1]!.id, "w-fch-race2")]);
    expect((await stateOf(rows[1]!.id)).state).toBe("delivered");
    expect(await dayCount(user!.id)).toBe(2);
  });

  it("a step 1 retrying after its request left (it timed out; the CRM may have the contact) holds its chain: step 2 goes, the user at the cap", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-retrying");
    const campaign = await chain("fch-retrying", { reads: false });
    const first = await claimed(campaign.id, campaign.actions[0]!.id, user!.id, "w-fch-retrying");
    await db().delivery.update({ where: { id: first.id }, data: { state: "retrying", sentAt: new Date(), attempts: 1, dueAt: new Date(Date.now() + 60_000), lockedBy: null, lockedUntil: null } });
    // another campaign's send puts the user at the cap meanwhile
    expect((await otherSend("fch-retrying", user!.id, 1)).state).toBe("delivered");
    const w = await worker("w-fch-retrying");
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-retrying");
    await w.process([second]);
    expect((await stateOf(second.id)).state).toBe("delivered");
    expect(await dayCount(user!.id)).toBe(2);
  });

  it("Retry by hand of the step the cap stopped (the others following it) is judged on its own: refused while the cap applies, then sent, and the others may follow", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-again");
    expect((await otherSend("fch-again", user!.id, 1)).state).toBe("delivered");
    const campaign = await chain("fch-again", { reads: false });
    const w = await worker("w-fch-again");
    const first = await claimed(campaign.id, campaign.actions[0]!.id, user!.id, "w-fch-again");
    await w.process([first]);
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-again");
    await w.process([second]);
    expect(await stateOf(second.id)).toEqual({ state: "suppressed", reason: FOLLOWS_1 });
    await expect(retryDelivery(first.id, "editor@example.com")).rejects.toThrow("The frequency cap stopped it: 1 per day reached for this user, and it still applies.");
    // the cap raised: step 1 is retried and sent, step 2's stop (which followed it) holding nothing back
    await setFrequencyCap({ perDay: 2 }, { role: "admin" });
    expect(await retryDelivery(first.id, "editor@example.com")).toBe(true);
    // a worker that reads the raised cap (a worker keeps the cap it read for a while)
    const w2 = await worker("w-fch-again2");
    await w2.process([await claimNow(first.id, "w-fch-again2")]);
    expect((await stateOf(first.id)).state).toBe("delivered");
    expect(await dayCount(user!.id)).toBe(2);
    // the user at the cap again, step 2 follows step 1's pass
    expect(await retryDelivery(second.id, "editor@example.com")).toBe(true);
    await w2.process([await claimNow(second.id, "w-fch-again2")]);
    expect((await stateOf(second.id)).state).toBe("delivered");
    expect(await dayCount(user!.id)).toBe(2);
  });

  it("Retry by hand of a step 2 stopped with its step 1 is refused while step 1 stays stopped, and goes once step 1 went, the user at the cap or not", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fch-retry");
    await db().user.update({ where: { id: user!.id }, data: { attributes: { ...user!.attributes, crmId: "old-id" } } });
    expect((await otherSend("fch-retry", user!.id, 1)).state).toBe("delivered");
    const campaign = await chain("fch-retry");
    const w = await worker("w-fch-retry");
    const first = await claimed(campaign.id, campaign.actions[0]!.id, user!.id, "w-fch-retry");
    await w.process([first]);
    const second = await claimed(campaign.id, campaign.actions[1]!.id, user!.id, "w-fch-retry");
    await w.process([second]);
    expect(await stateOf(second.id)).toEqual({ state: "suppressed", reason: FOLLOWS_1 });
    const refused = retryDelivery(second.id, "editor@example.com");
    await expect(refused).rejects.toBeInstanceOf(RetryRefusedError);
    await expect(retryDelivery(second.id, "editor@example.com")).rejects.toThrow(
      "The frequency cap stopped it: Webhook 1 (Create contact) was stopped for this user (1 per day reached), and this step follows it. Retry Webhook 1 (Create contact) for this user first, or an admin can exempt the campaign from the cap.",
    );
    expect((await stateOf(second.id)).state).toBe("suppressed");
    // step 1 went after all (retried once the cap allowed it): the user is at the cap again, and step 2 follows step 1
    await db().delivery.update({ where: { id: first.id }, data: { state: "delivered", reason: null, sentAt: new Date() } });
    expect(await dayCount(user!.id)).toBe(2);
    expect(await retryDelivery(second.id, "editor@example.com")).toBe(true);
    expect((await stateOf(second.id)).state).toBe("scheduled");
  });
});

describe("the walkthrough's campaign, activated, on the embedded engine", () => {
  it("cap 1 a day: a user sent nothing gets both steps; a user at the cap gets neither, both suppressed by the cap", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [fresh] = await createUsers(1, "fch-run-fresh");
    const [full] = await createUsers(1, "fch-run-full");
    const at = new Date(Date.now() - 60 * 60_000);
    const earlier = await createCampaign({ url: `${receiver.url}/fch-run/earlier/{{user.id}}`, status: "finished" });
    await db().delivery.create({
      data: { webhookId: "msg_fch_run_earlier", campaignId: earlier.id, actionId: earlier.actions[0]!.id, userId: full!.id, triggerKey: "activation", plannedAt: at, dueAt: at, sentAt: at, state: "delivered" },
    });
    const campaign = await chain("fch-run", { audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "fch-run-" }] } });
    await db().campaign.update({ where: { id: campaign.id }, data: { status: "draft" } });
    const engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 10, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 50 });
    setDeliveryQueue(engine);
    await engine.start();
    try {
      expect((await activateCampaign(campaign.id)).ok).toBe(true);
      await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed", "suppressed"] } } })) === 4, 20_000, 50);
    } finally {
      await engine.stop();
      setDeliveryQueue(null);
    }
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { userId: true, actionId: true, state: true, reason: true } });
    const row = (userId: string, step: number) => rows.find((r) => r.userId === userId && r.actionId === campaign.actions[step]!.id);
    expect(row(fresh!.id, 0)?.state).toBe("delivered");
    expect(row(fresh!.id, 1)?.state).toBe("delivered");
    expect(row(full!.id, 0)).toMatchObject({ state: "suppressed", reason: STOPPED_1 });
    expect(row(full!.id, 1)).toMatchObject({ state: "suppressed", reason: FOLLOWS_1 });
    expect(arrived("fch-run").sort()).toEqual([`/contacts/fch-run/${fresh!.id}`, `/fch-run/follow/crm-${fresh!.id}`].sort());
    expect(await dayCount(fresh!.id)).toBe(1);
  }, 30_000);
});
