// A test send made before the webhook's first save joins the saved webhook's history, and nobody
// else's rows can be taken that way, nor can a draft's rows be given to another campaign's webhook,
// nor the member's own rows of another editing session (another tab, another new-campaign draft):
// each editor page has its draft key, stored with its sends, and only that key takes them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "../db";
import { saveCampaign } from "./campaigns";
import { sampleRequestSchema } from "./preview-input";
import { campaignDraftSchema } from "./schemas";
import { attachDraftTestSends, listTestSends, runTestSend } from "./test-sends";

let server: Server;
let url = "";
beforeAll(async () => {
  server = createServer((req, res) => void req.resume().on("end", () => res.end("ok")));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  await db().user.create({ data: { id: "u1", attributes: {} } });
  await db().member.createMany({ data: ["ann", "bob"].map((id) => ({ id, email: `${id}@example.com`, name: id, role: "editor" })) });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// one editor page's draft key (the editor makes one per page)
const KEY = "page-key-0123456789abcdef";
const draftSend = (member: string, campaign: { id?: string; name: string } = { name: "New" }, draftKey: string | null = KEY) =>
  runTestSend(sampleRequestSchema.parse({ action: { url }, campaign, userId: "u1", draftKey: draftKey ?? undefined }), new Date(), { role: "editor", id: member });
const saveNew = async (name: string) => {
  const { id } = await saveCampaign(campaignDraftSchema.parse({ name, actions: [{ url }] }));
  return { id, action: (await db().action.findFirstOrThrow({ where: { campaignId: id } })).id };
};
const rowsOf = (ids: string[]) => db().testSend.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, actionId: true, campaignId: true } });

it("gives a webhook saved for the first time its member's draft test sends, and no one else's", async () => {
  const mine = await draftSend("ann");
  const theirs = await draftSend("bob");
  const { id: campaignId, action: actionId } = await saveNew("New");
  expect(await listTestSends(actionId)).toEqual([]);

  // another member's row among them: refused whole, nothing taken
  await expect(attachDraftTestSends("ann", campaignId, actionId, KEY, [mine.id, theirs.id])).rejects.toThrow(/only your own test sends/i);
  expect(await listTestSends(actionId)).toEqual([]);

  expect(await attachDraftTestSends("ann", campaignId, actionId, KEY, [mine.id])).toBe(1);
  expect((await listTestSends(actionId)).map((s) => s.id)).toEqual([mine.id]);
  expect(await db().testSend.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ actionId, campaignId });
  expect(await db().testSend.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ actionId: null, campaignId: null });

  // a row another webhook has stays where it is
  const other = await saveNew("Other");
  await expect(attachDraftTestSends("ann", other.id, other.action, KEY, [mine.id])).rejects.toThrow(/only your own test sends/i);
  await expect(attachDraftTestSends("ann", campaignId, "no-such-action", KEY, [mine.id])).rejects.toThrow(/not in this campaign/);
  expect((await listTestSends(actionId)).map((s) => s.id)).toEqual([mine.id]);
});

it("gives a draft's test sends only to a webhook of the campaign saved after them, named with its campaign", async () => {
  const older = await saveNew("Saved before the test send");
  const send = await draftSend("ann");
  const saved = await saveNew("Saved in the same flow");
  const before = await rowsOf([send.id]);

  // the webhook of another campaign (saved before the test send was made)
  await expect(attachDraftTestSends("ann", older.id, older.action, KEY, [send.id])).rejects.toThrow(/only your own test sends/i);
  // a webhook named with a campaign it is not in, either way round
  await expect(attachDraftTestSends("ann", saved.id, older.action, KEY, [send.id])).rejects.toThrow(/not in this campaign/);
  await expect(attachDraftTestSends("ann", older.id, saved.action, KEY, [send.id])).rejects.toThrow(/not in this campaign/);
  expect(await rowsOf([send.id])).toEqual(before);

  expect(await attachDraftTestSends("ann", saved.id, saved.action, KEY, [send.id])).toBe(1);
  expect(await rowsOf([send.id])).toEqual([{ id: send.id, actionId: saved.action, campaignId: saved.id }]);
});

it("gives the test sends of a new webhook of a saved campaign only to a webhook of that campaign added after them", async () => {
  const campaign = await saveNew("Saved");
  const other = await saveNew("Another");
  const send = await draftSend("ann", { id: campaign.id, name: "Saved" });
  expect(await rowsOf([send.id])).toEqual([{ id: send.id, actionId: null, campaignId: campaign.id }]);
  // its campaign's webhook that was there before the test send, and another campaign's
  await expect(attachDraftTestSends("ann", campaign.id, campaign.action, KEY, [send.id])).rejects.toThrow(/only your own test sends/i);
  await expect(attachDraftTestSends("ann", other.id, other.action, KEY, [send.id])).rejects.toThrow(/only your own test sends/i);
  expect(await rowsOf([send.id])).toEqual([{ id: send.id, actionId: null, campaignId: campaign.id }]);

  const { actionIds } = await saveCampaign(campaignDraftSchema.parse({ id: campaign.id, name: "Saved", actions: [{ id: campaign.action, url }, { url }] }));
  expect(await attachDraftTestSends("ann", campaign.id, actionIds[1]!, KEY, [send.id])).toBe(1);
  expect(await rowsOf([send.id])).toEqual([{ id: send.id, actionId: actionIds[1], campaignId: campaign.id }]);
});

it("gives a webhook only the draft test sends of the editor page that saved it, not the member's other tabs' or drafts'", async () => {
  const otherTab = "other-tab-key-0123456789";
  const here = await draftSend("ann");
  const there = await draftSend("ann", { name: "Another new campaign" }, otherTab);
  const keyless = await draftSend("ann", { name: "New" }, null);
  const saved = await saveNew("Saved from this page");
  const before = await rowsOf([here.id, there.id, keyless.id]);

  // the member's send of another page, or one made with no page's key: refused whole, nothing taken
  await expect(attachDraftTestSends("ann", saved.id, saved.action, KEY, [here.id, there.id])).rejects.toThrow(/only your own test sends/i);
  await expect(attachDraftTestSends("ann", saved.id, saved.action, KEY, [keyless.id])).rejects.toThrow(/only your own test sends/i);
  // the other page's key does not take this page's sends
  await expect(attachDraftTestSends("ann", saved.id, saved.action, otherTab, [here.id])).rejects.toThrow(/only your own test sends/i);
  expect(await rowsOf([here.id, there.id, keyless.id])).toEqual(before);

  expect(await attachDraftTestSends("ann", saved.id, saved.action, KEY, [here.id])).toBe(1);
  expect((await listTestSends(saved.action)).map((s) => s.id)).toEqual([here.id]);
  // taken once: the same key cannot move it again to another webhook
  const later = await saveNew("Saved later");
  await expect(attachDraftTestSends("ann", later.id, later.action, KEY, [here.id])).rejects.toThrow(/only your own test sends/i);
});

it("refuses a draft key that is not one an editor page makes", () => {
  for (const draftKey of ["", "short", "x".repeat(65), "with space 0123456789", "é".repeat(20)]) {
    expect(sampleRequestSchema.safeParse({ action: { url }, campaign: { name: "New" }, draftKey }).success, draftKey).toBe(false);
  }
  expect(sampleRequestSchema.safeParse({ action: { url }, campaign: { name: "New" }, draftKey: KEY }).success).toBe(true);
});
