// Delete webhook, pressed by an editor in one campaign naming another campaign's webhook (or one
// deleted since): refused in words that say so, and the other webhook stays. It answered ok before,
// though nothing was deleted.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { deleteActionAction } = await import("./actions");

beforeAll(async () => {
  requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
});

async function campaignWithTwo(name: string) {
  const { id } = await saveCampaign(campaignDraftSchema.parse({ name, actions: [{ url: "https://crm.example.com/a" }, { url: "https://crm.example.com/b" }] }));
  const actions = await db().action.findMany({ where: { campaignId: id }, orderBy: { position: "asc" } });
  return { id, actionIds: actions.map((a) => a.id) };
}

describe("deleteActionAction", () => {
  it("refuses another campaign's webhook, or one that is gone (not ok), and deletes nothing", async () => {
    const mine = await campaignWithTwo("Mine");
    const theirs = await campaignWithTwo("Theirs");
    const notHere = { ok: false, message: expect.stringMatching(/not in this campaign/) };
    expect(await deleteActionAction(mine.id, theirs.actionIds[0]!)).toMatchObject(notHere);
    expect(await deleteActionAction(mine.id, "no-such-webhook")).toMatchObject(notHere);
    expect(await db().action.count({ where: { campaignId: theirs.id } })).toBe(2);

    // the version the tab holds next: the delete moved it (1 -> 2)
    expect(await deleteActionAction(mine.id, mine.actionIds[1]!, 1)).toEqual({ ok: true, data: { version: 2 } });
    expect(await db().action.count({ where: { campaignId: mine.id } })).toBe(1);
    // deleted already (another tab): said, not answered "deleted" again
    expect(await deleteActionAction(mine.id, mine.actionIds[1]!)).toMatchObject(notHere);
  });
});
