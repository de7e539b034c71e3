// The UI's internal routes check the member's role on the server, whatever the proxy let through.
import { beforeAll, describe, expect, it } from "vitest";
import { memberCookies } from "@/test/sessions";
import { POST as preview } from "./preview/route";
import { GET as testSends, POST as testSend } from "./test-sends/route";
import { GET as deliveries } from "./deliveries/route";
import { GET as delivery } from "./deliveries/[id]/route";
import { POST as audienceCount } from "./audience/count/route";
import { GET as templateSuggestions } from "./template-suggestions/route";

type Who = "none" | "forged" | "viewer" | "editor";
let cookies: Record<Who, string>;

beforeAll(async () => {
  const members = await memberCookies();
  cookies = { none: "", forged: "hookline.session_token=forged.value", viewer: members.viewer, editor: members.editor };
});

const req = (path: string, who: Who, body?: unknown) =>
  new Request(`http://127.0.0.1${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", cookie: cookies[who] },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const sample = { action: { url: "https://hooks.example.com/x" }, campaign: { name: "c" } };
const routes: { name: string; needs: "viewer" | "editor"; call: (who: Who) => Promise<Response> }[] = [
  { name: "POST /api/preview", needs: "viewer", call: (who) => preview(req("/api/preview", who, sample)) },
  { name: "GET /api/test-sends", needs: "viewer", call: (who) => testSends(req("/api/test-sends?actionId=none", who)) },
  { name: "POST /api/test-sends", needs: "editor", call: (who) => testSend(req("/api/test-sends", who, { nonsense: true })) },
  { name: "GET /api/deliveries", needs: "viewer", call: (who) => deliveries(req("/api/deliveries", who)) },
  { name: "GET /api/deliveries/:id", needs: "viewer", call: (who) => delivery(req("/api/deliveries/none", who), { params: Promise.resolve({ id: "none" }) }) },
  { name: "POST /api/audience/count", needs: "viewer", call: (who) => audienceCount(req("/api/audience/count", who, { match: "all", conditions: [] })) },
  { name: "GET /api/template-suggestions", needs: "viewer", call: (who) => templateSuggestions(req("/api/template-suggestions", who)) },
];

describe("internal routes: role checked on the server", () => {
  for (const route of routes) {
    it(route.name, async () => {
      for (const who of ["none", "forged"] as const) expect((await route.call(who)).status, who).toBe(401);
      const viewer = await route.call("viewer");
      if (route.needs === "editor") expect(viewer.status).toBe(403);
      else expect([401, 403]).not.toContain(viewer.status);
      expect([401, 403]).not.toContain((await route.call("editor")).status);
    });
  }
});

describe("GET /api/template-suggestions", () => {
  it("gives a viewer the autocomplete list", async () => {
    const res = await templateSuggestions(req("/api/template-suggestions", "viewer"));
    expect(res.status).toBe(200);
    const { suggestions } = (await res.json()) as { suggestions: { name: string; kind: string }[] };
    expect(suggestions).toEqual(expect.arrayContaining([{ name: "user.id", kind: "variable", detail: "the user's id" }, { name: "upper", kind: "helper", detail: "helper" }]));
  });
});
