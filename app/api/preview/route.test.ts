import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetMemberRates } from "@/lib/api/with-internal";
import { TokenBuckets } from "@/lib/api/rate-limit";
import { PREVIEW_DEBOUNCE_MS, PREVIEW_RATE } from "@/lib/campaigns/preview-rate";
import { memberCookies } from "@/test/sessions";
import { POST } from "./route";
import { LOAD } from "@/test/load";

let cookie = "";
let editorCookie = "";
const post = (body: string, as = cookie) => POST(new Request("http://localhost/api/preview", { method: "POST", headers: { "content-type": "application/json", origin: "http://localhost", cookie: as }, body }));

beforeEach(() => resetMemberRates());

beforeAll(async () => {
  const members = await memberCookies();
  cookie = members.viewer;
  editorCookie = members.editor;
  await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: { city: "Paris" } } });
});

describe("POST /api/preview", () => {
  it("renders the action as typed for the first user", async () => {
    const res = await post(JSON.stringify({ action: { url: "https://api.example.com/{{user.id}}?c={{userAttribute.city}}" }, campaign: { name: "x" } }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.request.url).toBe("https://api.example.com/u1?c=Paris");
  });

  it("renders for the user picked in Preview as, with their stored attributes, and says when they are gone", async () => {
    await db().user.create({ data: { id: "u2", email: "ana@example.com", timezone: "Europe/Paris", attributes: { plan: { tier: "pro" }, tags: ["a", "b"], vip: true } } });
    const action = { url: "https://api.example.com/{{user.id}}", fields: [{ key: "who", value: "{{user.email}} {{user.timezone}} {{userAttribute.plan.tier}} {{json userAttribute.tags}} {{userAttribute.vip}}", type: "text" }] };
    const body = await (await post(JSON.stringify({ action, campaign: { name: "x" }, userId: "u2" }))).json();
    expect(body.user).toEqual({ id: "u2" });
    expect(body.request.url).toBe("https://api.example.com/u2");
    expect(JSON.parse(body.request.body)).toEqual({ who: 'ana@example.com Europe/Paris pro ["a","b"] true' });
    const gone = await (await post(JSON.stringify({ action, campaign: { name: "x" }, userId: "nobody" }))).json();
    expect(gone).toMatchObject({ request: null, user: null, errors: [{ field: "user", message: expect.stringMatching(/No user "nobody"/) }] });
  });

  it("names a broken row by the form's row and its key, rows without a key above it not counted out", async () => {
    const action = {
      url: "https://api.example.com/x",
      fields: [{ key: "", value: "half-typed", type: "text" }, { key: "city", value: "{{#if user.id}}", type: "text" }],
      headers: [{ name: " ", value: "x" }, { name: "X-Trace", value: "{{nope user.id}}" }],
    };
    const body = await (await post(JSON.stringify({ action, campaign: { name: "x" } }))).json();
    expect(body.errors.map((e: { field: string; label: string }) => [e.field, e.label])).toEqual([
      ["fields[1].value", 'Field "city" value'],
      ["headers[1].value", 'Header "X-Trace" value'],
    ]);
  });

  it("marks an attribute no user has at its field, with the closest name; one an earlier step saves is noted as such, the step's own mapping is no help", async () => {
    const action = {
      url: "https://api.example.com/{{user.cty}}",
      fields: [{ key: "crm", value: "{{user.crmId}}", type: "text" }, { key: "town", value: "{{user.city}}", type: "text" }, { key: "ref", value: "{{user.prevRef}}", type: "text" }],
      responseMapping: [{ path: "$.id", attribute: "crmId" }],
    };
    const earlierSteps = [{ responseMappings: [[{ path: "$.id", attribute: "prevRef" }]] }];
    const body = await (await post(JSON.stringify({ action, earlierSteps, campaign: { name: "x" } }))).json();
    const warnings = body.warnings.map((w: { field: string; message: string; info?: boolean }) => [w.field, w.message, w.info ?? false]);
    expect(warnings).toContainEqual(["url", "No user has the attribute `cty`: did you mean `city`?", false]);
    // said once: not also "not set for this user"
    expect(warnings.filter(([field]: [string]) => field === "url")).toHaveLength(1);
    // saved by this webhook's own mapping: it has not answered when this webhook sends
    expect(warnings).toContainEqual(["fields[0].value", "No user has the attribute `crmId` yet: it renders empty for every user", false]);
    // saved by webhook 1's mapping: a note (info), once, not "empty for every user"
    expect(warnings.filter(([field]: [string]) => field === "fields[2].value")).toEqual([["fields[2].value", "Set from Webhook 1's response (`$.id`): each user's request waits for that answer", true]]);
  });

  it("says at the URL, as it is typed, that a private address or localhost is refused unless allowed; a host name is not looked up", async () => {
    const urlNotes = async (url: string) => {
      const body = await (await post(JSON.stringify({ action: { url }, campaign: { name: "x" } }))).json();
      expect(body.request, url).not.toBeNull();
      return body.warnings.filter((w: { field: string }) => w.field === "url").map((w: { message: string; atField?: boolean }) => [w.message, w.atField]);
    };
    expect(await urlNotes("http://10.1.2.3:8080/hook/{{user.id}}")).toEqual([
      ["Test send and Activate refuse this URL: destination 10.1.2.3 is in a private network; an admin can allow it in Settings › Allowed destinations", true],
    ]);
    // (localhost is 127.0.0.1, which the tests' HOOKLINE_ALLOWED_HOSTS allows)
    expect((await urlNotes("http://127.0.0.2:3000/x"))[0]?.[0]).toMatch(/destination 127\.0\.0\.2 is a loopback address; an admin can allow it in Settings › Allowed destinations/);
    expect((await urlNotes("http://169.254.169.254/latest"))[0]?.[0]).toMatch(/cloud metadata service/);
    // allowed (HOOKLINE_ALLOWED_HOSTS of the tests holds 127.0.0.1), a public address, a name (no DNS in the preview)
    expect(await urlNotes("http://127.0.0.1:4000/x")).toEqual([]);
    expect(await urlNotes("https://93.184.215.14/x")).toEqual([]);
    expect(await urlNotes("https://internal.corp.example/x")).toEqual([]);
    // said with no user to render for too (a first campaign, before any import)
    const none = await (await post(JSON.stringify({ action: { url: "http://10.1.2.3/x" }, campaign: { name: "x" }, userId: "nobody" }))).json();
    expect(none.warnings).toMatchObject([{ field: "url", message: expect.stringContaining("destination 10.1.2.3 is in a private network"), atField: true }]);
  });

  it("answers bad input with a 400, never a 500", async () => {
    for (const body of ["not json", "null", "[]", JSON.stringify({ action: { url: 5 } }), JSON.stringify({ action: { url: "x".repeat(10_000) }, campaign: {} })]) {
      const res = await post(body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect((await res.json()).error.message).toBeTruthy();
    }
  });

  it("shows a broken template as an error with its place, not a failure", async () => {
    const res = await post(JSON.stringify({ action: { url: "https://a.example.com/{{#if user.plan}}" }, campaign: { name: "x" } }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.request).toBeNull();
    expect(body.errors[0]).toMatchObject({ field: "url", line: 1 });
  });
});

// Previews cost CPU (compiling the templates as typed): a member sending them in a loop is held to
// PREVIEW_RATE, while the editor, which asks once typing pauses for PREVIEW_DEBOUNCE_MS, never is.
describe("POST /api/preview: per-member rate limit", () => {
  const typed = (i: number) => JSON.stringify({ action: { url: `https://api.example.com/{{user.id}}/${i}` }, campaign: { name: "x" } });

  it("the editor's pace (one preview per debounce, typing for ten minutes) is never refused", () => {
    const buckets = new TokenBuckets(PREVIEW_RATE.perSecond, PREVIEW_RATE.burst);
    for (let t = 0; t < 10 * 60_000; t += PREVIEW_DEBOUNCE_MS) expect(buckets.take("member", t), `at ${t} ms`).toEqual({ ok: true });
  });

  it("previews as fast as the editor asks for them all render", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = Date.now();
      statuses.push((await post(typed(i))).status);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, PREVIEW_DEBOUNCE_MS - (Date.now() - started))));
    }
    expect(statuses).toEqual(Array(30).fill(200));
  });

  it("a member sending previews in a loop is refused past the burst with 429 and Retry-After; other members are not", async () => {
    const answers = await Promise.all(Array.from({ length: PREVIEW_RATE.burst * 2 }, (_, i) => post(typed(i))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(PREVIEW_RATE.burst);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    const refused = answers.find((r) => r.status === 429);
    expect(refused?.headers.get("retry-after")).toBe("1");
    expect(await refused?.json()).toMatchObject({ error: { code: "rate_limited", message: "Too many requests at once." } });
    expect((await post(typed(0), editorCookie)).status).toBe(200);
  });
});

