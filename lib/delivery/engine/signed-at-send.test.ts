// A delivery is signed when it leaves, not when it was rendered: one that waits in the send gate
// (here for the host's one slot, while the receiver holds the request before it) longer than the
// 5 minutes a receiver tolerates (Standard Webhooks, Svix, the README's recipe) still verifies.
// The clock is the engine's (deps.now): the batch is claimed and rendered 6 minutes "ago", and the
// wait ends at the wall clock's now, which the README's recipe reads. Real receiver on 127.0.0.1.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { encryptSecret } from "../../crypto/secret-box";
import { generateSigningSecret } from "../../webhooks/sign";
import { activateCampaign } from "../store/lifecycle";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor, type Received } from "../testing/receiver";
import { createCampaign } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";

type Verify = (secret: string, headers: Record<string, string>, rawBody: string) => boolean;

/** The README's own code block under "Verifying signatures", as a customer would paste it. */
function readmeRecipe(): Verify {
  const readme = readFileSync("README.md", "utf8");
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("### Verifying signatures")))?.[1];
  if (!code?.includes("function verifyHookline")) throw new Error("README: no verifyHookline code block under Verifying signatures");
  return new Function("require", `${code}\nreturn verifyHookline;`)(createRequire(import.meta.url)) as Verify;
}

const SIX_MINUTES = 6 * 60_000;
let release: () => void = () => {};
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
beforeAll(async () => {
  // the first request is answered only once the test lets it go: the second waits for the host's slot meanwhile
  receiver = await startReceiver((_req, all) => (all.length === 1 ? new Promise((r) => (release = () => r({ status: 200 }))) : { status: 200 }));
});
afterAll(async () => receiver.close());
afterEach(async () => {
  release();
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

describe("a delivery held in the send gate", () => {
  it("leaves with the timestamp and signature of when it was sent, which the README's recipe accepts after 6 minutes' wait", async () => {
    let offset = -SIX_MINUTES;
    const now = () => new Date(Date.now() + offset);
    await db().user.createMany({ data: [{ id: "held-1", attributes: {} }, { id: "held-2", attributes: {} }] });
    const campaign = await createCampaign({ url: `${receiver.url}/held/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "held-" }] } });
    const secret = generateSigningSecret();
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { signingSecretEnc: encryptSecret(secret) } });
    expect(await activateCampaign(campaign.id, { now: now() })).toMatchObject({ ok: true, counts: { scheduled: 2 } });
    // one send at a time to the host; a lease longer than the wait, so that it is the signature that is judged
    engine = new EmbeddedEngine(db(), await testDeliveryDeps({ now }), { concurrency: 4, hostConcurrency: 1, leaseMs: 15 * 60_000, idlePollMs: 50 });
    setDeliveryQueue(engine);
    await engine.start();
    await waitFor(() => receiver.received.length === 1, 20_000);
    // both were claimed and rendered at the same (6 minutes old) moment; the second waits for the slot
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "sending" } })) === 2, 20_000);
    offset = 0;
    release();
    await waitFor(() => receiver.received.length === 2, 20_000);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 2, 20_000);

    const [first, held] = receiver.received as [Received, Received];
    const verify = readmeRecipe();
    const headers = (r: Received) => r.headers as Record<string, string>;
    // the first left at once, 6 minutes "ago" by the engine's clock: stale for the receiver now
    expect(verify(secret, headers(first), first.body)).toBe(false);
    // the one that waited is stamped and signed when it left
    expect(Math.abs(Number(headers(held)["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(verify(secret, headers(held), held.body)).toBe(true);
    // the delivery log shows the timestamp it was sent with
    const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { userId: held.path.slice("/held/".length), campaignId: campaign.id } } });
    const logged = (attempt.request as { headers: [string, string][] }).headers.find(([name]) => name === "webhook-timestamp")?.[1];
    expect(logged).toBe(headers(held)["webhook-timestamp"]);
  }, 60_000);
});
