// Retry of a later step that reads what an earlier step saves, when the frequency cap stopped that earlier
// step for the user and the campaign is now exempt (or the cap was removed): the log said "Retrying now."
// and the engine suppressed the step again at once ("Frequency cap: Webhook 1 (Create contact) was stopped
// for this user"), nothing sent. The one rule (retry-refusal.ts) answers what will really happen, for the
// log's Retry, the API's retry and "Retry all failed"; following its advice sends both steps. A real
// receiver on 127.0.0.1, the embedded engine.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { apiKeyHeaders, apiRequest, routeParams } from "../../api/testing";
import { POST as retryRoute } from "@/app/api/v1/deliveries/[id]/retry/route";
import { retryAllFailed, retryDelivery, RetryRefusedError } from "./lifecycle";
import { setFrequencyCap } from "./frequency-cap-setting";
import { createUsers } from "../testing/fixtures";
import { startReceiver, waitFor } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";
import { EmbeddedEngine } from "../engine/embedded-engine";
import { setDeliveryQueue } from "../engine/queue";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
// the members are created once per database
let cookies: Awaited<ReturnType<typeof memberCookies>> | undefined;
const editorCookie = async () => (cookies ??= await memberCookies()).editor;
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { retryDeliveryAction, retryAllFailedAction } = await import("@/app/campaigns/[id]/deliveries/actions");

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
beforeAll(async () => {
  receiver = await startReceiver((req) => (req.path.startsWith("/contacts/") ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: `crm-${req.path.split("/").pop()}` }) } : { status: 200 }));
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
  await setFrequencyCap(null, { role: "admin" });
});
afterAll(async () => receiver.close());

const CAP_REASON = "Frequency cap: 1 per day reached";
const FOLLOWED = "Frequency cap: Webhook 1 (Create contact) was stopped for this user (1 per day reached)";
const REFUSAL = "Waits for Webhook 1 (Create contact), which the frequency cap stopped for this user (1 per day reached), so crmId was never saved: retry that one first.";

/** Step 1 saves crmId from its answer, step 2 sends it; the cap stopped step 1 for the user, and step 2 followed it. */
async function stoppedChain(prefix: string, step2: { state: string; reason: string } = { state: "suppressed", reason: FOLLOWED }) {
  const [user] = await createUsers(1, prefix);
  const campaign = await db().campaign.create({
    data: {
      name: `Chain ${prefix}`,
      status: "active",
      deliveryRule: { when: "immediate" },
      actions: {
        create: [
          { name: "Create contact", position: 0, urlTemplate: `${receiver.url}/contacts/{{user.id}}`, fields: [], headers: [], timeoutMs: 5000, responseMapping: [{ path: "$.id", attribute: "crmId" }] as Prisma.InputJsonValue },
          { name: "Follow up", position: 1, urlTemplate: `${receiver.url}/crm/{{user.crmId}}`, fields: [{ key: "crm_id", value: "{{user.crmId}}", type: "text" }], headers: [], timeoutMs: 5000 },
        ],
      },
    },
    include: { actions: { orderBy: { position: "asc" } } },
  });
  const at = new Date(Date.now() - 60_000);
  const row = (i: number, state: string, reason: string) =>
    db().delivery.create({ data: { webhookId: `msg_${prefix}_${i}`, campaignId: campaign.id, actionId: campaign.actions[i]!.id, userId: user!.id, triggerKey: "activation", plannedAt: at, dueAt: at, state, reason } });
  const first = await row(0, "suppressed", CAP_REASON);
  const second = await row(1, step2.state, step2.reason);
  return { campaign, userId: user!.id, first: first.id, second: second.id };
}

const startEngine = async () => {
  engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 5, hostConcurrency: 5, leaseMs: 30_000, idlePollMs: 50 });
  setDeliveryQueue(engine);
  await engine.start();
};
const rowOf = (id: string) => db().delivery.findUniqueOrThrow({ where: { id } });
const retriedAudits = (id: string) => db().auditLog.count({ where: { action: "delivery.retried", target: id } });

