// A step TIMED from a user attribute an earlier step saves from its response: Webhook 1 asks a receiver for
// each user's due date and saves it as dueAt; Webhook 2 goes 10 hours before dueAt. A walkthrough found every
// Webhook 2 row suppressed at activation ('No time in user attribute "dueAt"': read at fan-out, before
// Webhook 1 had answered) and the campaign Finished, step 2 lost for everyone. It waits for Webhook 1 as a
// step reading the value in its templates does, then is timed from the value saved: sent at once when that
// time has passed, scheduled for it otherwise; suppressed, naming Webhook 1, when it saved no time. For an
// activation and for an event (Webhook 1 after a delay), on the embedded engine (either database) and the
// BullMQ one (PostgreSQL and Redis). A real receiver on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { trackEvents } from "../triggers";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor, type Reply } from "../testing/receiver";
import { createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { onPostgres, scaleOutHarness } from "../testing/scale-out-harness";

const HOUR = 3_600_000;
/** how far past "10 hours before" each kind of user's due date is, from when Webhook 1 answers them */
const DUE_IN: Record<string, number | null> = {
  // 10 h before is 5 h ago: sent at once
  past: 5 * HOUR,
  // 10 h before is 2 s from the answer: scheduled for then, and sent
  soon: 10 * HOUR + 2_000,
  // 10 h before is tomorrow: scheduled for then
  far: 34 * HOUR,
  // had a due date before (a month ahead); the answer's, 10 h before which has passed, is the one used
  stale: 5 * HOUR,
  // the answer has no due date
  none: null,
  // had a due date before (10 h before it has passed); the answer has none: not sent from the old one (review)
  was: null,
  // had one too; the lookup fails (400): not sent from the old one, suppressed naming the failed step (review)
  failing: null,
};
/** the kinds that had a due date before the lookup: when, from their creation */
const HAD_DUE: Record<string, number> = { stale: 30 * 24 * HOUR, was: 5 * HOUR, failing: 5 * HOUR };
const kindOf = (userId: string) => Object.keys(DUE_IN).find((k) => userId.includes(`-${k}`))!;

let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** the due date each user was answered, by user id */
const answered = new Map<string, { at: number; due: number | null }>();

beforeAll(async () => {
  receiver = await startReceiver((req): Reply => {
    if (!req.path.startsWith("/due/")) return { status: 200 };
    const userId = req.path.split("/").pop()!;
    if (userId.includes("-twice")) return twiceAnswer(userId);
    if (kindOf(userId) === "failing") return { status: 400 };
    const inMs = DUE_IN[kindOf(userId)];
    const due = inMs === null || inMs === undefined ? null : Date.now() + inMs;
    answered.set(userId, { at: Date.now(), due });
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(due === null ? { status: "unknown" } : { due: new Date(due).toISOString() }) };
  });
});
afterAll(async () => receiver.close());

const NO_TIME = 'No time in user attribute "dueAt" after Webhook 1 (Due lookup) finished: it saves dueAt from its response';
const FAILED = "Webhook 1 (Due lookup) did not deliver (failed), so dueAt was not saved";

/** Two orders of one user ("-twice"): the first lookup's reminder is due 6 s after it answers, the second's tomorrow. */
const twiceAnswers: { at: number; due: number }[] = [];
function twiceAnswer(userId: string): Reply {
  const due = Date.now() + 10 * HOUR + (twiceAnswers.length ? 24 * HOUR : 6_000);
  twiceAnswers.push({ at: Date.now(), due });
  answered.set(userId, { at: Date.now(), due });
  return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ due: new Date(due).toISOString() }) };
}

function steps(prefix: string, firstDelaySeconds = 0) {
  return [
    {
      position: 0,
      name: "Due lookup",
      urlTemplate: `${receiver.url}/due/{{user.id}}`,
      fields: [],
      headers: [],
      timeoutMs: 5000,
      responseMapping: [{ path: "$.due", attribute: "dueAt", type: "date" }] as Prisma.InputJsonValue,
      ...(firstDelaySeconds ? { subDelivery: { kind: "delay", seconds: firstDelaySeconds } } : {}),
    },
    {
      position: 1,
      name: "Due reminder",
      urlTemplate: `${receiver.url}/remind/{{user.id}}?due={{user.dueAt}}`,
      fields: [{ key: "who", value: `${prefix}:{{user.id}}`, type: "text" }],
      headers: [],
      timeoutMs: 5000,
      subDelivery: { kind: "relative", source: "user", key: "dueAt", offsetSeconds: -10 * 3600 },
    },
  ];
}

