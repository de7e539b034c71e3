// Every internal route, fed what a browser would never send, by each role and by nobody: each value
// of a well-formed JSON body (and each query value and path id) replaced by a wrong type, a 10 MB
// string, 100,000 items, 100 levels of nesting, 1e999 (JSON's Infinity), dates at either end of
// time, "__proto__" and "constructor" keys; each field left out; an extra field beside each. Each
// answers below 500, a refusal is the one envelope naming no secret, and a refusal writes nothing.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetMemberRates } from "@/lib/api/with-internal";
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

vi.setConfig({ testTimeout: 600_000 });

type Who = "nobody" | "viewer" | "editor" | "admin" | "owner";
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Route = { name: string; handler: Handler; query?: Record<string, string>; params?: Record<string, string>; body?: () => unknown; csv?: string };

let cookies: Record<Exclude<Who, "nobody">, string>;
let receiver: Server;
let hook = "";
beforeAll(async () => {
  const made = await memberCookies();
  cookies = { owner: made.owner, admin: made.admin, editor: made.editor, viewer: made.viewer };
  receiver = createServer((req, res) => req.resume().on("end", () => res.writeHead(204).end()));
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const sample = () => ({ action: { url: "https://hooks.example.com/x", method: "POST", fields: [{ key: "k", value: "{{user.id}}" }], headers: [{ name: "X-A", value: "b" }] }, campaign: { name: "c" }, userId: "u1", eventParams: { plan: "pro" }, attributes: { plan: "pro" } });
const routes: Route[] = [
  { name: "POST /api/preview", handler: preview as Handler, body: sample },
  { name: "POST /api/test-sends", handler: testSend as Handler, body: () => ({ ...sample(), action: { ...sample().action, url: hook } }) },
  { name: "GET /api/test-sends", handler: testSends as Handler, query: { actionId: "none" } },
  { name: "GET /api/deliveries", handler: deliveries as Handler, query: { campaignId: "none", state: "failed", actionId: "none", user: "u1", page: "2" } },
  { name: "GET /api/deliveries/:id", handler: delivery as Handler, params: { id: "none" } },
  { name: "POST /api/audience/count", handler: audienceCount as Handler, body: () => ({ match: "all", conditions: [{ key: "plan", operator: "equals", value: "pro" }, { key: "signed_up", operator: "before", value: "2026-01-01" }] }) },
  { name: "GET /api/template-suggestions", handler: templateSuggestions as Handler },
  { name: "GET /api/destination-templates", handler: destinationTemplates as Handler },
  { name: "POST /api/imports", handler: importUpload as Handler, csv: "id,email\nu9,a@example.com\n" },
  { name: "GET /api/imports/:id", handler: importStatus as Handler, params: { id: "none" } },
  { name: "POST /api/imports/:id", handler: importStart as Handler, params: { id: "none" }, body: () => ({ mapping: [{ column: 0, target: "userId" }, { column: 1, target: "email" }], delimiter: "," }) },
  { name: "GET /api/imports/:id/rejected", handler: importRejected as Handler, params: { id: "none" } },
  { name: "GET /api/campaigns/:id/outcomes", handler: campaignOutcomes as Handler, params: { id: "none" } },
  { name: "GET /api/campaigns/:id/results", handler: campaignResults as Handler, params: { id: "none" } },
  { name: "GET /api/deliveries/export", handler: deliveryExport as Handler, query: { state: "failed", campaignId: "none" } },
  { name: "GET /api/outcomes", handler: activityOutcomes as Handler },
];

function nested(depth: number): unknown {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}
const TEN_MB = "x".repeat(10 * 1024 * 1024);
// As JSON text: 1e999 is how JSON spells Infinity (JSON.parse reads it so); "__proto__" an own key
const HOSTILE: [string, string][] = [
  ["a number", "42"],
  ["a string", '"text"'],
  ["a boolean", "true"],
  ["null", "null"],
  ["an object", '{"not":"zzz"}'],
  ["an array", '["a","b"]'],
  ["100 levels", JSON.stringify(nested(100))],
  ["100,000 items", JSON.stringify(Array.from({ length: 100_000 }, () => 0))],
  ["10 MB", JSON.stringify(TEN_MB)],
  ["1e999", "1e999"],
  ["-1e999", "-1e999"],
  ["year 0001", '"0001-01-01T00:00:00Z"'],
  ["year 275760", '"+275760-09-13T00:00:00.000Z"'],
  ["__proto__ and constructor", '{"__proto__":{"role":"owner"},"constructor":{"prototype":{"x":1}}}'],
];
const HOSTILE_TEXT: [string, string][] = [
  ["empty", ""],
  ["10 MB", TEN_MB],
  ["a number", "1e999"],
  ["NaN", "NaN"],
  ["year 275760", "+275760-09-13T00:00:00.000Z"],
  ["__proto__", "__proto__"],
  ["an object", '{"not":"zzz"}'],
  ["a list", "a,b"],
];

const MARK = "\u0001HOSTILE\u0001";
type Path = (string | number)[];
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length ? [at] : [];
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, Array.isArray(value) ? Number(k) : k]));
  return out;
}
/** The body with `path` changed, as JSON text (the hostile value spliced in as text, so 1e999 and "__proto__" arrive as a browser could send them). */
function bodyWith(body: unknown, path: Path, change: "left out" | "extra" | string): string {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (change === "left out") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
  else if (change === "extra") (parent[key] as Record<string, unknown>)["extra"] = MARK;
  else parent[key] = MARK;
  const text = JSON.stringify(copy);
  if (change === "extra") return text.replace(`"extra":"${MARK}"`, '"extra":1,"__proto__":{"role":"owner"},"constructor":{"x":1}');
  return change === "left out" ? text : text.replace(JSON.stringify(MARK), change);
}

