// A receiver that echoes its request (httpbin, a debug endpoint) gets every secret of it; none of them
// may reach those who read its response: the test send's result and history (an editor may never see a
// secret header's value), the delivery log (viewers), a response-mapped attribute. End to end: a real
// echoing receiver on 127.0.0.1, the real test send and the embedded engine, the secrets in a multi-word
// header, a cookie, the query and a field.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { getCampaignDraft, saveCampaign } from "../../campaigns/campaigns";
import { campaignDraftSchema } from "../../campaigns/schemas";
import { sampleRequestSchema } from "../../campaigns/preview-input";
import { listTestSends, runTestSend } from "../../campaigns/test-sends";
import { activateCampaign } from "../store/lifecycle";
import { deliveryDetail } from "../store/log-queries";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

const SECRETS = ["COOKIESESSION99", "PRIMARYKEY777", "ECHOQUERYSECRET", "FIELDSECRET42"];

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
beforeAll(async () => {
  // echoes its request: the path and query, the headers, the body as JSON and as a form would carry it
  receiver = await startReceiver((req) => ({
    status: 200,
    headers: { "content-type": "application/json", "x-echo-url": req.path },
    body: JSON.stringify({ url: req.path, headers: req.headers, body: req.body, form: `url=${encodeURIComponent(req.path)}`, echoed: { key: req.headers["x-api-key"] } }),
  }));
  await db().user.create({ data: { id: "echo-1", email: "echo@example.com", attributes: {} } });
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

const webhook = () => ({
  url: `${receiver.url}/echo?api_key=ECHOQUERYSECRET&city=Paris`,
  headers: [
    { name: "Cookie", value: "sid=COOKIESESSION99; lang=en", secret: true },
    { name: "X-Api-Key", value: "PRIMARYKEY777 backup", secret: true },
  ],
  fields: [
    { key: "client_secret", value: "FIELDSECRET42", type: "text" as const },
    { key: "plan", value: "premium", type: "text" as const },
  ],
  // what a mapping saves of the response is read from the masked response too
  responseMapping: [{ path: "$.echoed.key", attribute: "echoedKey" }],
});

const leaked = (shown: unknown) => SECRETS.filter((s) => JSON.stringify(shown).includes(s));

describe("a receiver that echoes its request", () => {
  it("a test send's result and history hold none of the request's secrets (header with a space, cookie, query, field)", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Echo test", actions: [webhook()] }));
    const action = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const send = await runTestSend(sampleRequestSchema.parse({ action, campaign: { id, name: "Echo test" }, userId: "echo-1" }));
    expect(send.error ?? null).toBeNull();
    expect(send.status).toBe(200);
    // the receiver had them all
    const got = receiver.received.at(-1)!;
    expect(got.path).toContain("ECHOQUERYSECRET");
    expect(got.headers.cookie).toBe("sid=COOKIESESSION99; lang=en");
    expect(got.headers["x-api-key"]).toBe("PRIMARYKEY777 backup");
    expect(got.body).toContain("FIELDSECRET42");
    // the response shows the echo, its secrets masked
    const echoed = JSON.parse(send.response!.body!);
    expect(echoed).toMatchObject({ url: "/echo?api_key=••••&city=Paris", headers: { cookie: "••••", "x-api-key": "••••" }, echoed: { key: "••••" } });
    expect(echoed.form).toBe(`url=${encodeURIComponent("/echo?api_key=")}••••${encodeURIComponent("&city=Paris")}`);
    expect(leaked(send)).toEqual([]);
    expect(leaked(await listTestSends(action.id!))).toEqual([]);
  });

  it("an engine delivery's stored attempt, the delivery log and a response-mapped attribute hold none of them", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Echo delivery", actions: [webhook()] }));
    engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 4, hostConcurrency: 4, leaseMs: 30_000, idlePollMs: 50 });
    setDeliveryQueue(engine);
    await engine.start();
    expect(await activateCampaign(id)).toMatchObject({ ok: true });
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: id, state: "delivered" } })) === 1, 30_000, 50);

    const delivery = await db().delivery.findFirstOrThrow({ where: { campaignId: id } });
    const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { deliveryId: delivery.id } });
    expect(receiver.received.at(-1)!.headers.cookie).toBe("sid=COOKIESESSION99; lang=en");
    const response = attempt.response as { body: string; headers: [string, string][] };
    expect(JSON.parse(response.body)).toMatchObject({ url: "/echo?api_key=••••&city=Paris", headers: { cookie: "••••", "x-api-key": "••••" } });
    expect(response.headers).toContainEqual(["x-echo-url", "/echo?api_key=••••&city=Paris"]);
    expect(leaked(attempt)).toEqual([]);
    expect(leaked(await deliveryDetail(delivery.id))).toEqual([]);
    const user = await db().user.findUniqueOrThrow({ where: { id: "echo-1" } });
    expect(user.attributes).toMatchObject({ echoedKey: "••••" });
  }, 60_000);
});
