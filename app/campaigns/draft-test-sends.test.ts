// The editor's two doors for a webhook's draft test sends, as an editor: Test send (POST
// /api/test-sends) stores the page's draft key with a send of a webhook not saved yet, and the first
// save's attach (attachDraftTestSendsAction) takes only that page's sends, not the member's sends of
// another tab. A draft key that no editor page makes is refused at both doors.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { startReceiver } from "@/lib/delivery/testing/receiver";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { attachDraftTestSendsAction } = await import("./actions");
const { POST: testSend } = await import("@/app/api/test-sends/route");

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let cookie = "";
beforeAll(async () => {
  receiver = await startReceiver();
  cookie = (await memberCookies()).editor;
  requestHeaders = new Headers({ cookie });
  await db().user.create({ data: { id: "u1", attributes: {} } });
});
afterAll(() => receiver.close());

const send = (draftKey: unknown) =>
  testSend(
    new Request("http://127.0.0.1/api/test-sends", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://127.0.0.1", cookie },
      body: JSON.stringify({ action: { url: `http://127.0.0.1:${receiver.port}/hook` }, campaign: { name: "New" }, userId: "u1", draftKey }),
    }),
  );

describe("draft test sends through the editor's doors", () => {
  it("the save's attach takes this page's sends only", async () => {
    const thisPage = "this-page-0123456789abcd";
    const otherTab = "other-tab-0123456789abcd";
    const mine = await (await send(thisPage)).json();
    const other = await (await send(otherTab)).json();
    expect(await db().testSend.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ draftKey: thisPage, actionId: null, campaignId: null });

    const { id: campaignId } = await saveCampaign(campaignDraftSchema.parse({ name: "New", actions: [{ url: `http://127.0.0.1:${receiver.port}/hook` }] }));
    const actionId = (await db().action.findFirstOrThrow({ where: { campaignId } })).id;
    expect(await attachDraftTestSendsAction(campaignId, actionId, thisPage, [mine.id, other.id])).toMatchObject({ ok: false, message: expect.stringMatching(/only your own test sends/i) });
    expect(await db().testSend.count({ where: { actionId } })).toBe(0);
    expect(await attachDraftTestSendsAction(campaignId, actionId, thisPage, [mine.id])).toEqual({ ok: true, data: 1 });
    expect(await db().testSend.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ actionId: null, draftKey: otherTab });
  });

  it("a draft key no editor page makes is refused (400 / not ok), nothing sent or stored", async () => {
    const before = await db().testSend.count();
    const res = await send("not a key");
    expect(res.status).toBe(400);
    expect(await attachDraftTestSendsAction("c1", "a1", "x", [])).toMatchObject({ ok: false });
    expect(await db().testSend.count()).toBe(before);
  });
});
