import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { createOwner } from "@/lib/auth/members";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { listUsers, MAX_USER_PAGE_BYTES } from "@/lib/audience/users";
import { GET as list, POST } from "./route";
import { DELETE, GET as getOne } from "./[userId]/route";

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await apiKeyHeaders("admin");
});

const url = "http://127.0.0.1/api/v1/users";
function post(body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  return POST(new Request(url, { method: "POST", body, headers: { "content-type": "application/json", ...admin, ...headers } }));
}
const json = (v: unknown) => post(JSON.stringify(v));
const one = (userId: string, method: "GET" | "DELETE" = "GET", headers = admin) => {
  const req = new Request(`${url}/${encodeURIComponent(userId)}`, { method, headers });
  return (method === "GET" ? getOne : DELETE)(req, { params: Promise.resolve({ userId }) });
};

describe("POST /api/v1/users", () => {
  it("creates one user, then merges attributes on update and removes those sent as null", async () => {
    let res = await json({ userId: "ada", email: "ada@example.com", timezone: "Europe/London", attributes: { plan: "pro", seats: 3, beta: true, tags: ["a", "b"], since: "2024-05-01T00:00:00Z" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ created: 1, updated: 0 });
    res = await json({ userId: "ada", attributes: { plan: "team", beta: null } });
    expect(await res.json()).toEqual({ created: 0, updated: 1 });
    const user = await (await one("ada")).json();
    expect(user).toMatchObject({ userId: "ada", email: "ada@example.com", timezone: "Europe/London" });
    expect(user.attributes).toEqual({ plan: "team", seats: 3, tags: ["a", "b"], since: "2024-05-01T00:00:00Z" });
  });

  it("an attribute stored under a built-in field's name before that rule can still be removed (null), while the field itself is untouched", async () => {
    await db().user.create({ data: { id: "legacy-names", email: "real@example.com", timezone: "Europe/Paris", attributes: { email: "shadow@example.com", timezone: "Pacific/Kiritimati", plan: "pro" } } });
    expect((await json({ userId: "legacy-names", attributes: { email: null, timezone: null } })).status).toBe(200);
    const user = await (await one("legacy-names")).json();
    expect(user).toMatchObject({ email: "real@example.com", timezone: "Europe/Paris", attributes: { plan: "pro" } });
    expect(Object.keys(user.attributes)).toEqual(["plan"]);
    // a value is still refused: null is the only thing such a name takes
    expect((await json({ userId: "legacy-names", attributes: { email: "again@example.com" } })).status).toBe(400);
  });

  it("stores a time zone as the IANA database spells it, so one zone has one name (a segment on Europe/Paris finds them all)", async () => {
    expect((await json({ users: [{ userId: "tz-lower", timezone: "europe/paris" }, { userId: "tz-upper", timezone: "EUROPE/PARIS" }, { userId: "tz-utc", timezone: "utc" }] })).status).toBe(200);
    expect((await (await one("tz-lower")).json()).timezone).toBe("Europe/Paris");
    expect((await (await one("tz-upper")).json()).timezone).toBe("Europe/Paris");
    expect((await (await one("tz-utc")).json()).timezone).toBe("UTC");
    const res = await json({ userId: "tz-bad", timezone: "europe/atlantis" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe("timezone: Not an IANA time zone (for example Europe/Paris)");
  });

  it("takes a batch of 1,000 and answers created and updated counts", async () => {
    await json({ userId: "b-0000" });
    const users = Array.from({ length: 1000 }, (_, i) => ({ userId: `b-${String(i).padStart(4, "0")}`, attributes: { n: i } }));
    const res = await json({ users });
    expect(await res.json()).toEqual({ created: 999, updated: 1 });
    expect(await db().user.count({ where: { id: { startsWith: "b-" } } })).toBe(1000);
  });

  it("takes an internationalized email (a non-ASCII local part or domain) as written, and still refuses what is no address", async () => {
    for (const [userId, email] of [["idn-1", "chloé@example.com"], ["idn-2", "x@exämple.de"], ["idn-3", "用户@例子.广告"], ["idn-4", "ana@b.xn--p1ai"]] as const) {
      const res = await json({ userId, email });
      expect(res.status, email).toBe(200);
      expect((await db().user.findUniqueOrThrow({ where: { id: userId } })).email).toBe(email);
    }
    for (const email of ["nope", "a@b", "a@.de", "a@b..de", "<script>@x.de", "a b@c.de", "chloé@", "@exämple.de", "a@@b.de", "a@b.de\n"]) {
      const res = await json({ userId: "idn-bad", email });
      expect(res.status, email).toBe(400);
      expect((await res.json()).error.message, email).toMatch(/^email: Not a valid email address/);
    }
    expect(await db().user.count({ where: { id: "idn-bad" } })).toBe(0);
  });

  it("answers 400 naming the field, and writes nothing", async () => {
    const before = await db().user.count();
    const cases: [unknown, RegExp][] = [
      [{ userId: "x", timezone: "Mars/Base" }, /^timezone: Not an IANA time zone \(for example Europe\/Paris\)$/],
      [{ userId: "x", timezone: "Paris" }, /^timezone: Not an IANA time zone \(did you mean Europe\/Paris\?\)$/],
      [{ userId: "x", email: "nope" }, /email/],
      [{ userId: "x", attributes: { "": 1 } }, /attributes.*empty/],
      [{ userId: "x", attributes: { ["a".repeat(1000)]: 1 } }, /at most 128/],
      [JSON.parse('{"userId":"x","attributes":{"__proto__":{"admin":true}}}'), /__proto__.*reserved/],
      [{ userId: "x", attributes: { constructor: 1 } }, /reserved/],
      // built-in fields: {{user.email}} and audience conditions read the field, an attribute of that name would be hidden
      [{ userId: "x", attributes: { email: "other@example.com" } }, /^attributes\.email: "email" is a built-in user field, not an attribute: set the field itself or choose another name$/],
      [{ userId: "x", attributes: { timezone: "Pacific/Kiritimati" } }, /^attributes\.timezone: "timezone" is a built-in user field/],
      [{ userId: "x", attributes: { id: "y" } }, /^attributes\.id: "id" is a built-in user field/],
      [{ userId: "x", attributes: { nested: { a: 1 } } }, /attributes\.nested/],
      [{ userId: "x", attributes: { list: [1, 2] } }, /attributes\.list/],
      [{ userId: "", email: "a@b.co" }, /userId/],
      [{ email: "a@b.co" }, /^userId: Required: the user's id$/],
      // present but not text: not "Required"
      [{ userId: 5 }, /^userId: Must be a string, not a number$/],
      [{ users: [{ userId: ["a"] }] }, /^users\.0\.userId: Must be a string, not a list$/],
      [{ userId: "x", colour: "red" }, /colour/],
      [{ users: [{ userId: "ok" }, { userId: "y", timezone: "Mars/Base" }] }, /users\.1\.timezone/],
      [{ users: [] }, /at least one/],
      [{ userId: "x", attributes: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${i}`, "x".repeat(10_000)])) }, /^attributes: .*at most 256 KiB/],
      [{ users: Array.from({ length: 1001 }, (_, i) => ({ userId: `z${i}` })) }, /1000/],
    ];
    for (const [body, message] of cases) {
      const res = await json(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const payload = await res.json();
      expect(payload.error.code).toBe("validation_error");
      expect(payload.error.message).toMatch(message);
    }
    const deep = await post(`{"userId":"x","attributes":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`);
    expect(deep.status).toBe(400);
    expect((await deep.json()).error.message).toMatch(/^attributes\.a\.0\.0.*nested more than 64 levels/);
    expect(await db().user.count()).toBe(before);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("answers 400 for invalid JSON, 415 for other content types, 413 for a body over 5 MB", async () => {
    const bad = await post("{ nope");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
    expect((await post("userId=x", { "content-type": "text/csv" })).status).toBe(415);
    const huge = await post(new TextEncoder().encode(JSON.stringify({ userId: "h", attributes: { blob: "x".repeat(6 * 1024 * 1024) } })));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe("payload_too_large");
    expect(await db().user.findUnique({ where: { id: "h" } })).toBeNull();
  });
});

describe("a user's attribute limits hold for the user, not one request", () => {
  // 20 attributes of 10,000 characters: ~200 KB, under the 256 KiB one request may send for a user
  const chunk = (prefix: string) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${prefix}${i}`, "x".repeat(10_000)]));
  const bytes = async (userId: string) => Buffer.byteLength(JSON.stringify((await db().user.findUniqueOrThrow({ where: { id: userId } })).attributes));

  it("the same user twice in a batch, each within 256 KiB, is refused when together they are over (it grew 5 MB a request)", async () => {
    const res = await json({ users: [{ userId: "big1", attributes: chunk("a") }, { userId: "big1", attributes: chunk("b") }, { userId: "fine1", attributes: { plan: "pro" } }] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("validation_error");
    expect(body.error.details).toEqual([{ path: "users.1.attributes", message: expect.stringMatching(/^User "big1": A user's attributes can be at most 256 KiB as JSON; with what the user holds these would make \d+ KiB/) }]);
    // all or nothing: the other user is not written either
    expect(await db().user.count({ where: { id: { in: ["big1", "fine1"] } } })).toBe(0);
  });

  it("a second request adding to a user already near the limit is refused, and a change that does not grow it still applies", async () => {
    expect((await json({ userId: "big2", attributes: chunk("a") })).status).toBe(200);
    const before = await bytes("big2");
    const res = await json({ userId: "big2", attributes: chunk("b") });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details[0].path).toBe("attributes");
    expect(await bytes("big2")).toBe(before);
    // replacing values at the same size, removing some, or setting the email are fine
    expect((await json({ userId: "big2", email: "b@example.com", attributes: { a0: "short", a1: null } })).status).toBe(200);
    expect(await bytes("big2")).toBeLessThan(before);
    expect((await db().user.findUniqueOrThrow({ where: { id: "big2" } })).email).toBe("b@example.com");
  });

  it("more than 500 attributes over several requests are refused as in one", async () => {
    const some = (from: number) => Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${from + i}`, 1]));
    expect((await json({ userId: "many", attributes: some(0) })).status).toBe(200);
    const res = await json({ userId: "many", attributes: some(300) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/at most 500 attributes; these would make 600/);
    expect(Object.keys((await db().user.findUniqueOrThrow({ where: { id: "many" } })).attributes as object)).toHaveLength(300);
  });
});

describe("GET /api/v1/users", () => {
  it("pages through every user with the cursor, each exactly once", async () => {
    const total = await db().user.count();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await list(new Request(`${url}?limit=300${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { headers: admin }));
      expect(res.status).toBe(200);
      const page: { users: { userId: string }[]; nextCursor: string | null } = await res.json();
      seen.push(...page.users.map((u) => u.userId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  // A user may hold 256 KiB of attributes: 1,000 of them in one page were a 256 MB answer and ~750 MB of heap.
  it("a page holds at most MAX_USER_PAGE_BYTES of attributes, whatever the limit; the cursor still reaches every user once", async () => {
    const blob = (i: number) => Object.fromEntries(Array.from({ length: 25 }, (_, k) => [`blob${k}`, `${i}`.padEnd(10_000, "x")]));
    const ids = Array.from({ length: 48 }, (_, i) => `zz-blob-${String(i).padStart(2, "0")}`);
    for (let i = 0; i < ids.length; i += 12) expect((await json({ users: ids.slice(i, i + 12).map((userId, j) => ({ userId, attributes: blob(i + j) })) })).status).toBe(200);
    const viewer = await apiKeyHeaders("viewer");
    const total = await db().user.count();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Response = await list(new Request(`${url}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { headers: viewer }));
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text.length).toBeLessThan(MAX_USER_PAGE_BYTES + 64 * 1024);
      const page: { users: { userId: string }[]; nextCursor: string | null } = JSON.parse(text);
      expect(page.users.length).toBeGreaterThan(0);
      seen.push(...page.users.map((u) => u.userId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    // the Users page's attribute filter reads the same way
    const filtered = await listUsers({ attribute: "blob0", limit: 1000 }, "admin");
    expect(filtered.users.length).toBeLessThan(ids.length);
    expect(filtered.nextCursor).toBe(filtered.users.at(-1)!.userId);
    const rest = await listUsers({ attribute: "blob0", limit: 1000, cursor: filtered.nextCursor! }, "admin");
    expect(rest.nextCursor).toBeNull();
    expect([...filtered.users, ...rest.users].map((u) => u.userId)).toEqual(ids);
    await db().user.deleteMany({ where: { id: { in: ids } } });
  }, 120_000);

  it("answers 400 naming the query parameter that holds %00, never a query (cursor=%00 was a 500 on PostgreSQL)", async () => {
    for (const q of ["cursor=%00", "cursor=a%00b&limit=5", "limit=5%00"]) {
      const res = await list(new Request(`${url}?${q}`, { headers: admin }));
      expect(res.status, q).toBe(400);
      const { error } = await res.json();
      expect(error.code, q).toBe("validation_error");
      expect(error.message, q).toMatch(/^(cursor|limit): text may not contain the NUL character \(U\+0000\)$/);
    }
  });

  it("answers 400 for a bad limit or an unknown parameter", async () => {
    for (const q of ["limit=0", "limit=5000", "limit=abc", "colour=red"]) {
      const res = await list(new Request(`${url}?${q}`, { headers: admin }));
      expect(res.status, q).toBe(400);
    }
  });
});

describe("GET and DELETE /api/v1/users/{userId}", () => {
  it("answers 404 for an unknown user", async () => {
    const res = await one("nobody");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    expect((await one("nobody", "DELETE")).status).toBe(404);
  });

  it("deletes the user with their events and deliveries", async () => {
    await json({ userId: "forget-me", email: "f@example.com" });
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/x" });
    const action = await db().action.findFirstOrThrow({ where: { campaignId: campaign.id } });
    await db().event.create({ data: { userId: "forget-me", name: "signed_up", params: {}, time: new Date() } });
    await db().delivery.create({
      data: { webhookId: "msg_forget", campaignId: campaign.id, actionId: action.id, userId: "forget-me", triggerKey: "activation", plannedAt: new Date(), dueAt: new Date() },
    });
    const res = await one("forget-me", "DELETE");
    expect(res.status).toBe(204);
    expect(await db().user.findUnique({ where: { id: "forget-me" } })).toBeNull();
    expect(await db().event.count({ where: { userId: "forget-me" } })).toBe(0);
    expect(await db().delivery.count({ where: { userId: "forget-me" } })).toBe(0);
    expect((await one("forget-me")).status).toBe(404);
  });
});

describe("authentication", () => {
  it("answers 401 without a key, with a malformed header, an unknown key or a revoked key", async () => {
    const owner = await createOwner({ email: "owner@example.com", password: "owner password" });
    const { key, apiKey } = await createApiKey({ name: "soon revoked", role: "admin" }, owner);
    expect((await list(new Request(url, { headers: { authorization: `Bearer ${key}` } }))).status).toBe(200);
    await revokeApiKey(apiKey.id, owner);
    const variants: Record<string, string>[] = [{}, { authorization: "Basic abc" }, { authorization: "Bearer hk_live_unknownunknownunknown" }, { authorization: `Bearer ${key}` }, { cookie: "session=1" }];
    for (const headers of variants) {
      const res = await list(new Request(url, { headers }));
      expect(res.status, JSON.stringify(headers)).toBe(401);
      const payload = await res.json();
      expect(payload.error.code).toBe("unauthorized");
      expect(JSON.stringify(payload)).not.toContain(key);
    }
  });

  it("answers 403 when the key's role is too low, and nothing changes", async () => {
    const res = await post(JSON.stringify({ userId: "viewer-made" }), await apiKeyHeaders("viewer"));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect(await db().user.findUnique({ where: { id: "viewer-made" } })).toBeNull();
  });
});
