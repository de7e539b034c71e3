import { beforeAll, describe, expect, it } from "vitest";
import { createSystemApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db";
import { POST } from "./route";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";

let authorization = "";
beforeAll(async () => {
  authorization = `Bearer ${(await createSystemApiKey({ name: "events test", role: "editor" })).key}`;
});

function post(body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) {
  return POST(new Request("http://127.0.0.1/api/v1/events", { method: "POST", body, headers: { authorization, ...headers } }));
}
const json = (v: unknown) => post(JSON.stringify(v));

async function nothingWritten() {
  expect(await db().event.count()).toBe(0);
  expect(await db().user.count()).toBe(0);
}

describe("POST /api/v1/events: bad input", () => {
  it("needs an API key", async () => {
    const res = await POST(new Request("http://127.0.0.1/api/v1/events", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }));
    expect(res.status).toBe(401);
  });

  it("names unknown fields, wrong types and a missing userId, writing nothing", async () => {
    const cases: [unknown, RegExp][] = [
      [{ userId: "u1", event: "x", colour: "red" }, /colour/],
      [{ userId: 42, event: "x" }, /^userId: Must be a string, not a number$/],
      [{ userId: "u1", event: { name: "x" } }, /^event: Must be a string, not an object$/],
      [{ event: "x" }, /^userId: Required: the user's id$/],
      [{ userId: "u1", event: "x", params: [1, 2] }, /params/],
      [{ userId: "u1", event: "x", time: "yesterday" }, /time/],
      [{ events: [{ userId: "u1", event: "ok" }, { userId: "u2" }] }, /events\.1\.event/],
      [{ events: [] }, /at least one/],
      [{ events: Array.from({ length: 1001 }, () => ({ userId: "u", event: "e" })) }, /1000/],
      [[{ userId: "u1", event: "x" }], /userId|expected/i],
      // PostgreSQL cannot store U+0000: refused on both databases, in keys and values
      [{ userId: "u1", event: "x", params: { "a\u0000": null } }, /params\.a.*NUL/],
      [{ events: [{ userId: "u\u0000", event: "x" }] }, /events\.0\.userId.*NUL/],
    ];
    for (const [body, message] of cases) {
      const res = await json(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const payload = await res.json();
      expect(payload.error.code).toBe("validation_error");
      expect(payload.error.message).toMatch(message);
    }
    await nothingWritten();
  });

  it("answers 400 naming the field for times out of range and params too deep or too large (never 500)", async () => {
    const deep = (levels: number) => `{"userId":"u1","event":"x","params":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`;
    const cases: [string, RegExp][] = [
      [JSON.stringify({ userId: "u1", event: "x", time: 1e20 }), /^time: .*2000-01-01/],
      [JSON.stringify({ userId: "u1", event: "x", time: Date.now() }), /^time: .*not milliseconds/],
      [JSON.stringify({ userId: "u1", event: "x", time: "1969-12-31T00:00:00Z" }), /^time: /],
      [JSON.stringify({ userId: "u1", event: "x", time: "9999-01-01T00:00:00Z" }), /^time: /],
      [JSON.stringify({ events: [{ userId: "u1", event: "x" }, { userId: "u1", event: "x", time: 1e20 }] }), /^events\.1\.time: /],
      [deep(100_000), /^params\.a\.a.*nested more than 64 levels/],
      [deep(40), /^params: Parameters can be nested at most 32 levels deep/],
      [JSON.stringify({ userId: "u1", event: "x", params: { blob: "x".repeat(70 * 1024) } }), /^params: Parameters can be at most 64 KiB/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, body.slice(0, 80)).toBe(400);
      const payload = await res.json();
      expect(payload.error.code).toBe("validation_error");
      expect(payload.error.message).toMatch(message);
    }
    await nothingWritten();
  });

  it("a time that is no time at all (a zoneless ISO string, seconds as a string, words) gets one problem, not also an out-of-range one", async () => {
    for (const time of ["2026-12-05T05:00:00", "1796448000", "yesterday"]) {
      const res = await json({ userId: "u1", event: "x", time });
      expect(res.status, time).toBe(400);
      const { error } = await res.json();
      expect(error.message).toBe("time: Use ISO-8601 with a time zone (2026-12-05T09:30:00Z), or Unix seconds as a number");
      expect(error.details, time).toEqual([{ path: "time", message: "Use ISO-8601 with a time zone (2026-12-05T09:30:00Z), or Unix seconds as a number" }]);
    }
    await nothingWritten();
  });

  it("refuses invalid JSON, other content types and 10 MB bodies", async () => {
    const bad = await post("{ not json");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
    const text = await post("userId=u1", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    const huge = await post(new Blob([JSON.stringify({ userId: "u1", event: "x", params: { blob: "x".repeat(10 * 1024 * 1024) } })]));
    expect(huge.status).toBe(413);
    await nothingWritten();
  });
});

describe("POST /api/v1/events", () => {
  it("stores events, creates unknown users and answers 202 with the deliveries scheduled", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook/{{user.id}}", rule: { when: "triggered", event: "signed_up" } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    const res = await json({ events: [
      { userId: "a", event: "signed_up", params: { plan: "pro" }, time: "2026-01-01T10:00:00Z" },
      { userId: "b", event: "signed_up", time: 1767261600 },
      { userId: "a", event: "viewed" },
    ] });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 3, usersCreated: 2, scheduled: 2 });
    expect(await db().event.count()).toBe(3);
    const deliveries = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
    expect(deliveries.map((d) => [d.userId, d.state])).toEqual([["a", "scheduled"], ["b", "scheduled"]]);
    expect(deliveries[0].eventData).toEqual({ name: "signed_up", params: { plan: "pro" } });
    const single = await json({ userId: "c", event: "signed_up" });
    expect(single.status).toBe(202);
    expect(await single.json()).toMatchObject({ accepted: 1, scheduled: 1 });
  });
});
