// The UI's internal routes all go through withInternal: the Origin, the member's role, the body's
// type and size are checked on the server, whatever the proxy let through, and every refusal is the
// one envelope { error: { code, message, details } }. One matrix over every route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { heavyQueues, internalErrorResponse, MAX_INTERNAL_BODY_BYTES } from "@/lib/api/with-internal";
import { db } from "@/lib/db";
import { describeSafely } from "@/lib/log";
import { TEST_SEND_LIMIT } from "@/lib/campaigns/test-sends";
import { memberCookies } from "@/test/sessions";
import { POST as preview } from "./preview/route";
import { GET as testSends, POST as testSend } from "./test-sends/route";
import { GET as deliveries } from "./deliveries/route";
import { GET as delivery } from "./deliveries/[id]/route";
import { POST as audienceCount } from "./audience/count/route";
import { GET as templateSuggestions } from "./template-suggestions/route";
import { GET as destinationTemplates } from "./destination-templates/route";
import { POST as importUpload } from "./imports/route";
import { GET as importStatus, POST as importStart } from "./imports/[id]/route";
import { GET as importRejected } from "./imports/[id]/rejected/route";
import { GET as campaignOutcomes } from "./campaigns/[id]/outcomes/route";
import { GET as campaignResults } from "./campaigns/[id]/results/route";
import { GET as deliveryExport } from "./deliveries/export/route";
import { GET as activityOutcomes } from "./outcomes/route";

type Who = "none" | "forged" | "viewer" | "editor";
let cookies: Record<Who, string>;

beforeAll(async () => {
  const members = await memberCookies();
  cookies = { none: "", forged: "hookline.session_token=forged.value", viewer: members.viewer, editor: members.editor };
});

const ORIGIN = "http://127.0.0.1";
type Call = { who?: Who; origin?: string | null; site?: string; type?: string; body?: BodyInit };
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Route = { name: string; method: "GET" | "POST"; path: string; params?: Record<string, string>; needs: "viewer" | "editor"; handler: Handler; body?: () => BodyInit; type?: string };

const sample = JSON.stringify({ action: { url: "https://hooks.example.com/x" }, campaign: { name: "c" } });
const routes: Route[] = [
  { name: "POST /api/preview", method: "POST", path: "/api/preview", needs: "viewer", handler: preview as Handler, body: () => sample },
  { name: "GET /api/test-sends", method: "GET", path: "/api/test-sends?actionId=none", needs: "viewer", handler: testSends as Handler },
  { name: "POST /api/test-sends", method: "POST", path: "/api/test-sends", needs: "editor", handler: testSend as Handler, body: () => JSON.stringify({ nonsense: true }) },
  { name: "GET /api/deliveries", method: "GET", path: "/api/deliveries", needs: "viewer", handler: deliveries as Handler },
  { name: "GET /api/deliveries/:id", method: "GET", path: "/api/deliveries/none", params: { id: "none" }, needs: "viewer", handler: delivery as Handler },
  { name: "POST /api/audience/count", method: "POST", path: "/api/audience/count", needs: "viewer", handler: audienceCount as Handler, body: () => JSON.stringify({ match: "all", conditions: [] }) },
  { name: "GET /api/template-suggestions", method: "GET", path: "/api/template-suggestions", needs: "viewer", handler: templateSuggestions as Handler },
  { name: "GET /api/destination-templates", method: "GET", path: "/api/destination-templates", needs: "viewer", handler: destinationTemplates as Handler },
  { name: "POST /api/imports", method: "POST", path: "/api/imports", needs: "editor", handler: importUpload as Handler, body: () => "email\na@example.com\n", type: "text/csv" },
  { name: "GET /api/imports/:id", method: "GET", path: "/api/imports/none", params: { id: "none" }, needs: "viewer", handler: importStatus as Handler },
  { name: "POST /api/imports/:id", method: "POST", path: "/api/imports/none", params: { id: "none" }, needs: "editor", handler: importStart as Handler, body: () => JSON.stringify({ mapping: [] }) },
  { name: "GET /api/campaigns/:id/outcomes", method: "GET", path: "/api/campaigns/none/outcomes", params: { id: "none" }, needs: "viewer", handler: campaignOutcomes as Handler },
  { name: "GET /api/campaigns/:id/results", method: "GET", path: "/api/campaigns/none/results", params: { id: "none" }, needs: "viewer", handler: campaignResults as Handler },
  { name: "GET /api/deliveries/export", method: "GET", path: "/api/deliveries/export?state=failed", needs: "viewer", handler: deliveryExport as Handler },
  { name: "GET /api/outcomes", method: "GET", path: "/api/outcomes", needs: "viewer", handler: activityOutcomes as Handler },
  { name: "GET /api/imports/:id/rejected", method: "GET", path: "/api/imports/none/rejected", params: { id: "none" }, needs: "viewer", handler: importRejected as Handler },
];

