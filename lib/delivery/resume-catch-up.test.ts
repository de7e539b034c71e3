// Resuming a paused triggered campaign with "catch up": the events that arrived while it was paused
// are planned as if it had not been paused (their conditions, the segment, delays from each event's
// time), in the same transaction as the resume; a plain resume leaves them. Real database.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { createCampaign } from "./testing/fixtures";
import { activateCampaign, pauseCampaign, resumeCampaign, resumeMessage } from "./store/lifecycle";
import { loadDeliverySettings } from "./forms/settings";
import { trackEvents } from "./triggers";

const URL = "http://127.0.0.1:9999/hook/{{user.id}}";
const ACTOR = "editor@example.com";

async function pausedTriggered(event: string) {
  const campaign = await createCampaign({ url: URL, rule: { when: "triggered", event, conditions: [{ key: "amount", operator: "greater", value: 10 }] }, subDelivery: { kind: "delay", seconds: 60 } });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  expect((await trackEvents([{ userId: `${event}-before`, event, params: { amount: 20 } }])).scheduled).toBe(1);
  expect(await pauseCampaign(campaign.id, ACTOR)).toBe(true);
  return campaign;
}

// a resume's window ends at its own clock's millisecond, exclusive: an event tracked in that very
// millisecond is planned by its transaction's second look (planArrivedMeanwhile), not the window.
// Tests that count what the window holds let the clock move on first.
function nextMillisecond() {
  const now = Date.now();
  while (Date.now() <= now);
}

const deliveryUsers = async (campaignId: string) => (await db().delivery.findMany({ where: { campaignId }, orderBy: { userId: "asc" } })).map((d) => d.userId);

describe("resume with catch up", () => {
  it("plans the matching events that arrived while paused, once, with the resume; the page counts them first", async () => {
    const campaign = await pausedTriggered("bought");
    const tracked = await trackEvents([
      { userId: "bought-missed", event: "bought", params: { amount: 50 }, time: new Date(Date.now() - 30_000).toISOString() },
      { userId: "bought-small", event: "bought", params: { amount: 5 } },
      { userId: "bought-other", event: "viewed", params: { amount: 50 } },
    ]);
    expect(tracked.scheduled).toBe(0);
    expect((await loadDeliverySettings(campaign.id))!.missedWhilePaused).toMatchObject({ event: "bought", count: 2 });

    nextMillisecond();
    const result = await resumeCampaign(campaign.id, ACTOR, { catchUp: true });
    expect(result).toEqual({ ok: true, caughtUp: { events: 2, scheduled: 1, suppressed: 0 } });
    expect(resumeMessage(result as Extract<typeof result, { ok: true }>)).toBe("Resumed, and caught up 2 events that arrived while it was paused: 1 delivery planned.");
    expect(await deliveryUsers(campaign.id)).toEqual(["bought-before", "bought-missed"]);
    const missed = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, userId: "bought-missed" } });
    // the delay counts from the event's own time, as it would have
    const event = await db().event.findUniqueOrThrow({ where: { id: missed.eventId! } });
    expect(missed.plannedAt.getTime()).toBe(event.time.getTime() + 60_000);
    const stored = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(stored).toMatchObject({ status: "active", pausedAt: null });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "campaign.resumed", target: campaign.id } });
    expect(audit.details).toEqual({ caughtUp: { events: 2, scheduled: 1, suppressed: 0 } });

    // events after the resume are planned as they arrive, and nothing is planned twice
    expect((await trackEvents([{ userId: "bought-after", event: "bought", params: { amount: 11 } }])).scheduled).toBe(1);
    expect(await deliveryUsers(campaign.id)).toEqual(["bought-after", "bought-before", "bought-missed"]);
    expect(await resumeCampaign(campaign.id, ACTOR, { catchUp: true })).toEqual({ ok: false, message: "Only a paused campaign can be resumed." });
  });

  it("a plain resume leaves them; a second pause counts only its own window", async () => {
    const campaign = await pausedTriggered("plain");
    await trackEvents([{ userId: "plain-missed", event: "plain", params: { amount: 50 } }]);
    expect(await resumeCampaign(campaign.id, ACTOR)).toEqual({ ok: true, caughtUp: null });
    expect(await deliveryUsers(campaign.id)).toEqual(["plain-before"]);
    expect(await pauseCampaign(campaign.id, ACTOR)).toBe(true);
    expect((await loadDeliverySettings(campaign.id))!.missedWhilePaused).toMatchObject({ event: "plain", count: 0 });
    nextMillisecond();
    expect(await resumeCampaign(campaign.id, ACTOR, { catchUp: true })).toEqual({ ok: true, caughtUp: { events: 0, scheduled: 0, suppressed: 0 } });
    expect(await deliveryUsers(campaign.id)).toEqual(["plain-before"]);
  });

  it("refuses more events than it may catch up, and one paused before its pause time was kept, changing nothing", async () => {
    const campaign = await pausedTriggered("many");
    await trackEvents([1, 2, 3].map((n) => ({ userId: `many-${n}`, event: "many", params: { amount: 50 } })));
    nextMillisecond();
    const refused = await resumeCampaign(campaign.id, ACTOR, { catchUp: true, maxEvents: 2 });
    expect(refused).toEqual({ ok: false, message: "3 events arrived while paused: more than the 2 a resume can catch up. Resume without catching up." });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");
    expect(await deliveryUsers(campaign.id)).toEqual(["many-before"]);

    await db().campaign.update({ where: { id: campaign.id }, data: { pausedAt: null } });
    expect((await loadDeliverySettings(campaign.id))!.missedWhilePaused).toBeNull();
    expect(await resumeCampaign(campaign.id, ACTOR, { catchUp: true })).toMatchObject({ ok: false, message: expect.stringMatching(/paused before this version/) });
    expect(await resumeCampaign(campaign.id, ACTOR)).toEqual({ ok: true, caughtUp: null });
  });
});