describe("Retry of a step waiting for an earlier step the frequency cap stopped", () => {
  it("the campaign now exempt: Retry of step 2 says to retry step 1 first (nothing changes); retried in that order, both are sent", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const chain = await stoppedChain("rws-exempt");
    await db().campaign.update({ where: { id: chain.campaign.id }, data: { capExempt: true } });
    await startEngine();

    await expect(retryDelivery(chain.second, "editor@example.com")).rejects.toThrow(RetryRefusedError);
    await expect(retryDelivery(chain.second, "editor@example.com")).rejects.toThrow(REFUSAL);
    expect(await rowOf(chain.second)).toMatchObject({ state: "suppressed", reason: FOLLOWED });
    expect(await retriedAudits(chain.second)).toBe(0);

    // the advice, followed: step 1 goes (the campaign is exempt), then step 2 carries its answer
    expect(await retryDelivery(chain.first, "editor@example.com")).toBe(true);
    await waitFor(async () => (await rowOf(chain.first)).state === "delivered", 20_000, 50);
    expect(await retryDelivery(chain.second, "editor@example.com")).toBe(true);
    await waitFor(async () => (await rowOf(chain.second)).state === "delivered", 20_000, 50);
    expect(receiver.received.filter((r) => r.path === `/crm/crm-${chain.userId}`)).toHaveLength(1);
  }, 60_000);

  it("the cap removed: the same answer, from the log's Retry and the API", async () => {
    requestHeaders = new Headers({ cookie: await editorCookie() });
    const chain = await stoppedChain("rws-nocap");
    const result = await retryDeliveryAction(chain.second);
    expect(result).toMatchObject({ ok: false, message: REFUSAL });
    const res = await retryRoute(apiRequest("POST", `/deliveries/${chain.second}/retry`, await apiKeyHeaders("editor")), routeParams(chain.second));
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toBe(REFUSAL);
    expect((await rowOf(chain.second)).state).toBe("suppressed");
  });

  it("a user who has the value from before: step 2 is retried (it is sent with that value)", async () => {
    const chain = await stoppedChain("rws-kept");
    const user = await db().user.findUniqueOrThrow({ where: { id: chain.userId } });
    await db().user.update({ where: { id: chain.userId }, data: { attributes: { ...(user.attributes as object), crmId: "old-1" } } });
    await startEngine();
    expect(await retryDelivery(chain.second, "editor@example.com")).toBe(true);
    await waitFor(async () => (await rowOf(chain.second)).state === "delivered", 20_000, 50);
    expect(receiver.received.filter((r) => r.path === "/crm/old-1")).toHaveLength(1);
  }, 60_000);

  it("Retry all failed leaves a failed step 2 whose step 1 the cap stopped, and says why; one whose step 1 failed too goes with it", async () => {
    requestHeaders = new Headers({ cookie: await editorCookie() });
    const legacy = "Not sent: Webhook 1 (Create contact) did not deliver (suppressed), so crmId was never saved; retried with it, this one waits for its answer";
    const chain = await stoppedChain("rws-all", { state: "failed", reason: legacy });
    const result = await retryAllFailedAction(chain.campaign.id);
    expect(result).toMatchObject({ ok: true, data: { onItsWay: 0 } });
    if (result.ok) expect(result.message).toBe(`No failed deliveries to retry: 1 left as it is. ${REFUSAL}`);
    expect(await rowOf(chain.second)).toMatchObject({ state: "failed", reason: legacy });

    // step 1 failed (not stopped): both are reopened, step 2 waits for step 1's answer
    await db().delivery.update({ where: { id: chain.first }, data: { state: "failed", reason: "HTTP 500" } });
    expect(await retryAllFailed(chain.campaign.id, "editor@example.com")).toEqual({ retried: 2, left: null });
  });
});
