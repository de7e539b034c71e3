// What the delivery log keeps of a request: the headers ticked secret masked by the names the renderer
// put on the request (whatever they are called), Authorization and the signature too; and, stored by a
// real delivery, the URL password, secret headers and secret query values as ••••.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { saveCampaign } from "../../campaigns/campaigns";
import { campaignDraftSchema } from "../../campaigns/schemas";
import { renderWebhookRequest } from "../../webhooks/render-request";
import { EmbeddedEngine } from "../engine/embedded-engine";
import { setDeliveryQueue } from "../engine/queue";
import { startReceiver, waitFor } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";
import { activateCampaign } from "./lifecycle";
import { maskedRequest } from "./attempt-record";

describe("maskedRequest", () => {
  it("masks a header ticked secret under any name, credential-named headers and the signature", () => {
    const rendered = renderWebhookRequest(
      {
        method: "POST",
        url: "https://crm:pw-123456@crm.example.com/hook",
        contentType: "application/json",
        fields: [],
        headers: [
          { name: "X-Customer", value: "cust-token-42", secret: true },
          { name: "X-Plain", value: "shown" },
        ],
        signingSecrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      },
      { user: { id: "u1", email: null, attributes: {} }, now: new Date() } as never,
      { webhookId: "msg_1", timestamp: new Date() },
    );
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
    const headers = Object.fromEntries(maskedRequest(rendered.request).headers);
    expect(headers).toMatchObject({ "X-Customer": "••••", "X-Plain": "shown", Authorization: "Basic ••••" });
    expect(JSON.stringify(maskedRequest(rendered.request))).not.toMatch(/cust-token-42|pw-123456/);
  });
});

describe("the attempt a delivery stores", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let engine: EmbeddedEngine | null = null;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver.close());
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    setDeliveryQueue(null);
  });

  it("holds the URL password, a secret header and a secret query value as ••••, in the row itself", async () => {
    await db().user.create({ data: { id: "ar-1", attributes: {} } });
    const port = new URL(receiver.url).port;
    const { id } = await saveCampaign(
      campaignDraftSchema.parse({
        name: "Masked attempt",
        actions: [{ url: `http://crm:PWSECRET1@127.0.0.1:${port}/hook?token=QUERYSECRET2&page=1`, headers: [{ name: "X-Customer", value: "HEADERSECRET3", secret: true }, { name: "X-Plain", value: "shown" }], fields: [{ key: "name", value: "Ada", type: "text" }] }],
      }),
    );
    engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 2, hostConcurrency: 2, leaseMs: 30_000, idlePollMs: 50 });
    setDeliveryQueue(engine);
    await engine.start();
    expect(await activateCampaign(id)).toMatchObject({ ok: true });
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: id, state: "delivered" } })) === 1, 30_000, 50);

    // the receiver had them all
    const got = receiver.received.at(-1)!;
    expect(got.path).toBe("/hook?token=QUERYSECRET2&page=1");
    expect(got.headers["x-customer"]).toBe("HEADERSECRET3");
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from("crm:PWSECRET1").toString("base64")}`);
    const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { campaignId: id } } });
    const request = attempt.request as { url: string; headers: [string, string][]; body: string };
    expect(request.url).toBe(`http://127.0.0.1:${port}/hook?token=••••&page=1`);
    expect(Object.fromEntries(request.headers)).toMatchObject({ "X-Customer": "••••", "X-Plain": "shown", Authorization: "Basic ••••" });
    expect(request).toMatchObject({ method: "POST", body: '{"name":"Ada"}', bodyTruncated: false });
    expect(JSON.stringify(attempt.request)).not.toMatch(/PWSECRET1|QUERYSECRET2|HEADERSECRET3|Y3JtOlBXU0VDUkVUMQ/);
  }, 60_000);
});
