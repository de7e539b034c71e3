// An id that names no campaign is said to name none ("This campaign no longer exists"), by the lib
// functions every door calls and by the Delivery section's actions: Pause answered "Only an active
// campaign can be paused." and Cancel all waiting "Nothing was waiting to be sent." (ok) for an id of
// nothing. A campaign that exists keeps its own answers. And the delivery log's internal route refuses
// what it does not take (?status=, ?cursor=: its names are state and after), as /api/v1's twin does.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { CampaignNotFoundError } from "@/lib/campaigns/campaigns";
import { cancelScheduled, pauseCampaign, resumeCampaign, retryAllFailed } from "@/lib/delivery/store/lifecycle";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { GET as deliveryLog } from "@/app/api/deliveries/route";
import { GET as deliveryExport } from "@/app/api/deliveries/export/route";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const deliveries = await import("./actions");

let editor = "";
let draft: Awaited<ReturnType<typeof createCampaign>>;
beforeAll(async () => {
  editor = (await memberCookies()).editor;
  requestHeaders = new Headers({ cookie: editor });
  draft = await createCampaign({ url: "http://127.0.0.1:9/d/{{user.id}}" });
});

const GONE = "This campaign no longer exists; it may have been deleted.";
const audits = () => db().auditLog.count();

describe("an id that names no campaign", () => {
  it("the lib functions throw CampaignNotFoundError and write nothing", async () => {
    const before = await audits();
    await expect(pauseCampaign("nope", "t@example.com")).rejects.toThrow(CampaignNotFoundError);
    await expect(cancelScheduled("nope", "t@example.com")).rejects.toThrow(CampaignNotFoundError);
    await expect(retryAllFailed("nope", "t@example.com")).rejects.toThrow(CampaignNotFoundError);
    await expect(resumeCampaign("nope", "t@example.com")).rejects.toThrow(CampaignNotFoundError);
    expect(await audits()).toBe(before);
  });

  it("the Delivery section's actions say so, not 'Only an active campaign' or 'Nothing was waiting'", async () => {
    for (const action of [deliveries.pauseAction, deliveries.cancelScheduledAction, deliveries.retryAllFailedAction, deliveries.resumeAction] as ((id: string) => Promise<unknown>)[]) {
      expect(await action("nope")).toEqual({ ok: false, message: GONE, fieldErrors: {} });
    }
  });

  it("a campaign that exists keeps its answers", async () => {
    expect(await deliveries.pauseAction(draft.id)).toMatchObject({ ok: false, message: "Only an active campaign can be paused." });
    expect(await deliveries.cancelScheduledAction(draft.id)).toMatchObject({ ok: true, message: "Nothing was waiting to be sent." });
    expect(await deliveries.retryAllFailedAction(draft.id)).toMatchObject({ ok: true, message: "No failed deliveries to retry." });
    expect(await deliveries.resumeAction(draft.id)).toMatchObject({ ok: false, message: "Only a paused campaign can be resumed." });
  });
});

describe("the delivery log's internal routes", () => {
  const get = async (handler: (req: Request) => Promise<Response>, path: string) => {
    const res = await handler(new Request(`http://127.0.0.1${path}`, { headers: { cookie: editor } }));
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  it("refuse a state that is none and names they do not take, with a 400 that names them", async () => {
    const bad = await get(deliveryLog, "/api/deliveries?status=zzz&cursor=zzz");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status|cursor/);
    const state = await get(deliveryLog, "/api/deliveries?state=zzz");
    expect(state.status).toBe(400);
    expect(state.body.error.message).toMatch(/^state: /);
    expect((await get(deliveryExport, "/api/deliveries/export?state=zzz")).status).toBe(400);
    expect((await get(deliveryExport, "/api/deliveries/export?status=failed")).status).toBe(400);
  });

  it("take what the log sends", async () => {
    expect((await get(deliveryLog, `/api/deliveries?campaignId=${draft.id}&state=failed&actionId=${draft.actions[0]!.id}&user=u1&page=1`)).status).toBe(200);
    expect((await get(deliveryLog, "/api/deliveries?page=2")).status).toBe(200);
  });
});
