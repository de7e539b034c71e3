// The internal routes (the UI's /api/*) under fuzzing, driven by the zod schemas they validate with
// (lib/api/with-internal.ts parses them): valid-ish and hostile bodies, query strings, path ids,
// headers (Origin, Sec-Fetch-Site, sessions) and content types. No request may answer 5xx; every
// refusal is the { error: { code, message, details } } envelope.
//
// numRuns at FUZZ_SCALE=1: 7,700 requests here (the sum of RUNS), 4,350 in api-catalog.property.test.ts
// (6 body routes x 400, 13 others x 150) and 500 in api.property.test.ts: 12,550 generated requests
// in all. About 20 s of wall time on an idle 2-core machine (35-40 s when it is busy), SQLite or
// PostgreSQL alike; FUZZ_SCALE=0.1 runs a tenth (quick local runs).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { z } from "zod";
import { sampleRequestSchema } from "@/lib/campaigns/preview-input";
import { segmentSchema } from "@/lib/audience/segment";
import { mappingSchema } from "@/lib/audience/import/mapping";
import { memberCookies } from "@/test/sessions";
import { resetMemberRates } from "@/lib/api/with-internal";
import { POST as preview } from "@/app/api/preview/route";
import { GET as testSends, POST as testSend } from "@/app/api/test-sends/route";
import { GET as deliveries } from "@/app/api/deliveries/route";
import { GET as delivery } from "@/app/api/deliveries/[id]/route";
import { POST as audienceCount } from "@/app/api/audience/count/route";
import { GET as templateSuggestions } from "@/app/api/template-suggestions/route";
import { POST as importUpload } from "@/app/api/imports/route";
import { GET as importStatus, POST as importStart } from "@/app/api/imports/[id]/route";
import { GET as importRejected } from "@/app/api/imports/[id]/rejected/route";
import { GET as deliveriesExport } from "@/app/api/deliveries/export/route";
import { GET as destinationTemplates } from "@/app/api/destination-templates/route";
import { GET as outcomes } from "@/app/api/outcomes/route";
import { GET as campaignOutcomes } from "@/app/api/campaigns/[id]/outcomes/route";
import { GET as campaignResults } from "@/app/api/campaigns/[id]/results/route";
import { deliveryLogFilter } from "@/lib/api/schemas/delivery-log";
import { hostile, nastyString } from "./zod-arbitrary";
import { answerOf, expectWellFormed } from "./well-formed";

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
// Generous: two busy cores can stretch a few seconds of CPU into minutes of wall time.
vi.setConfig({ testTimeout: 600_000 });
const RUNS = {
  preview: 1500,
  testSend: 600,
  audience: 1200,
  importStart: 300,
  deliveries: 800,
  deliveryId: 400,
  testSendList: 400,
  imports: 300,
  upload: 250,
  suggestions: 50,
  export: 400,
  campaignIds: 400,
  outcomes: 50,
  destinationTemplates: 50,
  headers: 1000,
};
const runs = (n: number) => ({ numRuns: Math.max(5, Math.round(n * SCALE)) });

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ORIGIN = "http://127.0.0.1";
let cookies: Record<"editor" | "viewer" | "none" | "forged", string>;
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  const members = await memberCookies();
  cookies = { editor: members.editor, viewer: members.viewer, none: "", forged: "hookline.session_token=forged.value" };
  receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

type Call = { method?: string; path: string; params?: Record<string, string>; body?: BodyInit; type?: string; headers?: Record<string, string> };
async function call(handler: Handler, c: Call) {
  const headers = new Headers({ origin: ORIGIN, cookie: cookies.editor, ...(c.body !== undefined ? { "content-type": c.type ?? "application/json" } : {}), ...c.headers });
  for (const [k, v] of Object.entries(c.headers ?? {})) if (v === "") headers.delete(k);
  const req = new Request(`${ORIGIN}${c.path}`, { method: c.method ?? (c.body === undefined ? "GET" : "POST"), headers, body: c.body });
  const res = await handler(req, { params: Promise.resolve(c.params ?? {}) });
  expectWellFormed(await answerOf(res, `${req.method} ${c.path} ${typeof c.body === "string" ? c.body.slice(0, 200) : ""}`));
}

