// A hostile receiver against "Save response to user": values PostgreSQL's jsonb cannot hold ("\u0000",
// a lone "\ud800") must cost only that user's mapped value, never the flush's transaction (which holds
// every other delivery's result too). Run it on PostgreSQL to see the failure it guards against.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor } from "../testing/receiver";
import { createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;

beforeAll(async () => {
  receiver = await startReceiver((req) => {
    const userId = req.path.split("/").pop()!;
    const json = { "content-type": "application/json" };
    // written by hand: JSON.stringify would not put the escapes in the text
    if (userId === "hostile000000") return { status: 200, headers: json, body: '{"customer": {"id": "a\\u0000b"}}' };
    if (userId === "hostile000001") return { status: 200, headers: json, body: '{"customer": {"id": "half \\ud800"}}' };
    // a number JSON.parse reads as Infinity, which JSON.stringify writes as null: SQLite's json_patch
    // then deleted the user's attribute and PostgreSQL stored null, both past the refusal of null
    if (userId === "hostile000003") return { status: 200, headers: json, body: '{"customer": {"id": 1e999}}' };
    // a value far bigger than an id: 64,000 bytes as JSON
    if (userId.startsWith("bigval")) return { status: 200, headers: json, body: JSON.stringify({ customer: { id: `crm-${userId}`, blob: "x".repeat(63_998) } }) };
    return { status: 200, headers: json, body: JSON.stringify({ customer: { id: `crm-${userId}` } }) };
  });
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

describe("response mapping against a hostile receiver", () => {
  it("a value jsonb cannot store is not saved; every delivery of the flush is still recorded", async () => {
    await createUsers(6, "hostile");
    const campaign = await db().campaign.create({
      data: {
        name: "Hostile CRM",
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "hostile" }] },
        actions: {
          create: {
            position: 0,
            name: "Create contact",
            urlTemplate: `${receiver.url}/crm/{{user.id}}`,
            fields: [],
            headers: [],
            timeoutMs: 5000,
            responseMapping: [{ path: "$.customer.id", attribute: "crmId" }] as Prisma.InputJsonValue,
          },
        },
      },
    });
    await db().user.update({ where: { id: "hostile000003" }, data: { attributes: { crmId: "crm-kept" } } });
    engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    setDeliveryQueue(engine);
    await engine.start();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 6, 15_000, 100);

    const users = Object.fromEntries((await db().user.findMany({ where: { id: { startsWith: "hostile" } } })).map((u) => [u.id, u.attributes as Record<string, unknown>]));
    expect(users.hostile000000!.crmId).toBeUndefined();
    expect(users.hostile000001!.crmId).toBeUndefined();
    expect(users.hostile000002!.crmId).toBe("crm-hostile000002");
    expect(users.hostile000003!.crmId).toBe("crm-kept");
    const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { campaignId: campaign.id, userId: "hostile000000" } } });
    expect(attempt.outcome).toBe("delivered");
    expect(attempt.error).toContain("U+0000");
    const infinite = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { campaignId: campaign.id, userId: "hostile000003" } } });
    expect(infinite.outcome).toBe("delivered");
    expect(infinite.error).toBe("mapping: $.customer.id -> crmId: the number is too large to store (JSON reads it as infinite); not saved");
    expect((infinite.response as { savedToUser?: string[] }).savedToUser).toBeUndefined();
  }, 40_000);

  it("a value over 1,024 bytes is not saved and its attempt says how big it was; the others are saved", async () => {
    await createUsers(3, "bigval");
    const campaign = await db().campaign.create({
      data: {
        name: "Big values",
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "bigval" }] },
        actions: {
          create: {
            position: 0,
            name: "Create contact",
            urlTemplate: `${receiver.url}/crm/{{user.id}}`,
            fields: [],
            headers: [],
            timeoutMs: 5000,
            responseMapping: [{ path: "$.customer.id", attribute: "crmId" }, { path: "$.customer.blob", attribute: "blob" }] as Prisma.InputJsonValue,
          },
        },
      },
    });
    engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    setDeliveryQueue(engine);
    await engine.start();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 3, 15_000, 100);

    for (const user of await db().user.findMany({ where: { id: { startsWith: "bigval" } } })) {
      const attributes = user.attributes as Record<string, unknown>;
      expect(attributes.crmId).toBe(`crm-${user.id}`);
      expect(attributes.blob).toBeUndefined();
      const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { campaignId: campaign.id, userId: user.id } } });
      expect(attempt.outcome).toBe("delivered");
      expect(attempt.error).toBe("mapping: $.customer.blob -> blob: the value is 64,000 bytes; mapped values are at most 1,024; not saved");
      expect((attempt.response as { savedToUser?: string[] }).savedToUser).toEqual(["crmId"]);
    }
  }, 40_000);
});
