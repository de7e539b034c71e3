// The preview and Test send for a sample user {{required}} skips: "This user would be skipped: …", a
// valid outcome (no template error, no request), and a test send that sends nothing. Real receiver.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleRequestSchema, type SampleRequest } from "./preview-input";
import { previewAction } from "./preview";
import { db } from "../db";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { campaignDraftSchema } from "./schemas";
import { listTestSends, runTestSend } from "./test-sends";

let received: string[] = [];
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.url!);
    req.resume();
    req.on("end", () => res.writeHead(200).end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const action = (): SampleRequest["action"] => ({
  url: `${base}/crm/{{required user.crmId}}`,
  fields: [{ key: "plan", value: "{{user.plan}}", type: "text" }],
  headers: [{ name: "X-Crm", value: '{{required user.crmId "no CRM id yet"}}' }],
});
const sample = (attributes: Record<string, unknown>) => sampleRequestSchema.parse({ action: action(), campaign: { name: "Required" }, attributes });

describe("the preview of a webhook with {{required}}", () => {
  it("says the sample user would be skipped, with no request and no error", async () => {
    const shown = await previewAction(sample({ plan: "team" }));
    expect(shown.skipped).toBe("This user would be skipped: user.crmId is empty");
    expect(shown.request).toBeNull();
    expect(shown.errors).toEqual([]);
    // the value it skips for is said once, as the skip, not also as "not set for this user"
    // (no user has crmId yet, so the unknown-attribute warning stays: that one is about every user)
    expect(shown.warnings.filter((w) => w.message.includes("not set for this user"))).toEqual([]);
  });

  it("shows the request for a user who has the value", async () => {
    const shown = await previewAction(sample({ plan: "team", crmId: "c 1" }));
    expect(shown.skipped).toBeUndefined();
    expect(shown.errors).toEqual([]);
    expect(shown.request?.url).toBe(`${base}/crm/c%201`);
    expect(shown.request?.headers).toContainEqual(["X-Crm", "c 1"]);
  });

  it("says a broken template first, even for a user who would be skipped", async () => {
    const shown = await previewAction(sampleRequestSchema.parse({ action: { ...action(), fields: [{ key: "n", value: "{{#if user.plan}}", type: "text" }] }, campaign: { name: "Required" }, attributes: { plan: "team" } }));
    expect(shown.skipped).toBeUndefined();
    expect(shown.errors.map((e) => e.field)).toEqual(["fields[0].value"]);
  });

  it("refuses a test send for that user with the same sentence, sending nothing", async () => {
    received = [];
    const send = await runTestSend(sample({ plan: "team" }));
    expect(send.error).toBe("This user would be skipped: user.crmId is empty");
    expect(send.sent).toBe(false);
    expect(send.request).toBeNull();
    const sent = await runTestSend(sample({ plan: "team", crmId: "c 1" }));
    expect(sent.status).toBe(200);
    expect(received).toEqual(["/crm/c%201"]);
  });

  it("stores that send as skipped, not failed: no receiver or campaign fault (the sentence kept)", async () => {
    const send = await runTestSend(sample({ plan: "team" }));
    expect(send.outcome).toBe("skipped");
    expect(send.error).toBe("This user would be skipped: user.crmId is empty");
    const row = await db().testSend.findUniqueOrThrow({ where: { id: send.id } });
    expect(row.outcome).toBe("skipped");
  });

  it("lists it as skipped in the webhook's history, and a skip stored as failed before reads as skipped too", async () => {
    const saved = await saveCampaign(campaignDraftSchema.parse({ name: "Required history", actions: [action()] }));
    const draft = (await getCampaignDraft(saved.id, "admin"))!;
    const actionId = saved.actionIds[0]!;
    const send = await runTestSend(sampleRequestSchema.parse({ action: draft.actions[0], campaign: { id: saved.id, name: "Required history" }, attributes: { plan: "team" } }));
    // a row as stored before "skipped" was kept: failed, nothing sent, the sentence as its error
    const old = await db().testSend.create({
      data: { actionId, campaignId: saved.id, createdAt: new Date(Date.now() - 60_000), outcome: "failed", error: "This user would be skipped: user.crmId is empty", request: { sent: false } },
    });
    const listed = await listTestSends(actionId);
    expect(listed.map((s) => [s.id, s.outcome, s.error])).toEqual([
      [send.id, "skipped", "This user would be skipped: user.crmId is empty"],
      [old.id, "skipped", "This user would be skipped: user.crmId is empty"],
    ]);
  });
});