const json = (v: unknown) => JSON.stringify(v) ?? "null";
const idLike = fc.oneof(fc.constantFrom("none", "x".repeat(64), "x".repeat(65), "", "%00", "..", "imp_x"), nastyString, fc.string({ maxLength: 80 }));
const queryValue = fc.oneof(idLike, fc.integer().map(String), fc.constantFrom("1e20", "-1", "0", "NaN", "Infinity", "failed", "delivered"));

describe("internal routes under fuzzing: no 5xx", () => {
  it("POST /api/preview: sample requests from sampleRequestSchema, valid-ish and hostile", async () => {
    await fc.assert(
      fc.asyncProperty(hostile(sampleRequestSchema), async (body) => {
        await resetMemberRates(); // the per-member rate limit would answer 429 before the body is read
        await call(preview as Handler, { path: "/api/preview", body: json(body) });
      }),
      runs(RUNS.preview),
    );
  });

  it("POST /api/test-sends: sends to a local receiver (or nowhere) for valid-ish bodies; refuses the rest", async () => {
    await fc.assert(
      fc.asyncProperty(hostile(sampleRequestSchema), fc.constantFrom("receiver", "refused", "keep"), async (body, where) => {
        const sample = body as { action?: { url?: unknown } } | null;
        // Only the local receiver or a closed port: fuzzing must not send requests to the internet.
        if (sample && typeof sample === "object" && sample.action && typeof sample.action === "object") {
          sample.action.url = where === "refused" ? "http://127.0.0.1:1/x" : `${receiverUrl}/${encodeURIComponent(String(sample.action.url ?? "").replace(/[\ud800-\udfff]/g, "\ufffd")).slice(0, 50)}`; // a URL cannot carry a lone surrogate
        }
        await call(testSend as Handler, { path: "/api/test-sends", body: json(body) });
      }),
      runs(RUNS.testSend),
    );
  });

  it("POST /api/audience/count: segments from segmentSchema", async () => {
    await fc.assert(
      fc.asyncProperty(hostile(segmentSchema), async (body) => call(audienceCount as Handler, { path: "/api/audience/count", body: json(body) })),
      runs(RUNS.audience),
    );
  });

  it("POST /api/imports/:id: mappings from mappingSchema, any id", async () => {
    const start = z.object({ mapping: mappingSchema, delimiter: z.enum([",", ";", "\t", "|"]).optional() });
    await fc.assert(
      fc.asyncProperty(hostile(start), idLike, async (body, id) => call(importStart as Handler, { path: `/api/imports/x`, params: { id }, body: json(body) })),
      runs(RUNS.importStart),
    );
  });

  it("GET /api/deliveries: any query string", async () => {
    const query = fc.dictionary(fc.oneof(fc.constantFrom("campaignId", "state", "actionId", "user", "page"), nastyString), queryValue, { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(query, async (q) => call(deliveries as Handler, { path: `/api/deliveries?${new URLSearchParams(q as Record<string, string>)}` })),
      runs(RUNS.deliveries),
    );
  });

  it("GET /api/deliveries/:id, /api/imports/:id, /api/imports/:id/rejected and /api/test-sends?actionId=: any id", async () => {
    await fc.assert(fc.asyncProperty(idLike, async (id) => call(delivery as Handler, { path: "/api/deliveries/x", params: { id } })), runs(RUNS.deliveryId));
    await fc.assert(
      fc.asyncProperty(fc.option(idLike), async (id) => call(testSends as Handler, { path: `/api/test-sends?${id === null ? "" : new URLSearchParams({ actionId: id })}` })),
      runs(RUNS.testSendList),
    );
    await fc.assert(
      fc.asyncProperty(idLike, fc.boolean(), async (id, rejected) =>
        call((rejected ? importRejected : importStatus) as Handler, { path: "/api/imports/x", params: { id } }),
      ),
      runs(RUNS.imports),
    );
  });

  it("POST /api/imports: any bytes, any file name, CSV or not", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((a) => new Uint8Array(a.buffer.slice(0)) as Uint8Array<ArrayBuffer>)),
        fc.oneof(nastyString, fc.constantFrom("%E0%A4%A", "a.csv", "%")),
        fc.constantFrom("text/csv", "application/csv", "text/plain", ""),
        async (body, name, type) => call(importUpload as Handler, { path: "/api/imports", body, type, headers: { "x-file-name": name.replace(/[^\x20-\x7e]/g, "") } }),
      ),
      runs(RUNS.upload),
    );
  });

  it("GET /api/template-suggestions", async () => {
    await fc.assert(fc.asyncProperty(fc.constant(null), async () => call(templateSuggestions as Handler, { path: "/api/template-suggestions" })), runs(RUNS.suggestions));
  });

  it("GET /api/deliveries/export: queries from deliveryLogFilter, valid-ish and hostile (the CSV is read to its end)", async () => {
    await fc.assert(
      fc.asyncProperty(hostile(deliveryLogFilter), async (q) => {
        const search = q && typeof q === "object" && !Array.isArray(q) ? new URLSearchParams(Object.entries(q).map(([k, v]) => [k, typeof v === "string" ? v : (JSON.stringify(v) ?? "")])) : "";
        await call(deliveriesExport as Handler, { path: `/api/deliveries/export?${search}` });
      }),
      runs(RUNS.export),
    );
  });

  it("GET /api/campaigns/:id/outcomes and /api/campaigns/:id/results: any id", async () => {
    await fc.assert(
      fc.asyncProperty(idLike, fc.boolean(), async (id, results) =>
        call((results ? campaignResults : campaignOutcomes) as Handler, { path: `/api/campaigns/x/${results ? "results" : "outcomes"}`, params: { id } }),
      ),
      runs(RUNS.campaignIds),
    );
  });

  it("GET /api/outcomes and /api/destination-templates", async () => {
    await fc.assert(fc.asyncProperty(fc.constant(null), async () => call(outcomes as Handler, { path: "/api/outcomes" })), runs(RUNS.outcomes));
    await fc.assert(fc.asyncProperty(fc.constant(null), async () => call(destinationTemplates as Handler, { path: "/api/destination-templates" })), runs(RUNS.destinationTemplates));
  });

  it("every route: random Origin, Sec-Fetch-Site, session and content type", async () => {
    const routes: [Handler, string, string][] = [
      [preview as Handler, "POST", "/api/preview"],
      [testSend as Handler, "POST", "/api/test-sends"],
      [audienceCount as Handler, "POST", "/api/audience/count"],
      [importStart as Handler, "POST", "/api/imports/none"],
      [importUpload as Handler, "POST", "/api/imports"],
      [deliveries as Handler, "GET", "/api/deliveries"],
      [delivery as Handler, "GET", "/api/deliveries/none"],
      [testSends as Handler, "GET", "/api/test-sends?actionId=none"],
      [templateSuggestions as Handler, "GET", "/api/template-suggestions"],
      [importStatus as Handler, "GET", "/api/imports/none"],
      [importRejected as Handler, "GET", "/api/imports/none/rejected"],
      [deliveriesExport as Handler, "GET", "/api/deliveries/export"],
      [destinationTemplates as Handler, "GET", "/api/destination-templates"],
      [outcomes as Handler, "GET", "/api/outcomes"],
      [campaignOutcomes as Handler, "GET", "/api/campaigns/none/outcomes"],
      [campaignResults as Handler, "GET", "/api/campaigns/none/results"],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.constantFrom(ORIGIN, "", "null", "https://evil.example", "http://127.0.0.1:1", "http://127.0.0.1.evil.example", "file://", "http://[::1"), nastyString.map((s) => s.replace(/[^\x20-\x7e]/g, ""))),
        fc.constantFrom("", "same-origin", "same-site", "cross-site", "none", "bogus"),
        fc.constantFrom("editor", "viewer", "none", "forged") as fc.Arbitrary<keyof typeof cookies>,
        fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "text/csv", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", ""),
        fc.oneof(fc.constant('{"match":"all","conditions":[]}'), fc.string({ maxLength: 100 })),
        async ([handler, method, path], origin, site, who, type, body) => {
          await call(handler, { method, path, params: { id: "none" }, body: method === "POST" ? body : undefined, type, headers: { origin, "sec-fetch-site": site, cookie: cookies[who] } });
        },
      ),
      runs(RUNS.headers),
    );
  });
});
