// A test send made before the webhook's first save joins the saved webhook's history, and nobody
// else's rows can be taken that way.
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

const draftSend = (member: string) => runTestSend(sampleRequestSchema.parse({ action: { url }, campaign: { name: "New" }, userId: "u1" }), new Date(), { role: "editor", id: member });

it("gives a webhook saved for the first time its member's draft test sends, and no one else's", async () => {
  const mine = await draftSend("ann");
  const theirs = await draftSend("bob");
  const { id: campaignId } = await saveCampaign(campaignDraftSchema.parse({ name: "New", actions: [{ url }] }));
  const actionId = (await db().action.findFirstOrThrow({ where: { campaignId } })).id;
  expect(await listTestSends(actionId)).toEqual([]);

  expect(await attachDraftTestSends("ann", actionId, [mine.id, theirs.id])).toBe(1);
  expect((await listTestSends(actionId)).map((s) => s.id)).toEqual([mine.id]);
  expect(await db().testSend.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ actionId, campaignId });
  expect(await db().testSend.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ actionId: null, campaignId: null });

  // a row another webhook has stays where it is
  const other = await saveCampaign(campaignDraftSchema.parse({ name: "Other", actions: [{ url }] }));
  const otherAction = (await db().action.findFirstOrThrow({ where: { campaignId: other.id } })).id;
  expect(await attachDraftTestSends("ann", otherAction, [mine.id])).toBe(0);
  expect(await attachDraftTestSends("ann", "no-such-action", [mine.id])).toBe(0);
  expect((await listTestSends(actionId)).map((s) => s.id)).toEqual([mine.id]);
});
