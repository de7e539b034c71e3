// An event's own id (POST /api/v1/events `id`): a request retried after a timeout, a batch that
// repeats an event, or two retries racing each other store and plan the event once.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest } from "@/lib/api/testing";
import { db } from "@/lib/db";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { POST } from "./route";
import { DELETE as deleteUser } from "../users/[userId]/route";

let editor: Record<string, string>;
let campaignId = "";
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook/{{user.id}}", rule: { when: "triggered", event: "ordered" } });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  campaignId = campaign.id;
});

const track = async (body: unknown) => {
  const res = await POST(apiRequest("POST", "/events", editor, body));
  expect(res.status).toBe(202);
  return res.json();
};
const deliveriesFor = (userId: string) => db().delivery.count({ where: { campaignId, userId } });

describe("POST /api/v1/events with event ids", () => {
  it("a request sent again stores and plans nothing more, and says how many it ignored", async () => {
    const body = { events: [{ userId: "retry-a", event: "ordered", id: "order-1" }, { userId: "retry-b", event: "ordered", id: "order-2" }] };
    expect(await track(body)).toEqual({ accepted: 2, duplicates: 0, usersCreated: 2, scheduled: 2, suppressed: 0 });
    expect(await track(body)).toEqual({ accepted: 2, duplicates: 2, usersCreated: 0, scheduled: 0, suppressed: 0 });
    expect(await db().event.count({ where: { userId: { in: ["retry-a", "retry-b"] } } })).toBe(2);
    expect([await deliveriesFor("retry-a"), await deliveriesFor("retry-b")]).toEqual([1, 1]);
    // a new id is a new event, and an event without an id is always stored
    expect(await track({ events: [{ userId: "retry-a", event: "ordered", id: "order-3" }, { userId: "retry-a", event: "ordered" }, { userId: "retry-a", event: "ordered" }] })).toMatchObject({ duplicates: 0, scheduled: 3 });
    expect(await deliveriesFor("retry-a")).toBe(4);
  });

  it("an id repeated inside one batch counts once (the first)", async () => {
    const result = await track({ events: [
      { userId: "batch-a", event: "ordered", id: "same", params: { n: 1 } },
      { userId: "batch-a", event: "ordered", id: "same", params: { n: 2 } },
      { userId: "batch-b", event: "ordered", id: " same " },
    ] });
    expect(result).toMatchObject({ accepted: 3, duplicates: 2, scheduled: 1 });
    const events = await db().event.findMany({ where: { userId: { in: ["batch-a", "batch-b"] } } });
    expect(events.map((e) => e.params)).toEqual([{ n: 1 }]);
  });

  it("retries racing each other store the event once", async () => {
    const body = { userId: "race", event: "ordered", id: "order-race" };
    const results = await Promise.all(Array.from({ length: 8 }, () => track(body)));
    expect(results.map((r) => r.duplicates).sort()).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    expect(await db().event.count({ where: { userId: "race" } })).toBe(1);
    expect(await deliveriesFor("race")).toBe(1);
  });

  it("refuses an empty or over-long id with a 400 naming it, writing nothing", async () => {
    for (const id of ["", "  ", "x".repeat(201), 42]) {
      const res = await POST(apiRequest("POST", "/events", editor, { userId: "bad-id", event: "ordered", id }));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/^id: /);
    }
    expect(await db().user.count({ where: { id: "bad-id" } })).toBe(0);
  });

  it("an event deleted with its user takes its id along: the same id later is a new event", async () => {
    await track({ userId: "forgotten", event: "ordered", id: "order-forgotten" });
    const res = await deleteUser(apiRequest("DELETE", "/users/forgotten", editor), { params: Promise.resolve({ userId: "forgotten" }) });
    expect(res.status).toBe(204);
    expect(await db().eventKey.count({ where: { key: "order-forgotten" } })).toBe(0);
    expect(await track({ userId: "forgotten", event: "ordered", id: "order-forgotten" })).toMatchObject({ duplicates: 0, scheduled: 1 });
  });
});