describe("resume with catch up, an event already planned live", () => {
  // trackEvents reads the active campaigns, then stamps its events' createdAt when it writes them: an
  // event tracked as the pause lands (in the same millisecond, as "refuses more events..." above does
  // on a fast machine, or on a process whose clock is a moment ahead of the one that paused) is
  // planned live and still counts as arrived since pausedAt. Catching it up again must not
  // plan it twice, nor fail the resume on Delivery's (actionId, userId, triggerKey).
  it("is not planned again, and the resume succeeds", async () => {
    const campaign = await createCampaign({ url: URL, rule: { when: "triggered", event: "raced", conditions: [] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    expect((await trackEvents([{ userId: "raced-live", event: "raced" }])).scheduled).toBe(1);
    // the pause, recorded a second before that event's createdAt
    expect(await pauseCampaign(campaign.id, ACTOR, new Date(Date.now() - 1000))).toBe(true);
    await trackEvents([{ userId: "raced-missed", event: "raced" }]);
    // counted beside Resume as what it is: one missed event
    expect((await loadDeliverySettings(campaign.id))!.missedWhilePaused).toMatchObject({ event: "raced", count: 1 });

    nextMillisecond();
    const result = await resumeCampaign(campaign.id, ACTOR, { catchUp: true });
    expect(result).toEqual({ ok: true, caughtUp: { events: 1, scheduled: 1, suppressed: 0 } });
    expect(await deliveryUsers(campaign.id)).toEqual(["raced-live", "raced-missed"]);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("active");
  });
});

describe("resume with catch up, a backlog too large to plan at once", () => {
  // every missed event is planned in memory before the transaction, its parameters copied into each
  // delivery: 100,000 events of 5 KB (100 API requests) ran a server's 1 GB heap out of memory
  it("is refused by the bytes of its events' parameters, changing nothing", async () => {
    const campaign = await pausedTriggered("heavy");
    await trackEvents([1, 2, 3].map((n) => ({ userId: `heavy-${n}`, event: "heavy", params: { amount: 50, note: "x".repeat(1000) } })));
    nextMillisecond();
    const refused = await resumeCampaign(campaign.id, ACTOR, { catchUp: true, maxBytes: 2000 });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^The events that arrived while paused hold more than 1 MB of parameters .*Resume without catching up\.$/) });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");
    expect(await deliveryUsers(campaign.id)).toEqual(["heavy-before"]);
    nextMillisecond();
    expect(await resumeCampaign(campaign.id, ACTOR, { catchUp: true })).toEqual({ ok: true, caughtUp: { events: 3, scheduled: 3, suppressed: 0 } });
  });
});

