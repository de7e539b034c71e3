import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { campaignSummarySchema } from "@/lib/api/schemas/campaigns";
import { apiRoutes } from "@/lib/api/catalog";
import { exampleOf } from "@/lib/api/examples";
import { GET as list, POST as create } from "./route";
import { GET as getOne, PUT } from "./[id]/route";
import { POST as activate } from "./[id]/activate/route";
import { POST as pause } from "./[id]/pause/route";
import { POST as resume } from "./[id]/resume/route";
import { GET as deliveries } from "./[id]/deliveries/route";
import { POST as retry } from "../deliveries/[id]/retry/route";

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await apiKeyHeaders("admin");
});

const base = "http://127.0.0.1/api/v1";
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const send = (path: string, method: string, body?: unknown) =>
  new Request(`${base}${path}`, { method, headers: { ...admin, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });

const draft = {
  name: "Welcome",
  actions: [{ name: "CRM", url: "https://crm.example.com/hook/{{user.id}}", fields: [{ key: "email", value: "{{user.email}}" }] }],
};

describe("campaigns API", () => {
  it("takes numbers as JSON numbers only: a numeric string is a 400 naming its field, as a delay's seconds always was", async () => {
    const action = { ...draft.actions[0], timeoutSeconds: 15, splitPercent: 60, controlPercent: 10, variants: [{ url: "https://crm.example.com/b", splitPercent: 40 }] };
    const delivery = { rule: { when: "immediate" }, actions: [{ id: "@0", subDelivery: { kind: "delay", seconds: 5 } }] };
    const cases: [string, Record<string, unknown>, string][] = [
      ["timeoutSeconds", { ...draft, actions: [{ ...action, timeoutSeconds: "15" }], delivery }, "actions.0.timeoutSeconds"],
      ["splitPercent", { ...draft, actions: [{ ...action, splitPercent: "60" }] }, "actions.0.splitPercent"],
      ["controlPercent", { ...draft, actions: [{ ...action, controlPercent: "10" }] }, "actions.0.controlPercent"],
      ["a variant's splitPercent", { ...draft, actions: [{ ...action, variants: [{ ...action.variants[0], splitPercent: "40" }] }] }, "actions.0.variants.0.splitPercent"],
      ["goalWindowHours", { ...draft, goalEvent: "bought", goalWindowHours: "24" }, "goalWindowHours"],
      ["a delay's seconds", { ...draft, actions: [action], delivery: { ...delivery, actions: [{ id: "@0", subDelivery: { kind: "delay", seconds: "5" } }] } }, "delivery.actions.0.subDelivery.seconds"],
    ];
    const before = await db().campaign.count();
    for (const [what, body, path] of cases) {
      const res = await create(send("/campaigns", "POST", body));
      expect(res.status, what).toBe(400);
      const answer = await res.json();
      expect(answer.error.message, what).toMatch(new RegExp(`^${path.replace(/\./g, "\\.")}: `));
      expect(answer.error.details, what).toContainEqual({ path, message: expect.stringMatching(/number/) });
    }
    expect(await db().campaign.count()).toBe(before);
    const created = await create(send("/campaigns", "POST", { ...draft, actions: [action], goalEvent: "bought", goalWindowHours: 24, delivery }));
    expect(created.status).toBe(201);
    const campaign = await created.json();
    expect(campaign).toMatchObject({ goalWindowHours: 24, actions: [{ timeoutSeconds: 15, splitPercent: 60, controlPercent: 10, variants: [{ splitPercent: 40 }] }] });
    const put = await PUT(send(`/campaigns/${campaign.id}`, "PUT", { ...draft, actions: [{ ...action, id: campaign.actions[0].id, timeoutSeconds: "20" }] }), params(campaign.id));
    expect(put.status).toBe(400);
    expect((await put.json()).error.message).toMatch(/^actions\.0\.timeoutSeconds: Send a JSON number, not a string \("20"\)$/);
  });

  it("keeps the description a PUT leaves out, as it keeps the goal and the webhooks left out; an empty one clears it", async () => {
    const created = await (await create(send("/campaigns", "POST", { ...draft, description: "Notes the marketer typed", goalEvent: "bought" }))).json();
    expect(created.description).toBe("Notes the marketer typed");
    const renamed = await PUT(send(`/campaigns/${created.id}`, "PUT", { name: "Renamed" }), params(created.id));
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "Renamed", description: "Notes the marketer typed", goalEvent: "bought", actions: [{ name: "CRM" }] });
    const cleared = await (await PUT(send(`/campaigns/${created.id}`, "PUT", { name: "Renamed", description: "" }), params(created.id))).json();
    expect(cleared.description).toBe("");
    const fresh = await (await create(send("/campaigns", "POST", { name: "No description" }))).json();
    expect(fresh.description).toBe("");
  });

  it("refuses templates too complex to compile cheaply with a 400 naming the field, and writes nothing", async () => {
    const chained = "{{upper " + "(lower ".repeat(20) + "user.a" + ")".repeat(20) + "}}"; // 22 expressions
    const fields = Array.from({ length: 10 }, (_, k) => ({ key: `f${k}`, value: chained.repeat(5) + k }));
    const before = await db().campaign.count();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...draft.actions[0], fields }, "actions.0.fields.9.value"],
      [{ ...draft.actions[0], splitPercent: 50, variants: [{ url: "https://crm.example.com/b", fields, splitPercent: 50 }] }, "actions.0.variants.0.fields.9.value"],
    ];
    for (const [action, path] of cases) {
      const res = await create(send("/campaigns", "POST", { ...draft, actions: [action] }));
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: "validation_error", message: expect.stringMatching(new RegExp(`^${path.replace(/\./g, "\\.")}: Template too complex: the webhook's templates hold more than 1,000 expressions`)) });
    }
    expect(await db().campaign.count()).toBe(before);
  });

  it("refuses a response mapping into an attribute named like a built-in user field: a receiver's answer cannot stand in for the user's time zone or email", async () => {
    const before = await db().campaign.count();
    const action = { ...draft.actions[0], responseMapping: [{ path: "$.crm.id", attribute: "crmId" }, { path: "$.tz", attribute: "timezone" }] };
    const res = await create(send("/campaigns", "POST", { ...draft, actions: [action] }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "validation_error", message: 'actions.0.responseMapping.1.attribute: "timezone" is a built-in user field, not an attribute: set the field itself or choose another name' });
    expect(await db().campaign.count()).toBe(before);
  });

  it("saves a response mapping into attributes named like an object's own properties (toString, valueOf): 201, not a 500", async () => {
    const action = { ...draft.actions[0], responseMapping: [{ path: "$.a", attribute: "toString" }, { path: "$['b']", attribute: "valueOf" }] };
    const created = await create(send("/campaigns", "POST", { ...draft, actions: [action] }));
    expect(created.status).toBe(201);
    expect((await created.json()).actions[0].responseMapping).toEqual([{ path: "$.a", attribute: "toString" }, { path: "$['b']", attribute: "valueOf" }]);
  });

  it("lists a page at a time, newest edited first: limit and cursor as the users list, status and search filters; a bad query is a 400", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await (await create(send("/campaigns", "POST", { ...draft, name: `Paged ${i}` }))).json()).id);
    const pageOf = async (query: string) => {
      const res = await list(send(`/campaigns?${query}`, "GET"));
      expect(res.status).toBe(200);
      return (await res.json()) as { campaigns: { id: string; name: string }[]; nextCursor: string | null };
    };
    const first = await pageOf("search=paged&limit=2");
    expect(first.campaigns.map((c) => c.name)).toEqual(["Paged 4", "Paged 3"]);
    const second = await pageOf(`search=paged&limit=2&cursor=${first.nextCursor}`);
    expect(second.campaigns.map((c) => c.name)).toEqual(["Paged 2", "Paged 1"]);
    const last = await pageOf(`search=PAGED&limit=2&cursor=${second.nextCursor}`);
    expect(last).toEqual({ campaigns: [expect.objectContaining({ name: "Paged 0" })], nextCursor: null });
    expect((await pageOf("search=paged&status=active")).campaigns).toEqual([]);
    expect((await pageOf("search=paged&status=draft")).campaigns).toHaveLength(5);

    for (const [query, path] of [["limit=0", "limit"], ["limit=1001", "limit"], ["status=gone", "status"], ["cursor=nonsense", "cursor"], ["page=2", "page"]] as const) {
      const res = await list(send(`/campaigns?${query}`, "GET"));
      expect(res.status, query).toBe(400);
      const body = await res.json();
      expect(JSON.stringify(body), query).toContain(path);
    }
    for (const id of made) await db().campaign.delete({ where: { id } });
  });

  it("creates, lists, reads, updates, activates and pauses a campaign, recording each change in the audit log", async () => {
    const created = await create(send("/campaigns", "POST", draft));
    expect(created.status).toBe(201);
    const campaign = await created.json();
    expect(campaign).toMatchObject({ name: "Welcome", status: "draft" });
    expect(campaign.actions).toHaveLength(1);

    const listed = await (await list(send("/campaigns", "GET"))).json();
    expect(listed.campaigns.map((c: { id: string }) => c.id)).toContain(campaign.id);
    // every key the list answers with is in the OpenAPI document
    expect(Object.keys(campaignSummarySchema.shape)).toEqual(expect.arrayContaining(Object.keys(listed.campaigns[0])));

    const updated = await PUT(send(`/campaigns/${campaign.id}`, "PUT", { ...draft, name: "Welcome v2", actions: [{ ...draft.actions[0], id: campaign.actions[0].id }] }), params(campaign.id));
    expect(updated.status).toBe(200);
    expect((await updated.json()).name).toBe("Welcome v2");
    expect((await (await getOne(send(`/campaigns/${campaign.id}`, "GET"), params(campaign.id))).json()).name).toBe("Welcome v2");

    const activated = await activate(send(`/campaigns/${campaign.id}/activate`, "POST"), params(campaign.id));
    expect(activated.status).toBe(200);
    expect((await activated.json()).status).toBe("active");
    const again = await activate(send(`/campaigns/${campaign.id}/activate`, "POST"), params(campaign.id));
    expect(again.status).toBe(409);

    expect((await pause(send(`/campaigns/${campaign.id}/pause`, "POST"), params(campaign.id))).status).toBe(200);
    expect((await pause(send(`/campaigns/${campaign.id}/pause`, "POST"), params(campaign.id))).status).toBe(409);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");

    const audit = await db().auditLog.findMany({ where: { target: campaign.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["campaign.created", "campaign.updated", "campaign.activated", "campaign.paused"]);

    // resumed through the API too (there was no way back from a pause but the editor)
    expect((await resume(send(`/campaigns/${campaign.id}/resume?catchUp=maybe`, "POST"), params(campaign.id))).status).toBe(400);
    const resumed = await resume(send(`/campaigns/${campaign.id}/resume?catchUp=true`, "POST"), params(campaign.id));
    expect(resumed.status).toBe(200);
    // not a triggered campaign: nothing to catch up
    expect(await resumed.json()).toEqual({ status: "active", message: "Resumed.", caughtUp: null, warnings: [] });
    const twice = await resume(send(`/campaigns/${campaign.id}/resume`, "POST"), params(campaign.id));
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.message).toBe("The campaign is active; only a paused campaign can be resumed");
    expect(audit[0]!.actor).toBe('API key "test admin"');
  });

  it("names unknown keys in a webhook, its variants, fields and headers (a typo is not dropped), and takes a GET's action back as it is", async () => {
    const webhook = { ...draft.actions[0], headers: [{ name: "X-Api-Key", value: "k-123", secret: true }] };
    const typos = {
      ...draft,
      actions: [
        {
          ...webhook,
          timeout: 30,
          fields: [{ key: "email", value: "{{user.email}}", typ: "number" }],
          headers: [{ name: "X-Api-Key", value: "k-123", secrett: true }],
          splitPercent: 50,
          variants: [{ ...webhook, name: "B", splitPercent: 50, signing: { enabled: false }, body: "{}" }],
        },
      ],
    };
    const before = await db().campaign.count();
    const refused = await create(send("/campaigns", "POST", typos));
    expect(refused.status).toBe(400);
    const { error } = await refused.json();
    expect(error.details).toEqual([
      { path: "actions.0", message: 'Unrecognized key: "timeout"' },
      { path: "actions.0.fields.0", message: 'Unrecognized key: "typ"' },
      { path: "actions.0.headers.0", message: 'Unrecognized key: "secrett"' },
      { path: "actions.0.variants.0", message: 'Unrecognized key: "body"' },
    ]);
    expect(await db().campaign.count()).toBe(before);

    const created = await (await create(send("/campaigns", "POST", { ...draft, actions: [webhook] }))).json();
    expect(created.actions[0].signing).toBeDefined();
    const { id, status: _status, updatedAt: _updatedAt, version: _version, ...asRead } = await (await getOne(send(`/campaigns/${created.id}`, "GET"), params(created.id))).json();
    const back = await PUT(send(`/campaigns/${id}`, "PUT", { ...asRead, name: "Read and sent back" }), params(id));
    expect(back.status).toBe(200);
    const typo = await PUT(send(`/campaigns/${id}`, "PUT", { ...asRead, actions: [{ ...asRead.actions[0], headers: [{ name: "X-Api-Key", value: "••••", secrett: true }] }] }), params(id));
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toBe('actions.0.headers.0: Unrecognized key: "secrett"');
  });

  it("answers 409 with the problems when a draft cannot be activated", async () => {
    const campaign = await (await create(send("/campaigns", "POST", { name: "Empty" }))).json();
    const res = await activate(send(`/campaigns/${campaign.id}/activate`, "POST"), params(campaign.id));
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe("cannot_activate");
    expect(body.error.details.problems.join(" ")).toMatch(/at least one webhook/);
  });

  it("runs the render check the editor runs: a field that can never render is refused at the field", async () => {
    const broken = { name: "Broken", actions: [{ name: "CRM", url: "https://crm.example.com/hook", fields: [{ key: "amount", value: "lots", type: "number" }] }] };
    const campaign = await (await create(send("/campaigns", "POST", broken))).json();
    const res = await activate(send(`/campaigns/${campaign.id}/activate`, "POST"), params(campaign.id));
    expect(res.status).toBe(409);
    expect((await res.json()).error.details.problems).toEqual(['Webhook 1 (CRM): Data field "amount": "lots" is not a number']);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
    expect(await db().auditLog.count({ where: { target: campaign.id, action: "campaign.activated" } })).toBe(0);
  });

  it("activates a triggered campaign whose Number field reads an event parameter", async () => {
    const created = await (await create(send("/campaigns", "POST", { name: "Receipts", actions: [{ name: "CRM", url: "https://crm.example.com/hook", fields: [{ key: "amount", value: "{{event.params.amount}}", type: "number" }] }] }))).json();
    await db().campaign.update({ where: { id: created.id }, data: { deliveryRule: { when: "triggered", event: "purchase" } } });
    const res = await activate(send(`/campaigns/${created.id}/activate`, "POST"), params(created.id));
    expect(res.status).toBe(200);
  });

  it("answers 400 naming the field, 404 for unknown ids, and writes nothing", async () => {
    const before = await db().campaign.count();
    const cases: [unknown, RegExp][] = [
      [{}, /name/],
      [{ name: "x", actions: [{ url: "ftp://x" }] }, /actions\.0\.url/],
      [{ name: "x", colour: "red" }, /colour/],
      [{ name: "x", actions: [{ url: "https://a.example.com/{{#if user.plan}}" }] }, /actions\.0\.url: .*line 1/],
      [{ name: "x", actions: [{ url: "https://a.example.com/", fields: [{ key: "k", value: "{{user.id" }] }] }, /actions\.0\.fields\.0\.value/],
      [{ name: "x", actions: [{ url: "https://a.example.com/", headers: [{ name: "X-Flag", value: "a\u0001b" }] }] }, /actions\.0\.headers\.0\.value: .*control characters/],
      [{ name: "x", actions: [{ url: "https://a.example.com/", headers: [{ name: "X-Flag", value: "del\u007f" }] }] }, /actions\.0\.headers\.0\.value: .*control characters/],
      [{ name: "x", actions: [{ url: "https://a.example.com/", headers: [{ name: "X-Flag", value: "half \ud800" }] }] }, /actions\.0\.headers\.0\.value: .*broken character/],
    ];
    for (const [body, message] of cases) {
      const res = await create(send("/campaigns", "POST", body));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(message);
    }
    expect(await db().campaign.count()).toBe(before);
    for (const res of [
      await getOne(send("/campaigns/nope", "GET"), params("nope")),
      await PUT(send("/campaigns/nope", "PUT", draft), params("nope")),
      await activate(send("/campaigns/nope/activate", "POST"), params("nope")),
      await pause(send("/campaigns/nope/pause", "POST"), params("nope")),
      await resume(send("/campaigns/nope/resume", "POST"), params("nope")),
      await deliveries(send("/campaigns/nope/deliveries", "GET"), params("nope")),
      await retry(send("/deliveries/nope/retry", "POST"), params("nope")),
    ]) {
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
    }
    expect(await db().campaign.count()).toBe(before);
  });

  it("lists a campaign's deliveries and retries a failed one (409 when it is not failed)", async () => {
    const campaign = await (await create(send("/campaigns", "POST", draft))).json();
    await db().user.create({ data: { id: "d-user", attributes: {} } });
    const failed = await db().delivery.create({
      data: { webhookId: "msg_api_1", campaignId: campaign.id, actionId: campaign.actions[0].id, userId: "d-user", triggerKey: "activation", plannedAt: new Date(), dueAt: new Date(), state: "failed" },
    });
    const page = await (await deliveries(send(`/campaigns/${campaign.id}/deliveries?state=failed`, "GET"), params(campaign.id))).json();
    expect(page.items.map((d: { id: string }) => d.id)).toEqual([failed.id]);
    expect((await deliveries(send(`/campaigns/${campaign.id}/deliveries?state=lost`, "GET"), params(campaign.id))).status).toBe(400);
    const res = await retry(send(`/deliveries/${failed.id}/retry`, "POST"), params(failed.id));
    expect(res.status).toBe(200);
    expect((await db().delivery.findUniqueOrThrow({ where: { id: failed.id } })).state).toBe("scheduled");
    expect((await retry(send(`/deliveries/${failed.id}/retry`, "POST"), params(failed.id))).status).toBe(409);
  });

  it("pages a campaign's deliveries by nextCursor, passed back as ?cursor= (a cursor it did not give out is a 400 that says so)", async () => {
    const campaign = await (await create(send("/campaigns", "POST", draft))).json();
    await db().user.createMany({ data: Array.from({ length: 60 }, (_, i) => ({ id: `cur-user-${i}`, attributes: {} })) });
    const at = new Date("2026-04-01T10:00:00.000Z");
    await db().delivery.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        webhookId: `msg_cur_${i}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId: `cur-user-${i}`, triggerKey: "activation",
        plannedAt: at, dueAt: at, state: "delivered", updatedAt: new Date(at.getTime() + (i % 5) * 1000),
      })),
    });
    const path = `/campaigns/${campaign.id}/deliveries`;
    const first = await (await deliveries(send(path, "GET"), params(campaign.id))).json();
    expect(first).toMatchObject({ page: 1, total: 60, nextCursor: expect.any(String) });
    const second = await (await deliveries(send(`${path}?cursor=${first.nextCursor}`, "GET"), params(campaign.id))).json();
    expect(second).toMatchObject({ page: null, nextCursor: null });
    const ids = [...first.items, ...second.items].map((d: { id: string }) => d.id);
    expect(new Set(ids).size).toBe(60);
    for (const cursor of ["garbage", "%E2%82%AC", "x".repeat(401)]) {
      const res = await deliveries(send(`${path}?cursor=${cursor}`, "GET"), params(campaign.id));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toBe("cursor: Not a cursor from this log: pass nextCursor back as it came");
    }
  });

  it("runs the documented PUT example as the document says: the action named by its id is updated in place, none is added", async () => {
    const example = (method: string, path: string) => exampleOf(apiRoutes.find((r) => r.method === method && r.path === path)!);
    const created = await (await create(send("/campaigns", "POST", example("POST", "/api/v1/campaigns").request))).json();
    // the example's ids, as a client would put in its own
    const exampleIds = JSON.stringify(example("PUT", "/api/v1/campaigns/{id}").request).replaceAll("cm8x2k1q0001abcd", created.actions[0].id);
    const res = await PUT(send(`/campaigns/${created.id}`, "PUT", JSON.parse(exampleIds)), params(created.id));
    expect(res.status).toBe(200);
    const saved = await res.json();
    expect(saved.name).toBe("Welcome series (v2)");
    expect(saved.actions.map((a: { id: string }) => a.id)).toEqual([created.actions[0].id]);
    // "••••" kept the stored header value
    const stored = await db().action.findUniqueOrThrow({ where: { id: created.actions[0].id } });
    expect(JSON.stringify(stored.headers)).not.toContain("••••");
    // and an action sent without an id is added beside the stored ones, which stay
    const added = await (await PUT(send(`/campaigns/${created.id}`, "PUT", { name: "x", actions: [{ url: "https://crm.example.com/other" }] }), params(created.id))).json();
    expect(added.actions).toHaveLength(2);
    // one whose id is not of this campaign (the example's own id, sent unchanged) is a 400 naming it, as in the editor: nothing is saved
    const foreign = await PUT(send(`/campaigns/${created.id}`, "PUT", example("PUT", "/api/v1/campaigns/{id}").request), params(created.id));
    expect(foreign.status).toBe(400);
    expect((await foreign.json()).error).toMatchObject({ code: "validation_error", message: expect.stringMatching(/^actions\.0\.id: .*not in this campaign/) });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: created.id }, include: { actions: true } })).actions).toHaveLength(2);
  });
});