async function call(route: Route, c: Call = {}) {
  const headers = new Headers({ cookie: cookies[c.who ?? "editor"] });
  const origin = c.origin === undefined ? ORIGIN : c.origin;
  if (origin !== null) headers.set("origin", origin);
  if (c.site) headers.set("sec-fetch-site", c.site);
  const body = route.method === "POST" ? (c.body ?? route.body!()) : undefined;
  if (body !== undefined) headers.set("content-type", c.type ?? route.type ?? "application/json");
  const req = new Request(`http://127.0.0.1${route.path}`, { method: route.method, headers, body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);
  const res = await route.handler(req, { params: Promise.resolve(route.params ?? {}) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as { error: { code: string; message: string; details: unknown } }, headers: res.headers };
}

/** A body one byte over the bound: JSON for JSON routes, a stream just past 50 MB for the CSV upload. */
function oversize(route: Route): BodyInit {
  if (route.type !== "text/csv") return JSON.stringify({ pad: "x".repeat(MAX_INTERNAL_BODY_BYTES) });
  let sent = 0;
  const chunk = new Uint8Array(1024 * 1024).fill(97);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > 50 * 1024 * 1024) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

function expectEnvelope(r: Awaited<ReturnType<typeof call>>, status: number) {
  expect(r.status, r.text).toBe(status);
  const { error } = r.json();
  expect(typeof error.code).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  expect(error).toHaveProperty("details");
}

describe("every internal route goes through withInternal", () => {
  it("the matrix below covers every route file under app/api except v1, auth and health", () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name === "route.ts") found.push(path.relative(import.meta.dirname, dir));
      }
    };
    walk(import.meta.dirname);
    const internal = found.filter((d) => !/^(v1|auth|health)(\/|$)/.test(d)).map((d) => `/api/${d.replace(/\[id\]/g, ":id")}`).sort();
    const covered = [...new Set(routes.map((r) => r.name.split(" ")[1]!))].sort();
    expect(covered).toEqual(internal);
  });
});

describe.each(routes)("$name", (route) => {
  it("refuses a foreign Origin, a cross-site fetch and an opaque origin with 403", async () => {
    expectEnvelope(await call(route, { origin: "https://evil.example" }), 403);
    expectEnvelope(await call(route, { origin: "http://127.0.0.1:8080" }), 403);
    expectEnvelope(await call(route, { origin: "null" }), 403);
    expectEnvelope(await call(route, { site: "cross-site" }), 403);
    expectEnvelope(await call(route, { origin: null, site: "same-site" }), 403);
  });

  it("refuses requests without a session (or with a forged one) with 401", async () => {
    for (const who of ["none", "forged"] as const) expectEnvelope(await call(route, { who }), 401);
  });

  it(`holds a viewer to the route's role (${route.needs})`, async () => {
    const viewer = await call(route, { who: "viewer" });
    if (route.needs === "editor") expectEnvelope(viewer, 403);
    else expect([401, 403]).not.toContain(viewer.status);
    const editor = await call(route, { who: "editor" });
    expect([401, 403], editor.text).not.toContain(editor.status);
    expect(editor.status, editor.text).toBeLessThan(500);
  });

  if (route.method === "POST") {
    it("refuses a state-changing request without an Origin with 403", async () => {
      expectEnvelope(await call(route, { origin: null }), 403);
    });

    it("refuses text/plain and form bodies with 415", async () => {
      expectEnvelope(await call(route, { type: "text/plain" }), 415);
      expectEnvelope(await call(route, { type: "application/x-www-form-urlencoded" }), 415);
    });

    it("refuses an oversize body with 413", async () => {
      expectEnvelope(await call(route, { body: oversize(route) }), 413);
    });
  } else {
    it("lets a same-origin GET without an Origin header through (browsers send none)", async () => {
      const r = await call(route, { origin: null, site: "same-origin" });
      expect([401, 403, 415]).not.toContain(r.status);
    });
  }
});

