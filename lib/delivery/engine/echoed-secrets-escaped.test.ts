// The attacker's review: a receiver answers a secret header's value with one letter \u-escaped
// ({"u":"\u0048DRSECRETqq8877"}) and a mapping saves $.u on the user, where a viewer reads it and an
// editor's {{user.crmEcho}} would send it to another host. End to end on a real receiver on 127.0.0.1:
// the user's attribute, the stored attempt and the test send hold the mask, no spelling of the secret.
// And a key of digits answered as a number (1.2345678e7) that a number attribute would save as the key.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { getCampaignDraft, saveCampaign } from "../../campaigns/campaigns";
import { campaignDraftSchema } from "../../campaigns/schemas";
import { sampleRequestSchema } from "../../campaigns/preview-input";
import { runTestSend } from "../../campaigns/test-sends";
import { activateCampaign } from "../store/lifecycle";
import { deliveryDetail } from "../store/log-queries";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

const SECRET = "HDRSECRETqq8877";
const DIGITS = "12345678";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
beforeAll(async () => {
  receiver = await startReceiver((req) => {
    const json = { "content-type": "application/json" };
    // written by hand: JSON.stringify would write the H as it is
    if (req.path.startsWith("/crm/")) return { status: 200, headers: { ...json, "x-echo": "HDRSEC\\u0052ETqq8877" }, body: '{"u":"\\u0048DRSECRETqq8877","id":"crm-1"}' };
    return { status: 200, headers: json, body: '{"n":1.2345678e7,"id":"crm-2"}' };
  });
  await db().user.create({ data: { id: "escaped-1", email: "escaped@example.com", attributes: {} } });
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

// every spelling a reader of the stored text decodes: JSON's escapes
const decodedText = (value: unknown) => JSON.stringify(value).replace(/\\+u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const escapedEcho = () => ({
  url: `${receiver.url}/crm/{{user.id}}`,
  headers: [{ name: "X-Api-Key", value: SECRET, secret: true }],
  responseMapping: [{ path: "$.u", attribute: "crmEcho" }],
});
const numberEcho = () => ({
  url: `${receiver.url}/score/{{user.id}}`,
  headers: [{ name: "X-Api-Key", value: DIGITS, secret: true }],
  responseMapping: [{ path: "$.n", attribute: "crmScore", type: "number" as const }],
});

async function deliver(name: string, action: ReturnType<typeof escapedEcho> | ReturnType<typeof numberEcho>) {
  const { id } = await saveCampaign(campaignDraftSchema.parse({ name, actions: [action] }));
  engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 2, hostConcurrency: 2, leaseMs: 30_000, idlePollMs: 50 });
  setDeliveryQueue(engine);
  await engine.start();
  expect(await activateCampaign(id)).toMatchObject({ ok: true });
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: id, state: "delivered" } })) === 1, 30_000, 50);
  const delivery = await db().delivery.findFirstOrThrow({ where: { campaignId: id } });
  const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { deliveryId: delivery.id } });
  return { id, delivery, attempt };
}

describe("a receiver that answers a secret with its letters \\u-escaped", () => {
  it("the mapped attribute holds the mask; the stored attempt and the delivery log hold no spelling of the secret", async () => {
    const { delivery, attempt } = await deliver("Escaped echo", escapedEcho());
    expect(receiver.received.at(-1)!.headers["x-api-key"]).toBe(SECRET);
    const user = await db().user.findUniqueOrThrow({ where: { id: "escaped-1" } });
    expect(user.attributes).toMatchObject({ crmEcho: "••••" });
    expect(JSON.stringify(user.attributes)).not.toContain(SECRET);
    const response = attempt.response as { body: string; headers: [string, string][] };
    expect(JSON.parse(response.body)).toEqual({ u: "••••", id: "crm-1" });
    expect(response.headers).toContainEqual(["x-echo", "••••"]);
    expect(decodedText(attempt)).not.toContain(SECRET);
    expect(decodedText(await deliveryDetail(delivery.id))).not.toContain(SECRET);
  }, 60_000);

  it("a test send's response and what its mapping would save show the mask", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Escaped echo test", actions: [escapedEcho()] }));
    const action = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const send = await runTestSend(sampleRequestSchema.parse({ action, campaign: { id, name: "Escaped echo test" }, userId: "escaped-1" }));
    expect(send.status).toBe(200);
    expect(send.mapping?.set).toEqual({ crmEcho: "••••" });
    expect(decodedText(send)).not.toContain(SECRET);
  });

  it("a key of digits answered as 1.2345678e7 is not saved into a number attribute as the key", async () => {
    const { attempt } = await deliver("Number echo", numberEcho());
    expect(receiver.received.at(-1)!.headers["x-api-key"]).toBe(DIGITS);
    const user = await db().user.findUniqueOrThrow({ where: { id: "escaped-1" } });
    expect(JSON.stringify(user.attributes)).not.toContain(DIGITS);
    expect(JSON.parse((attempt.response as { body: string }).body)).toEqual({ n: "••••", id: "crm-2" });
    // the attempt says why nothing was saved
    expect(JSON.stringify(attempt)).toContain("is not a number");
  }, 60_000);
});