type Request_ = { what: string; query?: Record<string, string>; params?: Record<string, string>; body?: string };
function requests(route: Route): Request_[] {
  const out: Request_[] = [{ what: "well-formed", body: route.body ? JSON.stringify(route.body()) : undefined, query: route.query, params: route.params }];
  if (route.body) {
    const body = route.body();
    for (const p of paths(body)) {
      for (const [what, text] of HOSTILE) out.push({ what: `${p.join(".")} = ${what}`, params: route.params, body: bodyWith(body, p, text) });
      out.push({ what: `${p.join(".")} left out`, params: route.params, body: bodyWith(body, p, "left out") });
      const at = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], body);
      if (at && typeof at === "object" && !Array.isArray(at)) out.push({ what: `${p.join(".")} + extra`, params: route.params, body: bodyWith(body, p, "extra") });
    }
    for (const [what, text] of HOSTILE) out.push({ what: `the body = ${what}`, params: route.params, body: text });
    out.push({ what: "NaN as JSON", params: route.params, body: '{"a":NaN}' }, { what: "no body", params: route.params, body: "" });
  }
  for (const name of [...Object.keys(route.query ?? {}), "extra", "__proto__"]) {
    for (const [what, value] of HOSTILE_TEXT) out.push({ what: `?${name} = ${what}`, query: { ...route.query, [name]: value }, params: route.params, body: route.body ? JSON.stringify(route.body()) : undefined });
  }
  for (const name of Object.keys(route.params ?? {})) {
    for (const [what, value] of HOSTILE_TEXT) out.push({ what: `:${name} = ${what}`, params: { ...route.params, [name]: value }, query: route.query, body: route.body ? JSON.stringify(route.body()) : undefined });
  }
  return out;
}

async function send(route: Route, r: Request_, who: Who) {
  const [method, path] = route.name.split(" ") as [string, string];
  const url = new URL(`http://127.0.0.1${path.replace(":id", encodeURIComponent(r.params?.id ?? "none"))}`);
  for (const [k, v] of Object.entries(r.query ?? {})) url.searchParams.set(k, v);
  const headers = new Headers({ origin: "http://127.0.0.1" });
  if (who !== "nobody") headers.set("cookie", cookies[who]);
  let body: string | undefined;
  if (route.csv !== undefined || r.body !== undefined) {
    body = route.csv ?? r.body;
    headers.set("content-type", route.csv !== undefined ? "text/csv" : "application/json");
  }
  await resetMemberRates();
  const res = await route.handler(new Request(url, { method, headers, body }), { params: Promise.resolve(r.params ?? {}) });
  return { status: res.status, text: await res.text() };
}

async function snapshot() {
  const d = db();
  return JSON.stringify(await Promise.all([d.testSend.count(), d.user.count(), d.auditLog.count(), d.campaign.count(), d.action.count(), d.delivery.count(), d.setting.findMany()]));
}

// what a refusal may never show: a stack, a database's or the runtime's own words, a path on disk
const LEAK = /\n\s+at |prisma|SQLITE|postgres|invocation|TypeError|RangeError|Cannot read|\/tmp\/|node_modules|secret\.key/i;

describe.each(routes)("$name", (route) => {
  it.each(["nobody", "viewer", "editor", "admin", "owner"] as Who[])("as %s: below 500 for every hostile request; a refusal is the envelope and writes nothing", async (who) => {
    const problems: string[] = [];
    for (const r of requests(route)) {
      const before = await snapshot();
      const res = await send(route, r, who);
      if (res.status >= 500) problems.push(`${r.what}: ${res.status} ${res.text.slice(0, 200)}`);
      if (res.status < 400) continue;
      let error: { code?: unknown; message?: unknown } | undefined;
      try {
        error = (JSON.parse(res.text) as { error?: typeof error }).error;
      } catch {
        /* reported below */
      }
      if (typeof error?.code !== "string" || typeof error.message !== "string") problems.push(`${r.what}: ${res.status} without the envelope: ${res.text.slice(0, 200)}`);
      if (LEAK.test(res.text.slice(0, 100_000))) problems.push(`${r.what}: ${res.status} leaks ${res.text.slice(0, 300)}`);
      if (res.text.length > 20_000) problems.push(`${r.what}: ${res.status} echoes ${res.text.length} characters`);
      if ((await snapshot()) !== before) problems.push(`${r.what}: ${res.status} but wrote`);
    }
    expect(problems).toEqual([]);
  });
});
