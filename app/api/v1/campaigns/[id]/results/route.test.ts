// The goal through the campaigns API (create, read, update, keep, clear) and GET /api/v1/campaigns/{id}/results.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders } from "@/lib/api/testing";
import { apiKeyCaller, heavyQueues } from "@/lib/api/heavy-routes";
import { hashApiKey } from "@/lib/auth/api-keys";
import { campaignResultsSchema } from "@/lib/api/schemas/results";
import { db } from "@/lib/db";
import { createUsers } from "@/lib/delivery/testing/fixtures";
import { POST as create } from "../../route";
import { GET as getOne, PUT } from "../route";
import { GET as results } from "./route";

let editor: Record<string, string>;
let viewer: Record<string, string>;
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  viewer = await apiKeyHeaders("viewer");
});

const base = "http://127.0.0.1/api/v1";
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const send = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
  new Request(`${base}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });

const draft = { name: "Goal API", actions: [{ name: "CRM", url: "https://crm.example.com/hook" }] };

describe("the goal through the campaigns API", () => {
  it("creates with a goal, reads it, keeps it when an update leaves it out, clears it with null", async () => {
    const created = await create(send("/campaigns", "POST", editor, { ...draft, goalEvent: " purchase ", goalWindowHours: 48 }));
    expect(created.status).toBe(201);
    const campaign = await created.json();
    expect(campaign).toMatchObject({ goalEvent: "purchase", goalWindowHours: 48 });

    const read = await (await getOne(send(`/campaigns/${campaign.id}`, "GET", viewer), params(campaign.id))).json();
    expect(read).toMatchObject({ goalEvent: "purchase", goalWindowHours: 48 });

    const kept = await PUT(send(`/campaigns/${campaign.id}`, "PUT", editor, { ...draft, name: "Goal API v2" }), params(campaign.id));
    expect(await kept.json()).toMatchObject({ name: "Goal API v2", goalEvent: "purchase", goalWindowHours: 48 });

    const cleared = await PUT(send(`/campaigns/${campaign.id}`, "PUT", editor, { ...draft, goalEvent: null, goalWindowHours: 720 }), params(campaign.id));
    expect(await cleared.json()).toMatchObject({ goalEvent: null, goalWindowHours: 720 });
    const audit = await db().auditLog.findFirst({ where: { target: campaign.id, action: "campaign.updated" }, orderBy: { createdAt: "desc" } });
    expect(JSON.stringify(audit?.details)).toContain('"field":"goalEvent"');
  });

  it("a new campaign without a goal has none and the default window of 7 days", async () => {
    const campaign = await (await create(send("/campaigns", "POST", editor, draft))).json();
    expect(campaign).toMatchObject({ goalEvent: null, goalWindowHours: 168 });
  });

  it.each([
    [{ goalWindowHours: 0 }, "goalWindowHours"],
    [{ goalWindowHours: 721 }, "goalWindowHours"],
    [{ goalWindowHours: 1.5 }, "goalWindowHours"],
    [{ goalEvent: "x".repeat(201) }, "goalEvent"],
    [{ goalEvent: "a\u0000b" }, "goalEvent"],
  ])("refuses %j with 400 naming the field", async (goal, field) => {
    const res = await create(send("/campaigns", "POST", editor, { ...draft, ...goal }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain(field);
  });
});

describe("GET /api/v1/campaigns/{id}/results", () => {
  it("answers the table's figures to a viewer, in the documented shape", async () => {
    await createUsers(3, "rs");
    const campaign = await db().campaign.create({ data: { name: "Results", status: "active", deliveryRule: { when: "immediate" }, goalEvent: "purchase", goalWindowHours: 24 } });
    const step = await db().action.create({ data: { campaignId: campaign.id, name: "Offer", urlTemplate: "https://example.com", fields: [], headers: [], controlPercent: 50 } });
    const t0 = new Date(Date.now() - 3_600_000);
    for (const userId of ["rs000000", "rs000001"]) {
      await db().delivery.create({ data: { webhookId: `msg_${userId}`, campaignId: campaign.id, actionId: step.id, userId, triggerKey: "activation", plannedAt: t0, dueAt: t0, sentAt: t0, state: "delivered" } });
    }
    await db().controlGroupMember.create({ data: { campaignId: campaign.id, actionId: step.id, userId: "rs000002", triggerKey: "activation", assignedAt: t0 } });
    await db().event.create({ data: { userId: "rs000000", name: "purchase", params: {}, time: new Date(t0.getTime() + 60_000) } });

    const res = await results(send(`/campaigns/${campaign.id}/results`, "GET", viewer), params(campaign.id));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(campaignResultsSchema.safeParse(body).error?.issues ?? []).toEqual([]);
    expect(body.goal).toEqual({ event: "purchase", windowHours: 24 });
    expect(body.steps[0].groups.map((g: { key: string; reached: number; delivered: number; converted: number }) => [g.key, g.reached, g.delivered, g.converted])).toEqual([
      ["A", 2, 2, 1],
      ["control", 1, 1, 0],
    ]);
    expect(body.steps[0].groups[0].rate).toBe(0.5);
    expect(body.steps[0].verdict).toEqual({ kind: "too_small", minUsers: 100, minConversions: 10 });
  });

  it("404 for an unknown campaign, 401 without a key", async () => {
    expect((await results(send("/campaigns/nope/results", "GET", viewer), params("nope"))).status).toBe(404);
    expect((await results(send("/campaigns/nope/results", "GET", {}), params("nope"))).status).toBe(401);
  });
});

describe("GET /api/v1/campaigns/{id}/results runs a few at once per API key, as the app's results do per member", () => {
  it("with the key's places taken, one more is refused (429, Retry-After); another key still answers; given back, it answers", async () => {
    await createUsers(3, "heavy");
    const campaign = await db().campaign.create({ data: { name: "Heavy results", status: "active", deliveryRule: { when: "immediate" }, goalEvent: "purchase" } });
    // the key's 2 running and 8 waiting places held, as 10 slow results would hold them (12 real
    // requests at once overlapped or not by chance: on a quiet PostgreSQL each finished before the next arrived)
    const keyId = (await db().apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(viewer.authorization!.slice("Bearer ".length)) } })).id;
    const held = Array.from({ length: 10 }, () => heavyQueues().acquire(apiKeyCaller(keyId)));
    const releases = await Promise.all(held.slice(0, 2));
    const refused = await results(send(`/campaigns/${campaign.id}/results`, "GET", viewer), params(campaign.id));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await refused.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/Too many requests of this kind at once/) });
    // another key's places are its own
    expect((await results(send(`/campaigns/${campaign.id}/results`, "GET", await apiKeyHeaders("editor")), params(campaign.id))).status).toBe(200);
    // the places given back (each waiting one gets its turn, then goes): the next one answers
    for (const release of releases) release();
    for (const waiting of held.slice(2)) (await waiting)();
    expect((await results(send(`/campaigns/${campaign.id}/results`, "GET", viewer), params(campaign.id))).status).toBe(200);
  });
});
