// The API's activate and resume tell of a {{user.X}} no user has, as the editor's confirmations do
// (lib/campaigns/unknown-attributes.ts), without asking: the campaign is active all the same. Over real
// HTTP on 127.0.0.1, the routes behind a node:http server standing in for Next's.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders } from "@/lib/api/testing";
import { upsertUsers } from "@/lib/audience/users";
import { db } from "@/lib/db";
import { POST as create } from "./route";
import { POST as activate } from "./[id]/activate/route";
import { POST as pause } from "./[id]/pause/route";
import { POST as resume } from "./[id]/resume/route";

// the helper's own port range (3430..3439)
const PORT = 3432;
const base = `http://127.0.0.1:${PORT}/api/v1`;
let server: Server;
let editor: Record<string, string>;

type Route = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
const routes: [RegExp, Route][] = [
  [/^\/api\/v1\/campaigns$/, create as Route],
  [/^\/api\/v1\/campaigns\/([^/]+)\/activate$/, activate as Route],
  [/^\/api\/v1\/campaigns\/([^/]+)\/pause$/, pause as Route],
  [/^\/api\/v1\/campaigns\/([^/]+)\/resume$/, resume as Route],
];

beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const match = routes.map(([re, route]) => [re.exec(url.pathname), route] as const).find(([m]) => m);
    if (!match) return void res.writeHead(404).end();
    const [m, route] = match;
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === "string"));
    const answer = await route(new Request(url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined }), { params: Promise.resolve({ id: m![1] ?? "" }) });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(PORT, "127.0.0.1", resolve));
  await upsertUsers([
    { userId: "warn-1", attributes: { firstName: "Ann", plan: "pro" } },
    { userId: "warn-2", attributes: { firstName: "Bob", plan: "free" } },
  ]);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, { method, headers: { ...editor, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function newCampaign(name: string, actions: unknown[]) {
  const created = await call("POST", "/campaigns", { name, actions });
  expect(created.status).toBe(201);
  return created.body as { id: string; actions: { id: string; variants?: { id: string }[] }[] };
}
const statusOf = async (id: string) => (await db().campaign.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

describe("activate and resume through the API warn of attributes no user has", () => {
  it("a typo gets the warning with its suggestion, a mapped attribute none, and the campaign is active all the same", async () => {
    const campaign = await newCampaign("Typos", [
      {
        name: "CRM",
        url: "https://crm.example.com/contacts/{{user.id}}?plan={{user.plan}}",
        fields: [
          { key: "name", value: "{{default user.frstName 'there'}}" },
        ],
        responseMapping: [{ path: "$.id", attribute: "crmId" }],
      },
      {
        name: "Mail",
        url: "https://mail.example.com/send",
        fields: [{ key: "crm", value: "{{user.crmId}}" }],
        headers: [{ name: "X-Zone", value: "{{user.zone}}" }],
        variants: [{ url: "https://mail.example.com/send?b={{userAttribute.pln}}", fields: [{ key: "crm", value: "{{user.crmId}}" }], splitPercent: 50 }],
        splitPercent: 50,
      },
    ]);
    const [crm, mail] = campaign.actions;
    const activated = await call("POST", `/campaigns/${campaign.id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ status: "active", counts: { scheduled: 4 } });
    expect(activated.body.warnings).toEqual([
      {
        kind: "unknown-attribute",
        attribute: "frstName",
        suggestion: "firstName",
        where: 'Webhook 1 (CRM): data field "name"',
        field: "actions.0.fields.0.value",
        actionId: crm!.id,
        message: 'Webhook 1 (CRM): `{{user.frstName}}` in data field "name": no user has this attribute yet; it renders empty (did you mean `firstName`?)',
      },
      {
        kind: "unknown-attribute",
        attribute: "zone",
        suggestion: null,
        where: 'Webhook 2 (Mail), variant A: header "X-Zone"',
        field: "actions.1.headers.0.value",
        actionId: mail!.id,
        message: 'Webhook 2 (Mail), variant A: `{{user.zone}}` in header "X-Zone": no user has this attribute yet; it renders empty',
      },
      {
        kind: "unknown-attribute",
        attribute: "pln",
        suggestion: "plan",
        where: "Webhook 2 (Mail), variant B: the URL",
        field: "actions.1.variants.0.url",
        actionId: mail!.variants![0]!.id,
        message: "Webhook 2 (Mail), variant B: `{{userAttribute.pln}}` in the URL: no user has this attribute yet; it renders empty (did you mean `plan`?)",
      },
    ]);
    // crmId, saved by webhook 1's response mapping, is read by webhook 2 (both variants) and warned of nowhere
    // (webhook 1 reading it itself would be warned of: it sends before its own answer comes back)
    expect(JSON.stringify(activated.body.warnings)).not.toContain("crmId");
    expect(await statusOf(campaign.id)).toBe("active");

    expect((await call("POST", `/campaigns/${campaign.id}/pause`)).status).toBe(200);
    const resumed = await call("POST", `/campaigns/${campaign.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.warnings).toEqual(activated.body.warnings);
    expect(await statusOf(campaign.id)).toBe("active");
  });

  it("is an empty list when every attribute read is known (a catalogue name, a built-in field, one an earlier webhook maps)", async () => {
    const campaign = await newCampaign("Clean", [
      { name: "CRM", url: "https://crm.example.com/{{user.id}}/{{user.email}}", fields: [{ key: "n", value: "{{user.firstName}}" }], responseMapping: [{ path: "$.id", attribute: "crmId" }] },
      { name: "Follow-up", url: "https://crm.example.com/follow-up", fields: [{ key: "c", value: "{{user.crmId}}" }] },
    ]);
    const activated = await call("POST", `/campaigns/${campaign.id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body.warnings).toEqual([]);
    expect((await call("POST", `/campaigns/${campaign.id}/pause`)).status).toBe(200);
    expect((await call("POST", `/campaigns/${campaign.id}/resume`)).body).toMatchObject({ status: "active", warnings: [] });
  });

  it("warns of an attribute only another campaign's mapping saves until it has saved it for someone", async () => {
    await newCampaign("Loyalty sync", [{ name: "Loyalty", url: "https://loyalty.example.com/{{user.id}}", responseMapping: [{ path: "$.tier", attribute: "loyaltyTier" }] }]);
    const reader = await newCampaign("Reads the tier", [{ name: "Shop", url: "https://shop.example.com/{{user.loyaltyTier}}" }]);
    const activated = await call("POST", `/campaigns/${reader.id}/activate`);
    expect(activated.status).toBe(200);
    // nothing orders the other campaign's sends before these: sent now, the tier is empty for everyone
    expect(activated.body.warnings.map((w: { attribute: string; where: string }) => [w.attribute, w.where])).toEqual([["loyaltyTier", "Webhook 1 (Shop): the URL"]]);
    // once its mapping has saved it for a user (as a delivery's response would), the catalogue has it
    await upsertUsers([{ userId: "warn-1", attributes: { firstName: "Ann", plan: "pro", loyaltyTier: "gold" } }]);
    expect((await call("POST", `/campaigns/${reader.id}/pause`)).status).toBe(200);
    // no longer unknown; still empty for the users it was not saved for, whose requests go to /
    expect((await call("POST", `/campaigns/${reader.id}/resume`)).body.warnings).toEqual([{ kind: "empty-in-url", message: expect.stringMatching(/^Webhook 1 \(Shop\): user\.loyaltyTier is empty for \d+ of \d+ users tried; it is in the URL's path, so their requests go to another address, \/ /) }]);
  });

  it("a refused activation is the 409 it was, with no warnings to read", async () => {
    const campaign = await newCampaign("Not ready", [{ name: "CRM", url: "https://crm.example.com/{{user.frstName}}" }]);
    expect((await call("POST", `/campaigns/${campaign.id}/activate`)).status).toBe(200);
    const again = await call("POST", `/campaigns/${campaign.id}/activate`);
    expect(again.status).toBe(409);
    expect(again.body.warnings).toBeUndefined();
  });
});

// Activate renders each webhook for the audience's first users (sample-renders.ts): the editor's
// confirmation names a webhook that fails for some of them; the API, asking nothing, says so after.
describe("activate through the API warns of a webhook that fails for some of the audience's first users", () => {
  it("a sample-failure warning naming how many and who; the campaign is active all the same", async () => {
    await upsertUsers([{ userId: "warn-3-old", attributes: { firstName: "Cy", age: "old" } }]);
    const campaign = await newCampaign("Ages", [{ name: "Ages", url: "https://crm.example.com/ages", fields: [{ key: "age", value: "{{default user.age 30}}", type: "number" }] }]);
    const activated = await call("POST", `/campaigns/${campaign.id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body.warnings).toEqual([
      { kind: "sample-failure", message: expect.stringMatching(/^Webhook 1 \(Ages\): fails for 1 of \d+ users tried, e\.g\. user warn-3-old: Data field "age": "old" is not a number$/) },
    ]);
    expect(await statusOf(campaign.id)).toBe("active");
  });
});

// A URL of "/crm/{{user.crmId}}" with crmId on some users only: the others' requests went to /crm/, the
// CRM's collection address, and the unknown-attribute warning (no user has it) did not fire.
describe("activate and resume through the API warn of a URL variable empty for some of the audience's first users", () => {
  it("an empty-in-url warning saying how many and where their requests go; active all the same", async () => {
    await upsertUsers([{ userId: "warn-4-crm", attributes: { firstName: "Di", crmId: "c-4" } }]);
    const campaign = await newCampaign("CRM ids", [{ name: "CRM", url: "https://crm.example.com/crm/{{user.crmId}}", fields: [{ key: "plan", value: "gold", type: "text" }] }]);
    const line = /^Webhook 1 \(CRM\): user\.crmId is empty for (\d+) of (\d+) users tried; it is in the URL's path, so their requests go to another address, \/crm\/ \(write \{\{required user\.crmId\}\} to skip users without it\)$/;
    const activated = await call("POST", `/campaigns/${campaign.id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body.warnings).toEqual([{ kind: "empty-in-url", message: expect.stringMatching(line) }]);
    const [, empty, tried] = line.exec(activated.body.warnings[0].message)!;
    expect(Number(empty)).toBe(Number(tried) - 1);
    expect(await statusOf(campaign.id)).toBe("active");
    expect((await call("POST", `/campaigns/${campaign.id}/pause`)).status).toBe(200);
    const resumed = await call("POST", `/campaigns/${campaign.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.warnings).toEqual(activated.body.warnings);
    // written {{required user.crmId}}, those users are skipped: nothing to warn of
    const required = await newCampaign("CRM ids required", [{ name: "CRM", url: "https://crm.example.com/crm/{{required user.crmId}}", fields: [{ key: "plan", value: "gold", type: "text" }] }]);
    expect((await call("POST", `/campaigns/${required.id}/activate`)).body.warnings).toEqual([]);
  });
});