describe("internal route answers", () => {
  it("a malformed body is a 400 naming the field", async () => {
    const r = await call(routes.find((r) => r.name === "POST /api/audience/count")!, { body: JSON.stringify({ match: "some", conditions: [] }) });
    expectEnvelope(r, 400);
    expect(r.json().error.message).toMatch(/^match: /);
  });

  it("an id past 64 characters, with U+0000 or a lone surrogate is a 400, never a query", async () => {
    const route = routes.find((r) => r.name === "GET /api/deliveries/:id")!;
    expectEnvelope(await call({ ...route, params: { id: "x".repeat(65) } }), 400);
    // PostgreSQL cannot compare with U+0000, and no driver encodes a lone surrogate (both were 500s).
    for (const id of ["a\u0000b", "\ud800"]) expectEnvelope(await call({ ...route, params: { id } }), 400);
    // a query value with %00 is refused by name before its schema reads it
    const listed = await call({ ...routes.find((r) => r.name === "GET /api/deliveries")!, path: "/api/deliveries?campaignId=%00" });
    expectEnvelope(listed, 400);
    expect(listed.json().error.message).toBe("campaignId: text may not contain the NUL character (U+0000)");
    // a log cursor it did not give out (an edited address) is a 400 that says so, never a query
    const paged = await call({ ...routes.find((r) => r.name === "GET /api/deliveries")!, path: "/api/deliveries?after=garbage" });
    expectEnvelope(paged, 400);
    expect(paged.json().error.message).toBe("after: Not a cursor from this log: pass nextCursor back as it came");
    expectEnvelope(await call(route), 404);
  });


  it("a body with U+0000 or a lone surrogate anywhere is a 400 naming where, never a query (a test send's action id \\ud800 was a 500 on PostgreSQL)", async () => {
    const testSend = routes.find((r) => r.name === "POST /api/test-sends")!;
    const cases: [string, RegExp][] = [
      ['{"action":{"id":"\\ud800","copiedFrom":"","url":"http://127.0.0.1:1/"},"campaign":{}}', /^action\.id: .*surrogate/],
      ['{"action":{"url":"http://127.0.0.1:1/","fields":[{"key":"k","value":"a\\uDC00"}]},"campaign":{}}', /^action\.fields\.0\.value: .*surrogate/],
      ['{"action":{"url":"http://127.0.0.1:1/"},"campaign":{"name":"a\\u0000"}}', /^campaign\.name: .*NUL/],
    ];
    for (const [body, message] of cases) {
      const r = await call(testSend, { body });
      expectEnvelope(r, 400);
      expect(r.json().error.message).toMatch(message);
    }
    // a whole pair, escaped, is a character like any other
    expect((await call(routes.find((r) => r.name === "POST /api/preview")!, { body: '{"action":{"url":"https://hooks.example.com/\\ud83d\\ude00"},"campaign":{"name":"c"}}' })).status).toBe(200);
  });
  it("an Origin matching the Host header (port included) is accepted", async () => {
    const req = new Request("http://127.0.0.1/api/preview", {
      method: "POST",
      headers: { cookie: cookies.viewer, origin: "https://hookline.example:8443", host: "hookline.example:8443", "content-type": "application/json" },
      body: sample,
    });
    expect((await preview(req)).status).toBe(200);
  });

  it("gives a viewer the autocomplete list", async () => {
    const res = await call(routes.find((r) => r.name === "GET /api/template-suggestions")!, { who: "viewer" });
    expect(res.status).toBe(200);
    const { suggestions } = JSON.parse(res.text) as { suggestions: { name: string; kind: string }[] };
    expect(suggestions).toEqual(expect.arrayContaining([{ name: "user.id", kind: "variable", detail: "the user's id" }, { name: "upper", kind: "helper", detail: "helper" }]));
  });
});

