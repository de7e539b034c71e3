// Response mapping end to end: a real receiver on 127.0.0.1 answers JSON, the embedded engine saves the
// mapped value on the user in the same transaction as the result, and the campaign's next step (a
// sub-delivery five seconds later) sends it through {{user.crmId}}.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor } from "../testing/receiver";
import { createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { Recorder } from "../store/recorder";
import { attributeSourcesOf } from "../../audience/attribute-sources";
import { upsertUsers } from "../../audience/users";
import type { MappedAttributes } from "../store/attribute-writes";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;

beforeAll(async () => {
  receiver = await startReceiver((req) => {
    const userId = req.path.split("/").pop()!;
    if (req.path.startsWith("/crm/")) {
      if (userId === "map000003") return { status: 200, headers: { "content-type": "text/html" }, body: "<html>welcome</html>" };
      if (userId === "map000004") return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: {} }) };
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { id: `crm-${userId}`, score: "12" } }) };
    }
    return { status: 200 };
  });
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

const sourcesOf = async (userId: string) => (await db().user.findUniqueOrThrow({ where: { id: userId } })).attributeSources;

async function startEngine() {
  engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
  setDeliveryQueue(engine);
  await engine.start();
}

describe("response mapping", () => {
  it("saves $.customer.id as crmId, and the campaign's delayed second step sends {{user.crmId}}", async () => {
    await createUsers(5, "map");
    const campaign = await db().campaign.create({
      data: {
        name: "CRM sync",
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "map" }] },
        actions: {
          create: [
            {
              position: 0,
              name: "Create contact",
              urlTemplate: `${receiver.url}/crm/{{user.id}}`,
              fields: [{ key: "email", value: "{{user.email}}", type: "text" }],
              headers: [],
              timeoutMs: 5000,
              responseMapping: [
                { path: "$.customer.id", attribute: "crmId" },
                { path: "$.customer.score", attribute: "score", type: "number" },
              ] as Prisma.InputJsonValue,
            },
            {
              position: 1,
              name: "Follow up",
              urlTemplate: `${receiver.url}/follow/{{user.id}}`,
              fields: [{ key: "crm", value: "{{user.crmId}}", type: "text" }],
              headers: [],
              timeoutMs: 5000,
              // the delay counts from activation, not from the first step's result: leave a loaded
              // machine (CI, a PostgreSQL run) time to record the first results before the second is due
              subDelivery: { kind: "delay", seconds: 5 },
            },
          ],
        },
      },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    const [first, second] = campaign.actions;
    await startEngine();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed"] } } })) === 10, 30_000, 100);
    // the two users whose answer saved no crmId (not JSON, no $.customer.id): their follow-up is not sent
    // with it empty, it fails unsent naming the path (lib/delivery/engine/earlier-step-unsaved.test.ts)
    for (const userId of ["map000003", "map000004"]) {
      expect(await db().delivery.findFirstOrThrow({ where: { actionId: second!.id, userId } })).toMatchObject({
        state: "failed",
        reason: "Not sent: Webhook 1 (Create contact) delivered, but saved nothing from $.customer.id (its attempt says why), so crmId was never saved; once the user has crmId, Retry sends this one",
      });
    }
    expect(await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })).toBe(8);

    const follow = new Map(receiver.received.filter((r) => r.path.startsWith("/follow/")).map((r) => [r.path.split("/").pop()!, JSON.parse(r.body)]));
    expect(follow.get("map000000")).toEqual({ crm: "crm-map000000" });
    expect(follow.get("map000002")).toEqual({ crm: "crm-map000002" });

    const user = await db().user.findUniqueOrThrow({ where: { id: "map000001" } });
    // merged: the mapped attributes typed as saved, the others untouched
    expect(user.attributes).toEqual({ firstName: "Name1", n: 1, crmId: "crm-map000001", score: 12 });
    // who set them, in the same row: the delivery (its step, campaign and result's time are its own row's)
    const delivery = await db().delivery.findFirstOrThrow({ where: { actionId: first!.id, userId: "map000001" } });
    expect(user.attributeSources).toEqual({ crmId: delivery.id, score: delivery.id });
    expect(await attributeSourcesOf("map000001")).toEqual({
      crmId: { attribute: "crmId", campaignId: campaign.id, campaignName: "CRM sync", actionId: first!.id, deliveryId: delivery.id, setAt: delivery.updatedAt.toISOString() },
      score: { attribute: "score", campaignId: campaign.id, campaignName: "CRM sync", actionId: first!.id, deliveryId: delivery.id, setAt: delivery.updatedAt.toISOString() },
    });
    const ok = await db().deliveryAttempt.findFirstOrThrow({ where: { deliveryId: delivery.id } });
    expect(ok.error).toBeNull();
    expect(ok.response).toMatchObject({ status: 200, savedToUser: ["crmId", "score"] });

    // not JSON: delivered, nothing saved, the reason on the attempt
    const html = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { actionId: first!.id, userId: "map000003" } } });
    expect(html.outcome).toBe("delivered");
    expect(html.error).toBe("mapping: the response is not JSON (text/html); nothing saved");
    expect((await db().user.findUniqueOrThrow({ where: { id: "map000003" } })).attributes).toEqual({ firstName: "Name3", n: 3 });
    expect(await sourcesOf("map000003")).toBeNull();

    // a missing path: that attribute is not saved, the reason is on the attempt
    const missing = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { actionId: first!.id, userId: "map000004" } } });
    expect(missing.error).toBe("mapping: $.customer.id is not in the response; $.customer.score is not in the response");
    expect((await db().user.findUniqueOrThrow({ where: { id: "map000004" } })).attributes).toEqual({ firstName: "Name4", n: 4 });

    // the second step has no mapping: nothing set by it
    const setBy = (await db().user.findMany({ where: { id: { startsWith: "map" } } })).flatMap((u) => Object.values((u.attributeSources ?? {}) as Record<string, string>));
    expect(setBy.length).toBeGreaterThan(0);
    const steps = (await db().delivery.findMany({ where: { id: { in: setBy } }, select: { actionId: true } })).map((d) => d.actionId);
    expect(steps).toHaveLength(new Set(setBy).size);
    expect(steps).not.toContain(second!.id);
  }, 60_000);

  it("a campaign active with a mapping saved before built-in field names were refused: a receiver answering a time zone and an email moves neither, the rest is saved", async () => {
    await createUsers(2, "bif");
    await db().user.update({ where: { id: "bif000001" }, data: { timezone: null } });
    const campaign = await db().campaign.create({
      data: {
        name: "Legacy mapping",
        status: "active",
        deliveryRule: { when: "immediate" },
        actions: {
          create: {
            name: "Hook",
            urlTemplate: `${receiver.url}/crm/{{user.id}}`,
            fields: [],
            headers: [],
            timeoutMs: 5000,
            // $.customer.id stands for a receiver's time zone and email: any text it answers
            responseMapping: [
              { path: "$.customer.id", attribute: "crmId" },
              { path: "$.customer.id", attribute: "timezone" },
              { path: "$.customer.id", attribute: "email" },
            ] as Prisma.InputJsonValue,
          },
        },
      },
      include: { actions: true },
    });
    const now = new Date();
    for (const userId of ["bif000000", "bif000001"]) {
      await db().delivery.create({ data: { webhookId: `msg_${userId}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId, triggerKey: "activation", plannedAt: now, dueAt: now, state: "scheduled" } });
    }
    await startEngine();
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 2, 30_000, 100);
    const users = await db().user.findMany({ where: { id: { startsWith: "bif" } }, orderBy: { id: "asc" } });
    expect(users.map((u) => [u.email, u.timezone, u.attributes])).toEqual([
      ["bif0@example.com", "UTC", { firstName: "Name0", n: 0, crmId: "crm-bif000000" }],
      ["bif1@example.com", null, { firstName: "Name1", n: 1, crmId: "crm-bif000001" }],
    ]);
    const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { campaignId: campaign.id, userId: "bif000001" } } });
    expect(attempt.error).toBe(
      'mapping: $.customer.id -> timezone: "timezone" is a built-in user field, not an attribute: set the field itself or choose another name; not saved; $.customer.id -> email: "email" is a built-in user field, not an attribute: set the field itself or choose another name; not saved',
    );
    expect(attempt.response).toMatchObject({ savedToUser: ["crmId"] });
  }, 60_000);

  it("sets nothing when the worker no longer holds the delivery (another took it over)", async () => {
    await createUsers(1, "lease");
    const campaign = await db().campaign.create({
      data: { name: "Lease", deliveryRule: { when: "immediate" }, actions: { create: { urlTemplate: `${receiver.url}/x`, fields: [], headers: [] } } },
      include: { actions: true },
    });
    const now = new Date();
    const delivery = await db().delivery.create({
      data: {
        webhookId: "msg_lease", campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "lease000000", triggerKey: "activation",
        plannedAt: now, dueAt: now, state: "sending", lockedBy: "worker-b", lockedUntil: new Date(now.getTime() + 60_000),
      },
    });
    const recorder = new Recorder(db(), "worker-a", { flushMs: 1, maxBatch: 10 });
    const attempt = { deliveryId: delivery.id, number: 1, startedAt: now, durationMs: 5, outcome: "delivered" as const, status: 200, error: null, request: {}, response: null, timings: null, nextAttemptAt: null };
    await recorder.add({
      id: delivery.id, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "127.0.0.1", sentAt: now, attempt,
      attributes: { deliveryId: delivery.id, userId: "lease000000", set: { crmId: "stolen" }, setAt: now },
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: "lease000000" } })).attributes).toEqual({ firstName: "Name0", n: 0 });
    expect(await sourcesOf("lease000000")).toBeNull();
    expect((await db().delivery.findUniqueOrThrow({ where: { id: delivery.id } })).state).toBe("sending");

    // the holder's own write goes through
    const holder = new Recorder(db(), "worker-b", { flushMs: 1, maxBatch: 10 });
    await holder.add({
      id: delivery.id, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "127.0.0.1", sentAt: now, attempt: { ...attempt, id: undefined },
      attributes: { deliveryId: delivery.id, userId: "lease000000", set: { crmId: "mine", list: ["a", "b"] }, setAt: now },
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: "lease000000" } })).attributes).toEqual({ firstName: "Name0", n: 0, crmId: "mine", list: ["a", "b"] });
    expect(Object.keys((await sourcesOf("lease000000"))!).sort()).toEqual(["crmId", "list"]);
  });

  it("writes a whole flush in a few statements; a user written twice in one flush gets the later value", async () => {
    await createUsers(3, "flush");
    const campaign = await db().campaign.create({
      data: { name: "Flush", deliveryRule: { when: "immediate" }, actions: { create: { urlTemplate: `${receiver.url}/x`, fields: [], headers: [] } } },
      include: { actions: true },
    });
    const actionId = campaign.actions[0]!.id;
    const now = new Date();
    const rows = [["flush000000", "t1"], ["flush000001", "t1"], ["flush000000", "t2"], ["flush000002", "t1"]] as const;
    const deliveries: { id: string; userId: string }[] = [];
    for (const [userId, triggerKey] of rows) {
      deliveries.push(
        await db().delivery.create({
          data: { webhookId: `msg_${userId}_${triggerKey}`, campaignId: campaign.id, actionId, userId, triggerKey, plannedAt: now, dueAt: now, state: "sending", lockedBy: "w", lockedUntil: new Date(now.getTime() + 60_000) },
        }),
      );
    }
    const recorder = new Recorder(db(), "w", { flushMs: 20, maxBatch: 100 });
    await Promise.all(
      deliveries.map((d, i) =>
        recorder.add({
          id: d.id, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "127.0.0.1", sentAt: now,
          attempt: { deliveryId: d.id, number: 1, startedAt: now, durationMs: 5, outcome: "delivered", status: 200, error: null, request: {}, response: null, timings: null, nextAttemptAt: null },
          attributes: { deliveryId: d.id, userId: d.userId, set: { crmId: `v${i}`, ...(i === 3 ? { vip: true } : {}) }, setAt: now },
        }),
      ),
    );
    const attrs = Object.fromEntries((await db().user.findMany({ where: { id: { startsWith: "flush" } }, orderBy: { id: "asc" } })).map((u) => [u.id, u.attributes]));
    expect(attrs).toEqual({
      flush000000: { firstName: "Name0", n: 0, crmId: "v2" },
      flush000001: { firstName: "Name1", n: 1, crmId: "v1" },
      flush000002: { firstName: "Name2", n: 2, crmId: "v3", vip: true },
    });
    const sources = Object.fromEntries((await db().user.findMany({ where: { id: { startsWith: "flush" } }, orderBy: { id: "asc" } })).map((u) => [u.id, u.attributeSources]));
    const by = (i: number) => deliveries[i]!.id;
    expect(sources).toEqual({ flush000000: { crmId: by(2) }, flush000001: { crmId: by(1) }, flush000002: { crmId: by(3), vip: by(3) } });
    expect(await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })).toBe(4);
  });
});

// deliveries of one campaign to `userId`, each held by worker "w", and a recorder writing their results
async function held(userId: string, count: number, recorder = new Recorder(db(), "w", { flushMs: 1, maxBatch: 10 })) {
  const campaign = await db().campaign.create({
    data: { name: `Unchanged ${userId}`, deliveryRule: { when: "immediate" }, actions: { create: { urlTemplate: `${receiver.url}/x`, fields: [], headers: [] } } },
    include: { actions: true },
  });
  const actionId = campaign.actions[0]!.id;
  const now = new Date();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = await db().delivery.create({
      data: { webhookId: `msg_${userId}_${i}`, campaignId: campaign.id, actionId, userId, triggerKey: `t${i}`, plannedAt: now, dueAt: now, state: "sending", lockedBy: "w", lockedUntil: new Date(now.getTime() + 60_000) },
    });
    ids.push(d.id);
  }
  const result = (i: number, set: MappedAttributes["set"], setAt: Date, error: string | null = null) =>
    recorder.add({
      id: ids[i]!, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "127.0.0.1", sentAt: setAt,
      attempt: { deliveryId: ids[i]!, number: 1, startedAt: setAt, durationMs: 5, outcome: "delivered", status: 200, error, request: {}, response: { status: 200, savedToUser: Object.keys(set) }, timings: null, nextAttemptAt: null },
      attributes: { deliveryId: ids[i]!, userId, set, setAt },
    });
  const by = (i: number) => ids[i]!;
  return { ids, result, by };
}
describe("a mapped value the user holds already", () => {
  const user = (id: string) => db().user.findUniqueOrThrow({ where: { id } });
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 10, minute));

  it("does not write the user (updatedAt and set by stay) while every mapped value is unchanged; a changed one writes them all", async () => {
    await createUsers(1, "same");
    const { ids, result, by } = await held("same000000", 3);
    // text with quotes, a backslash and characters outside ASCII, a number, a list: all compare equal
    const set = { crmId: 'c-1 "é" \\ 😀', score: 12.5, tags: ["a", "b"] };
    await result(0, set, at(1));
    const first = await user("same000000");
    expect(first.attributes).toEqual({ firstName: "Name0", n: 0, ...set });
    expect(first.updatedAt).toEqual(at(1));
    expect(first.attributeSources).toEqual({ crmId: by(0), score: by(0), tags: by(0) });

    await result(1, { ...set }, at(2));
    const second = await user("same000000");
    expect(second.updatedAt).toEqual(at(1));
    expect(second.attributeSources).toEqual(first.attributeSources);
    expect(second.attributes).toEqual(first.attributes);
    // the delivery itself is recorded as usual, its attempt listing what the mapping read
    expect((await db().delivery.findUniqueOrThrow({ where: { id: ids[1]! } })).state).toBe("delivered");
    expect((await db().deliveryAttempt.findFirstOrThrow({ where: { deliveryId: ids[1]! } })).response).toMatchObject({ savedToUser: ["crmId", "score", "tags"] });

    // one value differs: the mapping is written, and its delivery is named for all it set
    await result(2, { ...set, score: 13 }, at(3));
    const third = await user("same000000");
    expect(third.updatedAt).toEqual(at(3));
    expect(third.attributes).toEqual({ firstName: "Name0", n: 0, ...set, score: 13 });
    expect(third.attributeSources).toEqual({ crmId: by(2), score: by(2), tags: by(2) });
  });

  it("compares with the user as it is when the result is written, not as it was when the delivery was claimed", async () => {
    await createUsers(1, "api");
    const { result, by } = await held("api000000", 3);
    await result(0, { crmId: "c-1" }, at(1));

    // claimed while the user held c-1; the API sets another value before the result: the answer's c-1 is
    // a change again, written and named
    await upsertUsers([{ userId: "api000000", attributes: { crmId: "api-9", plan: "pro" } }]);
    await result(1, { crmId: "c-1" }, at(2));
    let row = await user("api000000");
    expect(row.attributes).toEqual({ firstName: "Name0", n: 0, crmId: "c-1", plan: "pro" });
    expect(row.attributeSources).toEqual({ crmId: by(1) });

    // the API sets the very value the answer brings: nothing is written, and "set by" still says the
    // API's write (no campaign) rather than naming the delivery
    await upsertUsers([{ userId: "api000000", attributes: { crmId: "c-2" } }]);
    const before = await user("api000000");
    await result(2, { crmId: "c-2" }, at(3));
    row = await user("api000000");
    expect(row.attributes).toEqual({ firstName: "Name0", n: 0, crmId: "c-2", plan: "pro" });
    expect(row.updatedAt).toEqual(before.updatedAt);
    expect(await attributeSourcesOf("api000000")).toEqual({});
  });
});

describe("a mapped write over a user's limits (the users API's: 500 attributes, 256 KiB)", () => {
  const user = (id: string) => db().user.findUniqueOrThrow({ where: { id } });
  const attempt = (deliveryId: string) => db().deliveryAttempt.findFirstOrThrow({ where: { deliveryId } });
  const strings = (prefix: string, count: number, length: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, "x".repeat(length)]));
  const at = new Date(Date.UTC(2026, 11, 6, 10));

  it("is not saved and the attempt says why; the delivery is delivered; a write that fits still goes through", async () => {
    await createUsers(1, "big");
    // ~200 KiB, under the limit: the users API refuses another 200 KiB (mergedAttributesProblem)
    await upsertUsers([{ userId: "big000000", attributes: strings("a", 20, 10_000) }]);
    const before = await user("big000000");
    const { ids, result, by } = await held("big000000", 4);

    // one response's worth (under 256 KiB on its own) that would take the user past 256 KiB
    await result(0, strings("r", 20, 10_000), at);
    expect((await user("big000000")).attributes).toEqual(before.attributes);
    expect((await user("big000000")).attributeSources).toEqual(before.attributeSources);
    expect((await db().delivery.findUniqueOrThrow({ where: { id: ids[0]! } })).state).toBe("delivered");
    const refused = await attempt(ids[0]!);
    expect(refused.outcome).toBe("delivered");
    expect(refused.error).toBe("mapping: not saved: the user would be over 256 KiB of attributes");
    expect(refused.response).toEqual({ status: 200 });

    // a path missing too: both reasons
    await result(1, strings("s", 20, 10_000), at, "mapping: $.gone is not in the response");
    expect((await attempt(ids[1]!)).error).toBe("mapping: $.gone is not in the response; not saved: the user would be over 256 KiB of attributes");

    // a small one still fits, and is saved as usual
    await result(2, { crmId: "c-1" }, at);
    expect((await user("big000000")).attributes).toEqual({ ...(before.attributes as object), crmId: "c-1" });
    const saved = await attempt(ids[2]!);
    expect(saved.error).toBeNull();
    expect(saved.response).toEqual({ status: 200, savedToUser: ["crmId"] });
    expect((await user("big000000")).attributeSources).toEqual({ crmId: by(2) });
  });

  it("counts attributes: not past 500, but a user at 500 still has its values replaced", async () => {
    await createUsers(1, "many");
    // 2 from the fixture + 497: 499
    await upsertUsers([{ userId: "many000000", attributes: strings("a", 497, 1) }]);
    const { ids, result } = await held("many000000", 3);
    await result(0, { new1: 1 }, at);
    const row = await user("many000000");
    expect(Object.keys(row.attributes as object)).toHaveLength(500);
    await result(1, { new2: 2, a0: "y" }, at);
    expect(Object.keys((await user("many000000")).attributes as object)).toHaveLength(500);
    expect((await attempt(ids[1]!)).error).toBe("mapping: not saved: the user would be over 500 attributes");

    // replacing values (no new name) at 500 is saved
    await result(2, { a0: "z", new1: 9 }, at);
    expect((await user("many000000")).attributes).toMatchObject({ a0: "z", new1: 9 });
    expect((await attempt(ids[2]!)).error).toBeNull();
  });

  it("in one flush: the write that fits is saved, the one that does not is not (and only its attempt says so)", async () => {
    await createUsers(2, "pair");
    await upsertUsers([{ userId: "pair000000", attributes: strings("a", 20, 10_000) }]);
    const recorder = new Recorder(db(), "w", { flushMs: 50, maxBatch: 10 });
    const big = await held("pair000000", 1, recorder);
    const small = await held("pair000001", 1, recorder);
    await Promise.all([big.result(0, strings("r", 20, 10_000), at), small.result(0, { crmId: "c-2" }, at)]);
    expect(Object.keys((await user("pair000000")).attributes as object)).not.toContain("r0");
    expect((await user("pair000001")).attributes).toMatchObject({ crmId: "c-2" });
    expect((await attempt(big.ids[0]!)).error).toMatch(/not saved: the user would be over 256 KiB/);
    expect((await attempt(small.ids[0]!)).error).toBeNull();
  });

  it("in one flush where nothing is written: the write over the limit is noted, the unchanged one is not", async () => {
    await createUsers(2, "still");
    await upsertUsers([{ userId: "still000000", attributes: strings("a", 20, 10_000) }, { userId: "still000001", attributes: { crmId: "c-1" } }]);
    const recorder = new Recorder(db(), "w", { flushMs: 50, maxBatch: 10 });
    const big = await held("still000000", 1, recorder);
    const same = await held("still000001", 1, recorder);
    const before = await user("still000001");
    // the users' UPDATE changes no row: one is refused, one holds its value already
    await Promise.all([big.result(0, strings("r", 20, 10_000), at), same.result(0, { crmId: "c-1" }, at)]);
    expect(Object.keys((await user("still000000")).attributes as object)).not.toContain("r0");
    expect((await user("still000001")).updatedAt).toEqual(before.updatedAt);
    expect((await attempt(big.ids[0]!)).error).toBe("mapping: not saved: the user would be over 256 KiB of attributes");
    expect((await attempt(big.ids[0]!)).response).toEqual({ status: 200 });
    expect((await attempt(same.ids[0]!)).error).toBeNull();
    expect((await attempt(same.ids[0]!)).response).toEqual({ status: 200, savedToUser: ["crmId"] });
  });
});