async function usersOf(prefix: string, kinds: string[]) {
  const ids: Record<string, string> = {};
  for (const kind of kinds) {
    const [user] = await createUsers(1, `${prefix}-${kind}`);
    ids[kind] = user!.id;
    if (HAD_DUE[kind]) await db().user.update({ where: { id: user!.id }, data: { attributes: { ...user!.attributes, dueAt: new Date(Date.now() + HAD_DUE[kind]!).toISOString() } } });
  }
  return ids;
}

const reminders = () => new Map(receiver.received.filter((r) => r.path.startsWith("/remind/")).map((r) => [r.path.split("?")[0]!.split("/").pop()!, r]));
const rowOf = (campaignId: string, actionId: string, userId: string) => db().delivery.findFirstOrThrow({ where: { campaignId, actionId, userId } });

/** Step 2 of each kind of user as it should end, timed from what step 1 saved. */
async function expectTimedFromAnswers(campaignId: string, second: string, ids: Record<string, string>) {
  const finished = Object.keys(ids).filter((k) => k !== "far").length;
  await waitFor(async () => (await db().delivery.count({ where: { campaignId, actionId: second, state: { in: ["delivered", "suppressed", "failed"] } } })) === finished, 40_000, 50);
  const sent = reminders();
  for (const kind of ["past", "stale"].filter((k) => ids[k])) {
    const id = ids[kind]!;
    // sent once the answer was saved, with the answer's date (not the one from before)
    expect(sent.get(id)!.at).toBeGreaterThanOrEqual(answered.get(id)!.at);
    expect(decodeURIComponent(sent.get(id)!.path.split("due=")[1]!)).toBe(new Date(answered.get(id)!.due!).toISOString());
    expect(await rowOf(campaignId, second, id)).toMatchObject({ state: "delivered", reason: null });
  }
  if (ids.soon) {
    const id = ids.soon;
    const at = answered.get(id)!.due! - 10 * HOUR;
    expect(sent.get(id)!.at).toBeGreaterThanOrEqual(at - 50);
    expect((await rowOf(campaignId, second, id)).plannedAt.getTime()).toBe(at);
  }
  if (ids.far) {
    const id = ids.far;
    const row = await rowOf(campaignId, second, id);
    const at = answered.get(id)!.due! - 10 * HOUR;
    expect(row).toMatchObject({ state: "scheduled", reason: null });
    expect(row.plannedAt.getTime()).toBe(at);
    expect(row.dueAt.getTime()).toBe(at);
    expect(sent.has(id)).toBe(false);
  }
  // no time saved by this chain's lookup: suppressed, whatever the user held before
  for (const kind of ["none", "was"].filter((k) => ids[k])) {
    expect(await rowOf(campaignId, second, ids[kind]!)).toMatchObject({ state: "suppressed", reason: NO_TIME });
    expect(sent.has(ids[kind]!)).toBe(false);
  }
  if (ids.failing) {
    expect(await rowOf(campaignId, second, ids.failing)).toMatchObject({ state: "suppressed", reason: FAILED });
    expect(sent.has(ids.failing)).toBe(false);
  }
}

