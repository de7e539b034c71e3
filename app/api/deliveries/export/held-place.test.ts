// A heavy route's place in its member's queue is held while its answer streams: the export's handler
// returns the Response at once and reads the deliveries a page at a time as the client pulls, so a
// place given back when the handler returned bounded nothing: a viewer could keep any number of
// exports reading the Delivery table at once (each with a page of rows in memory) by opening them
// without reading. Now the 11th at once (2 running, 8 waiting) is a 429, and reading one to its end,
// or cancelling it, frees its place.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { GET } from "./route";

let viewer = "";
let editor = "";

beforeAll(async () => {
  ({ viewer, editor } = await memberCookies());
  await db().user.create({ data: { id: "u1", attributes: {} } });
  const campaign = await createCampaign({ url: "http://127.0.0.1:9/x", name: "Export" });
  const now = new Date("2026-02-01T12:00:00.000Z");
  await db().delivery.createMany({
    data: Array.from({ length: 30 }, (_, i) => ({ webhookId: `msg_held_${i}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId: "u1", triggerKey: `t:${i}`, plannedAt: now, dueAt: now, state: "delivered" })),
  });
});

const get = (cookie: string) => GET(new Request("http://127.0.0.1/api/deliveries/export", { headers: { cookie } }));

describe("an export holds its member's place while it streams", () => {
  it("refuses a viewer's 11th unread export at once, lets another member in, and frees a place when one is read or cancelled", async () => {
    const open = await Promise.all(Array.from({ length: 2 }, () => get(viewer)));
    for (const res of open) expect(res.status).toBe(200);
    // the next 8 wait for a place: their answers come once one is given back
    const waiting = Array.from({ length: 8 }, () => get(viewer));
    await new Promise((r) => setTimeout(r, 50));
    const refused = await get(viewer);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    // another member has places of their own
    const other = await get(editor);
    expect(other.status).toBe(200);
    await other.body!.cancel();

    // reading one to its end gives its place to the first waiting
    const csv = await open[0]!.text();
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(31);
    const first = await waiting[0]!;
    expect(first.status).toBe(200);
    // cancelling one (the browser gave up the download) gives its place back too
    await open[1]!.body!.cancel();
    const second = await waiting[1]!;
    expect(second.status).toBe(200);

    // once every export is read, the member's queue is empty again
    for (const res of [first, second]) await res.text();
    for (const next of waiting.slice(2)) await (await next).text();
    const again = Array.from({ length: 10 }, () => get(viewer));
    for (const next of again) {
      const res = await next;
      expect(res.status).toBe(200);
      await res.text();
    }
  });
});