// The attack of the review: 20 fields of 100 chained helpers cost 0.7-1.2 s of CPU per preview (and
// as much again on the second); the preview goes through the templating limits like every caller.
describe("POST /api/preview: templates too complex", () => {
  it("are refused at once, naming the field that passes the webhook's limit", async () => {
    const chained = (k: number) => Array.from({ length: 5 }, (_, j) => "{{upper " + "(lower ".repeat(20) + `user.a${k}_${j}` + ")".repeat(20) + "}}").join("");
    const tag = String(Math.random());
    const action = { url: "https://api.example.com/{{user.id}}", fields: Array.from({ length: 20 }, (_, k) => ({ key: `f${k}`, value: chained(k) + tag, type: "text" })) };
    const started = performance.now();
    let body: { request: unknown; errors: { field: string; message: string }[] } = { request: null, errors: [] };
    for (let i = 0; i < 2; i++) {
      const res = await post(JSON.stringify({ action, campaign: { name: "x" } }));
      expect(res.status).toBe(200);
      body = await res.json();
    }
    const ms = performance.now() - started;
    expect(body.request).toBeNull();
    expect(body.errors.find((e) => e.message.startsWith("Template too complex"))).toMatchObject({ field: "fields[9].value", message: expect.stringMatching(/more than 1,000 expressions in all, with this field \(at most 1,000 per webhook/) });
    expect(ms).toBeLessThan(1000 * LOAD); // two previews: 1.2-2.5 s before, a few ms of templating now (the rest is the route)
  });
});