/** Activated at once: step 2 waits for step 1's answer for its time, for every user, whatever they had before. */
async function activated(prefix: string) {
  const ids = await usersOf(prefix, ["past", "soon", "far", "stale", "none", "was", "failing"]);
  const campaign = await db().campaign.create({
    data: { name: `Due reminder ${prefix}`, deliveryRule: { when: "immediate" }, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${prefix}-` }] }, actions: { create: steps(prefix) } },
    include: { actions: { orderBy: { position: "asc" } } },
  });
  const second = campaign.actions[1]!.id;
  const activatedAt = Date.now();
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  // planned due at once, none suppressed at activation (its time is not known before step 1's answer)
  const planned = await db().delivery.findMany({ where: { campaignId: campaign.id, actionId: second } });
  expect(planned.length).toBe(7);
  expect(planned.filter((d) => d.state === "suppressed")).toEqual([]);
  for (const d of planned) expect(d.plannedAt.getTime()).toBeLessThan(activatedAt + 5_000);
  await expectTimedFromAnswers(campaign.id, second, ids);
  // the user "far" is still to be sent: the campaign has not finished
  expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("active");
}

/** Triggered by an event, step 1 a second after it: step 2 waits for that answer too. */
async function triggered(prefix: string) {
  const ids = await usersOf(prefix, ["past", "soon", "none", "failing"]);
  const event = `due_${prefix}`;
  const campaign = await db().campaign.create({
    data: { name: `Due on event ${prefix}`, status: "draft", deliveryRule: { when: "triggered", event }, actions: { create: steps(prefix, 1) } },
    include: { actions: { orderBy: { position: "asc" } } },
  });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  const tracked = await trackEvents(Object.values(ids).map((userId) => ({ userId, event })));
  expect(tracked).toMatchObject({ scheduled: 8, suppressed: 0 });
  await expectTimedFromAnswers(campaign.id, campaign.actions[1]!.id, ids);
}

/**
 * One user, two events (two orders): the first's lookup answers (reminder due 6 s later), then the second
 * order's answers with a date a day later, into the same attribute. The first reminder still goes at its
 * own time, not moved to the second's (a review found both sent at the second's, none at the first's).
 */
async function twoOccurrences(prefix: string) {
  twiceAnswers.length = 0;
  const [user] = await createUsers(1, `${prefix}-twice`);
  const event = `due2_${prefix}`;
  const campaign = await db().campaign.create({
    data: { name: `Due twice ${prefix}`, status: "draft", deliveryRule: { when: "triggered", event }, actions: { create: steps(prefix, 1) } },
    include: { actions: { orderBy: { position: "asc" } } },
  });
  const second = campaign.actions[1]!.id;
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  await trackEvents([{ userId: user!.id, event }]);
  const rows = () => db().delivery.findMany({ where: { campaignId: campaign.id, actionId: second }, orderBy: { createdAt: "asc" } });
  // the first order's reminder timed from its answer
  await waitFor(async () => (await rows()).some((r) => twiceAnswers[0] !== undefined && r.plannedAt.getTime() === twiceAnswers[0].due - 10 * HOUR), 20_000, 50);
  const first = (await rows())[0]!;
  await trackEvents([{ userId: user!.id, event }]);
  await waitFor(async () => (await rows()).length === 2 && (await rows()).every((r) => twiceAnswers[1] && [twiceAnswers[0]!.due - 10 * HOUR, twiceAnswers[1].due - 10 * HOUR].includes(r.plannedAt.getTime())), 20_000, 50);
  // the first reminder goes at its time, the second stays set for its own
  await waitFor(async () => ["delivered", "failed", "suppressed"].includes((await db().delivery.findUniqueOrThrow({ where: { id: first.id } })).state), 20_000, 50);
  const sentFirst = await db().delivery.findUniqueOrThrow({ where: { id: first.id } });
  expect(sentFirst).toMatchObject({ state: "delivered", reason: null });
  expect(sentFirst.plannedAt.getTime()).toBe(twiceAnswers[0]!.due - 10 * HOUR);
  expect(sentFirst.sentAt!.getTime()).toBeGreaterThanOrEqual(twiceAnswers[0]!.due - 10 * HOUR - 50);
  const later = (await rows()).find((r) => r.id !== first.id)!;
  expect(later).toMatchObject({ state: "scheduled", reason: null });
  expect(later.plannedAt.getTime()).toBe(twiceAnswers[1]!.due - 10 * HOUR);
  expect(receiver.received.filter((r) => r.path.startsWith(`/remind/${user!.id}`)).length).toBe(1);
}

describe("a step timed from what an earlier step saves from its response (embedded engine)", () => {
  let engine: EmbeddedEngine | null = null;
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    setDeliveryQueue(null);
  });
  const start = async () => {
    engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    setDeliveryQueue(engine);
    await engine.start();
  };

  it("activated at once: waits for the answer, sent at once when its time has passed, scheduled for it otherwise, suppressed naming the step without a time", async () => {
    await start();
    await activated("emba");
  }, 60_000);

  it("triggered by an event, the earlier step delayed: the same", async () => {
    await start();
    await triggered("embt");
  }, 60_000);

  it("two events of one user: the first reminder goes at its own time, not the second's", async () => {
    await start();
    await twoOccurrences("emb2");
  }, 60_000);
});

describe.skipIf(!onPostgres)("a step timed from what an earlier step saves from its response (BullMQ engine)", () => {
  const harness = scaleOutHarness();
  const start = async () => {
    await harness.startWorker({ concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    await harness.subscribed(1);
  };

  it("activated at once", async () => {
    await start();
    await activated("bqa");
  }, 60_000);

  it("triggered by an event", async () => {
    await start();
    await triggered("bqt");
  }, 60_000);

  it("two events of one user", async () => {
    await start();
    await twoOccurrences("bq2");
  }, 60_000);
});
