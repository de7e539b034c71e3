// The campaigns API accepts variants, splits and a control group, and its deliveries name their variant.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { openApiDocument } from "@/lib/api/openapi";
import { POST as create } from "./route";
import { GET as getOne, PUT } from "./[id]/route";
import { POST as activate } from "./[id]/activate/route";
import { GET as deliveries } from "./[id]/deliveries/route";
import { DELETE as stopSigning, POST as generateSecret } from "./[id]/actions/[actionId]/signing-secret/route";

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await apiKeyHeaders("admin");
  await db().user.createMany({ data: Array.from({ length: 60 }, (_, i) => ({ id: `apiv${i}`, attributes: {} })) });
});

const base = "http://127.0.0.1/api/v1";
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const send = (path: string, method: string, body?: unknown) =>
  new Request(`${base}${path}`, { method, headers: { ...admin, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });

const draft = {
  name: "AB by API",
  actions: [
    {
      name: "CRM",
      url: "https://a.example.com/hook/{{user.id}}",
      splitPercent: 50,
      controlPercent: 20,
      variants: [{ name: "CRM B", url: "https://b.example.com/hook/{{user.id}}", splitPercent: 50 }],
    },
  ],
};

describe("campaigns API with variants", () => {
  it("creates a campaign with a variant and a control group, refuses splits that do not add up, lists deliveries with their variant", async () => {
    const bad = await create(send("/campaigns", "POST", { ...draft, actions: [{ ...draft.actions[0], splitPercent: 60 }] }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("must add up to 100%");

    const created = await create(send("/campaigns", "POST", draft));
    expect(created.status).toBe(201);
    const campaign = await created.json();
    expect(campaign.actions).toHaveLength(1);
    expect(campaign.actions[0]).toMatchObject({ splitPercent: 50, controlPercent: 20, variants: [{ name: "CRM B", splitPercent: 50 }] });

    const step = campaign.actions[0];
    const updated = await PUT(send(`/campaigns/${campaign.id}`, "PUT", { ...draft, actions: [{ ...step, splitPercent: 70, variants: [{ ...step.variants[0], splitPercent: 30 }] }] }), params(campaign.id));
    expect(updated.status).toBe(200);
    const read = await (await getOne(send(`/campaigns/${campaign.id}`, "GET"), params(campaign.id))).json();
    expect(read.actions[0].variants).toHaveLength(1);
    expect(read.actions[0].variants[0]).toMatchObject({ id: step.variants[0].id, splitPercent: 30 });

    const activated = await activate(send(`/campaigns/${campaign.id}/activate`, "POST"), params(campaign.id));
    expect(activated.status).toBe(200);
    const { counts } = await activated.json();
    expect(counts.scheduled + counts.control).toBe(await db().user.count());
    const page = await (await deliveries(send(`/campaigns/${campaign.id}/deliveries`, "GET"), params(campaign.id))).json();
    expect(page.items.length).toBeGreaterThan(0);
    expect(new Set(page.items.map((d: { variant: string }) => d.variant))).toEqual(new Set(["A", "B"]));
    // each row names its webhook (the step), whichever of its variants was sent
    for (const d of page.items as { actionId: string }[]) expect(d.actionId).toBe(step.id);

    // a variant that has deliveries cannot be removed: 409, which the OpenAPI document lists for this route
    const removed = await PUT(send(`/campaigns/${campaign.id}`, "PUT", { ...draft, actions: [{ ...step, splitPercent: 100, variants: [] }] }), params(campaign.id));
    expect(removed.status).toBe(409);
    expect((await removed.json()).error.message).toMatch(/has deliveries, so it cannot be removed/);
    expect(Object.keys((openApiDocument().paths as Record<string, Record<string, { responses: object }>>)["/api/v1/campaigns/{id}"]!.put!.responses)).toContain("409");
  });

  it("one signing secret per webhook: a variant's row gets none (409), the read shows no signing per variant, and a body giving a variant one changes nothing", async () => {
    const created = await (await create(send("/campaigns", "POST", { ...draft, name: "AB signed by API" }))).json();
    const step = created.actions[0];
    const variantId = step.variants[0].id;
    const at = (actionId: string) => ({ params: Promise.resolve({ id: created.id, actionId }) });
    const onVariant = await generateSecret(send(`/campaigns/${created.id}/actions/${variantId}/signing-secret`, "POST"), at(variantId));
    expect(onVariant.status).toBe(409);
    expect((await onVariant.json()).error.message).toMatch(/signed with its webhook's signing secret/);
    expect((await stopSigning(send(`/campaigns/${created.id}/actions/${variantId}/signing-secret`, "DELETE"), at(variantId))).status).toBe(409);
    expect((await generateSecret(send(`/campaigns/${created.id}/actions/${step.id}/signing-secret`, "POST"), at(step.id))).status).toBe(200);
    const read = await (await getOne(send(`/campaigns/${created.id}`, "GET"), params(created.id))).json();
    expect(read.actions[0].signing).toMatchObject({ enabled: true });
    expect(read.actions[0].variants[0]).not.toHaveProperty("signing");
    // a variant's `signing` (an older read answered one) is ignored: the row stays without a secret, the webhook keeps its own
    const body = { name: read.name, actions: [{ ...read.actions[0], variants: [{ ...read.actions[0].variants[0], signing: { enabled: true, previousValidUntil: null } }] }] };
    expect((await PUT(send(`/campaigns/${created.id}`, "PUT", body), params(created.id))).status).toBe(200);
    expect((await db().action.findUniqueOrThrow({ where: { id: variantId } })).signingSecretEnc).toBeNull();
    expect((await db().action.findUniqueOrThrow({ where: { id: step.id } })).signingSecretEnc).not.toBeNull();
  });
});