describe("the heavy routes (whole-table reads) run a few at once per member", () => {
  const heavy = ["POST /api/audience/count", "GET /api/deliveries/export", "GET /api/outcomes", "GET /api/campaigns/:id/outcomes", "GET /api/campaigns/:id/results"];

  it("a viewer with 2 running and 8 waiting is refused (429, Retry-After) on each of them, and gets in again once they end; another member is not held", async () => {
    const viewer = await db().member.findFirstOrThrow({ where: { email: "viewer@example.com" } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const places = Array.from({ length: 10 }, () => heavyQueues().run(viewer.id, () => held));
    for (const route of routes.filter((r) => heavy.includes(r.name))) {
      const refused = await call(route, { who: "viewer" });
      expect(refused.status, route.name).toBe(429);
      expect(refused.headers.get("retry-after"), route.name).toBe("1");
      expect(refused.json().error.message, route.name).toMatch(/Too many requests of this kind at once/);
      expect((await call(route, { who: "editor" })).status, route.name).not.toBe(429);
    }
    release();
    await Promise.all(places);
    for (const route of routes.filter((r) => heavy.includes(r.name))) expect((await call(route, { who: "viewer" })).status, route.name).not.toBe(429);
  });
});

describe("withInternal's error mapping", () => {
  let receiver: Server;
  beforeAll(async () => {
    receiver = createServer((req, res) => req.resume().on("end", () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it("a lib rate limit is 429 with Retry-After, in the envelope", async () => {
    const route = routes.find((r) => r.name === "POST /api/test-sends")!;
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // a campaign id that names no campaign is refused before it could open a budget of its own
    const madeUp = await call(route, { body: JSON.stringify({ action: { url }, campaign: { id: "made-up", name: "c" } }) });
    expectEnvelope(madeUp, 404);
    expect(madeUp.json().error).toMatchObject({ code: "not_found", message: expect.stringMatching(/no longer exists/) });
    const body = JSON.stringify({ action: { url }, campaign: { name: "c" } });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i <= TEST_SEND_LIMIT.count; i++) {
      last = await call(route, { body });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, TEST_SEND_LIMIT.count)).toEqual(Array(TEST_SEND_LIMIT.count).fill(200));
    expectEnvelope(last!, 429);
    expect(last!.json().error.code).toBe("rate_limited");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("anything unexpected is a 500 envelope without a stack, logged without credentials", async () => {
    const res = internalErrorResponse(new Request("http://127.0.0.1/api/preview"), new Error("connect to https://crm:hunter2@db.example failed\n    at x (y.ts:1:1)"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("internal_error");
    expect(text).not.toMatch(/hunter2|at x/);
    expect(describeSafely(new Error("connect to https://crm:hunter2@db.example failed"))).toBe("Error: connect to https://***@db.example failed");
    // hosts only: a webhook URL's path and query often carry tokens, and the rest of a database error is its data
    expect(describeSafely(new Error("Invalid value for https://hooks.example.com/T0/B0/sk_live_x?token=sk_live_y: too long\ndata: { value: 'sk_live_FIELD' }"))).toBe(
      "Error: Invalid value for https://hooks.example.com/… too long",
    );
    // a password holding "/" or "@": the userinfo ends at the last "@"
    expect(describeSafely(new Error("GET https://bob:hun/ter@2@crm.example.com/x failed"))).toBe("Error: GET https://***@crm.example.com/… failed");
    expect(describeSafely("the thread exited")).toBe("the thread exited");
  });
});
