// Retry on a delivery whose host is on hold (its breaker open after many failures): the log said
// "Retrying now." while the engine held the row again until the hold's next try. The answer says the hold.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { breakerPauseReason } from "../core/hold-reason";
import { createCampaign, createUsers } from "../testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { hostHoldOf } from "./host-hold";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { retryDeliveryAction } = await import("@/app/campaigns/[id]/deliveries/actions");

/** Two users' rows to `host`: one failed, one held by the host's breaker until `heldUntil`. */
async function rowsTo(prefix: string, host: string, heldUntil: Date) {
  const users = await createUsers(2, prefix);
  const campaign = await createCampaign({ url: `http://${host}/hook`, status: "active" });
  const base = { campaignId: campaign.id, actionId: campaign.actions[0]!.id, triggerKey: "activation", plannedAt: new Date(), host };
  const failed = await db().delivery.create({ data: { ...base, webhookId: `msg_${prefix}_f`, userId: users[0]!.id, dueAt: new Date(), state: "failed", reason: "HTTP 500" } });
  await db().delivery.create({ data: { ...base, webhookId: `msg_${prefix}_h`, userId: users[1]!.id, dueAt: heldUntil, state: "retrying", reason: breakerPauseReason(host, heldUntil) } });
  return failed.id;
}

describe("Retry on a delivery whose host is on hold", () => {
  beforeAll(async () => {
    requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
  });

  it("says it goes once the hold ends, with the hold's next try, instead of \"Retrying now.\"", async () => {
    const until = new Date(Date.now() + 17_000);
    const id = await rowsTo("rhh-on", "127.0.0.1:4414", until);
    expect(await hostHoldOf(id)).toEqual({ host: "127.0.0.1:4414", until });
    const result = await retryDeliveryAction(id);
    expect(result).toMatchObject({ ok: true, data: { onItsWay: 1, hostHold: { host: "127.0.0.1:4414", until } } });
    expect(result.message).toBe(`Retrying once the hold on 127.0.0.1:4414 ends: next try after ${until.toISOString().slice(11, 19)} UTC.`);
    expect((await db().delivery.findUniqueOrThrow({ where: { id } })).state).toBe("scheduled");
  });

  it("says \"Retrying now.\" once the hold's next try has passed, and for another host", async () => {
    const past = await rowsTo("rhh-past", "127.0.0.1:4415", new Date(Date.now() - 1_000));
    expect(await retryDeliveryAction(past)).toMatchObject({ ok: true, message: "Retrying now." });
    await rowsTo("rhh-other", "127.0.0.1:4416", new Date(Date.now() + 30_000));
    const other = await rowsTo("rhh-free", "127.0.0.1:4417", new Date(Date.now() - 1_000));
    expect(await retryDeliveryAction(other)).toMatchObject({ ok: true, message: "Retrying now." });
  });
});
