// A test send shows what the response mapping WOULD save, and never writes the user; the mapping
// is saved with the campaign and shown back to the editor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { startReceiver } from "../delivery/testing/receiver";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { sampleRequestSchema } from "./preview-input";
import { campaignDraftSchema } from "./schemas";
import { listTestSends, runTestSend } from "./test-sends";

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: 201, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { id: "cus_9", score: "x" } }) }));
  await db().user.create({ data: { id: "t1", attributes: { firstName: "Tess", rank: 3 } } });
});
afterAll(async () => receiver.close());

const mapping = [
  { path: "$.customer.id", attribute: "crmId" },
  { path: "$.customer.score", attribute: "score", type: "number" as const },
  { path: "$.customer.missing", attribute: "other" },
];

describe("test send with a response mapping", () => {
  it("shows what would be saved and why not, and writes nothing", async () => {
    const input = sampleRequestSchema.parse({
      action: { url: `${receiver.url}/hook`, responseMapping: [...mapping, { path: "half typed", attribute: "" }] },
      campaign: { name: "T" },
      userId: "t1",
    });
    const send = await runTestSend(input);
    expect(send.outcome).toBe("delivered");
    expect(send.mapping).toEqual({
      set: { crmId: "cus_9" },
      problems: ['$.customer.score -> score: "x" is not a number; not saved', "$.customer.missing is not in the response"],
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: "t1" } })).attributes).toEqual({ firstName: "Tess", rank: 3 });
    expect((await db().user.findUniqueOrThrow({ where: { id: "t1" } })).attributeSources).toBeNull();
  });

  it("shows a row into a built-in field's name as not saved, with the reason Save will give, rather than leaving it out as half typed", async () => {
    const input = sampleRequestSchema.parse({
      action: { url: `${receiver.url}/hook`, responseMapping: [{ path: "$.customer.id", attribute: "crmId" }, { path: "$.customer.id", attribute: "email" }] },
      campaign: { name: "T" },
      userId: "t1",
    });
    const send = await runTestSend(input);
    expect(send.mapping).toEqual({ set: { crmId: "cus_9" }, problems: ['$.customer.id -> email: "email" is a built-in user field, not an attribute: set the field itself or choose another name; not saved'] });
  });

  it("is saved with the campaign, shown back to the editor, and kept in the test send history", async () => {
    const saved = await saveCampaign(campaignDraftSchema.parse({ name: "Mapped", actions: [{ url: `${receiver.url}/hook`, responseMapping: mapping }] }));
    const draft = await getCampaignDraft(saved.id, "admin");
    expect(draft!.actions[0]!.responseMapping).toEqual(mapping);
    const action = draft!.actions[0]!;
    await runTestSend(sampleRequestSchema.parse({ action: { ...action, url: action.url }, campaign: { id: saved.id, name: "Mapped" }, userId: "t1" }));
    const [latest] = await listTestSends(saved.actionIds[0]!);
    expect(latest!.mapping?.set).toEqual({ crmId: "cus_9" });
    expect(latest!.response).not.toHaveProperty("mapping");
  });

  it("an entry saved without a type takes its attribute's type in the catalogue", async () => {
    const saved = await saveCampaign(campaignDraftSchema.parse({ name: "Typed", actions: [{ url: `${receiver.url}/hook`, responseMapping: [{ path: "$.customer.rank", attribute: "rank" }, { path: "$.customer.id", attribute: "crmId" }] }] }));
    const stored = await db().action.findUniqueOrThrow({ where: { id: saved.actionIds[0] } });
    expect(stored.responseMapping).toEqual([{ path: "$.customer.rank", attribute: "rank", type: "number" }, { path: "$.customer.id", attribute: "crmId" }]);
  });

  it("a change of the mapping is in the save's audit diff", async () => {
    const first = await saveCampaign(campaignDraftSchema.parse({ name: "Diff", actions: [{ url: `${receiver.url}/hook`, responseMapping: mapping.slice(0, 1) }] }));
    const again = await saveCampaign(
      campaignDraftSchema.parse({ id: first.id, name: "Diff", actions: [{ id: first.actionIds[0], url: `${receiver.url}/hook`, responseMapping: [{ path: "$.contact.id", attribute: "crmId" }, mapping[1]] }] }),
    );
    expect(again.changes).toEqual([
      { field: "actions[0] (Webhook).responseMapping[0].path", before: "$.customer.id", after: "$.contact.id" },
      { field: "actions[0] (Webhook).responseMapping[1].path", before: null, after: "$.customer.score" },
      { field: "actions[0] (Webhook).responseMapping[1].attribute", before: null, after: "score" },
      { field: "actions[0] (Webhook).responseMapping[1].type", before: null, after: "number" },
    ]);
  });

  it("refuses a bad mapping at save with errors at the field", () => {
    const parsed = campaignDraftSchema.safeParse({ name: "Bad", actions: [{ url: "https://example.com", responseMapping: [{ path: "customer.id", attribute: "crmId" }] }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(["actions", 0, "responseMapping", 0, "path"]);
  });
});