describe("resume with catch up, events that arrive while it plans", () => {
  // a large backlog takes seconds to read, plan and write; an event tracked meanwhile still finds the
  // campaign paused (not planned live) and arrived after the window the catch-up read: it was lost
  // for good (PostgreSQL, 30,000 events: one tracked 200 ms into the resume got no delivery)
  it("are planned in the resume's transaction too", async () => {
    const campaign = await pausedTriggered("meanwhile");
    await trackEvents([{ userId: "meanwhile-missed", event: "meanwhile", params: { amount: 50 } }]);
    const read = await db().event.findFirstOrThrow({ where: { userId: "meanwhile-missed" } });
    // the catch-up's window ends here, as if its read had happened then
    const until = new Date(read.createdAt.getTime() + 1);
    while (Date.now() <= until.getTime());
    await trackEvents([
      { userId: "meanwhile-late", event: "meanwhile", params: { amount: 50 } },
      { userId: "meanwhile-small", event: "meanwhile", params: { amount: 5 } },
    ]);

    const result = await resumeCampaign(campaign.id, ACTOR, { catchUp: true, now: until });
    expect(result).toEqual({ ok: true, caughtUp: { events: 3, scheduled: 2, suppressed: 0 } });
    expect(await deliveryUsers(campaign.id)).toEqual(["meanwhile-before", "meanwhile-late", "meanwhile-missed"]);
  });

  it("count toward the most a resume catches up: beyond, nothing changes", async () => {
    const campaign = await pausedTriggered("flood");
    await trackEvents([{ userId: "flood-1", event: "flood", params: { amount: 50 } }]);
    const read = await db().event.findFirstOrThrow({ where: { userId: "flood-1" } });
    const until = new Date(read.createdAt.getTime() + 1);
    while (Date.now() <= until.getTime());
    await trackEvents([2, 3].map((n) => ({ userId: `flood-${n}`, event: "flood", params: { amount: 50 } })));
    const refused = await resumeCampaign(campaign.id, ACTOR, { catchUp: true, now: until, maxEvents: 2 });
    expect(refused).toEqual({ ok: false, message: "More than 2 events arrived while paused: more than a resume can catch up. Resume without catching up." });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");
    expect(await deliveryUsers(campaign.id)).toEqual(["flood-before"]);
  });
});

describe("resume with catch up, raced (review: held)", () => {
  it("two at once plan the missed events once: one resumes, the other is told it is not paused", async () => {
    const campaign = await pausedTriggered("twice");
    await trackEvents([1, 2, 3].map((n) => ({ userId: `twice-${n}`, event: "twice", params: { amount: 50 } })));
    nextMillisecond();
    const results = await Promise.all([resumeCampaign(campaign.id, ACTOR, { catchUp: true }), resumeCampaign(campaign.id, ACTOR, { catchUp: true })]);
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, caughtUp: { events: 3, scheduled: 3, suppressed: 0 } }]);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, message: "Only a paused campaign can be resumed." }]);
    expect(await deliveryUsers(campaign.id)).toEqual(["twice-1", "twice-2", "twice-3", "twice-before"]);
    expect(await db().auditLog.count({ where: { action: "campaign.resumed", target: campaign.id } })).toBe(1);
  });
});
