import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { deleteAction, getCampaignDraft, saveCampaign } from "./campaigns";
import { sampleRequestSchema, type SampleRequest } from "./preview-input";
import { previewAction } from "./preview";
import { campaignDraftSchema } from "./schemas";
import { CampaignNotFoundError } from "./campaigns";
import { listSampleUsers } from "./sample-context";
import { listTestSends, runTestSend, TEST_SEND_LIMIT, TEST_SEND_MEMBER_LIMIT, TEST_SENDS_KEPT, TestSendRateLimitedError } from "./test-sends";

type Received = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
let received: Received[] = [];
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url?.startsWith("/hang")) return; // never answers
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: { firstName: "Mary", city: "Paris" } } });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function sample(action: SampleRequest["action"], extra: Partial<SampleRequest> = {}) {
  return sampleRequestSchema.parse({ action, campaign: { name: "Test" }, userId: "u1", ...extra });
}

const basicOf = (r: Received) => Buffer.from(String(r.headers.authorization).replace(/^Basic /, ""), "base64").toString();

describe("test sends", () => {
  it("sends the action as typed to a real receiver and stores the masked request", async () => {
    received = [];
    const send = await runTestSend(
      sample({ url: `http://crm:hunter2@${base}/users/{{user.id}}`, fields: [{ key: "first_name", value: "{{userAttribute.firstName}}", type: "text" }] }),
    );
    expect(send.status).toBe(200);
    expect(send.outcome).toBe("delivered");
    expect(send.response?.body).toContain('"received":true');
    expect(received).toHaveLength(1);
    expect(received[0].url).toBe("/users/u1");
    expect(JSON.parse(received[0].body)).toEqual({ first_name: "Mary" });
    expect(basicOf(received[0])).toBe("crm:hunter2");
    // What is shown and stored never holds the password.
    expect(JSON.stringify(send)).not.toContain("hunter2");
    expect(send.curl).toContain("curl");
    expect(send.curl).not.toContain("hunter2");
  });

  it("uses the stored password for a saved action shown as ••••, but not once the host changed", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Saved", actions: [{ url: `http://crm:s3cret@${base}/saved` }] }));
    const action = (await getCampaignDraft(id, "admin"))!.actions![0];
    expect(action.url).toContain("••••");
    received = [];
    const send = await runTestSend(sample(action, { campaign: { id, name: "Saved" } }));
    expect(send.status).toBe(200);
    expect(basicOf(received[0])).toBe("crm:s3cret");
    expect((await listTestSends(action.id!)).map((s) => s.id)).toEqual([send.id]);

    received = [];
    const moved = await runTestSend(sample({ ...action, url: action.url.replace("127.0.0.1", "localhost") }, { campaign: { id, name: "Saved" } }));
    expect(received).toHaveLength(0);
    expect(moved.error).toMatch(/host changed/);
    const preview = await previewAction(sample({ ...action, url: action.url.replace("127.0.0.1", "localhost") }, { campaign: { id, name: "Saved" } }));
    expect(preview.warnings.map((w) => w.message).join()).toMatch(/host changed/);
  });

  it("renders for ad-hoc test user attributes", async () => {
    received = [];
    await runTestSend(sample({ url: `http://${base}/adhoc`, fields: [{ key: "n", value: "{{userAttribute.firstName}}", type: "text" }] }, { attributes: { firstName: "Ada" } }));
    expect(JSON.parse(received[0].body)).toEqual({ n: "Ada" });
  });

  it("reports a receiver that hangs as a timeout after the action's timeout", async () => {
    const started = Date.now();
    const send = await runTestSend(sample({ url: `http://${base}/hang`, timeoutSeconds: 1 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(send.status).toBeNull();
    expect(send.error).toMatch(/timed out/i);
  });

  it("says whether the request left, stored with it: not for a refused port or a failed DNS lookup, yes for a send that reached the receiver", async () => {
    const port22 = await runTestSend(sample({ url: "http://127.0.0.1:22/x" }));
    expect(port22.error).toMatch(/port 22 is not allowed/);
    expect(port22).toMatchObject({ sent: false, request: { url: "http://127.0.0.1:22/x" } });
    const dns = await runTestSend(sample({ url: "http://nowhere.invalid:8080/x", timeoutSeconds: 3 }));
    expect(dns).toMatchObject({ sent: false, status: null });
    const delivered = await runTestSend(sample({ url: `http://${base}/left` }));
    expect(delivered).toMatchObject({ sent: true, status: 200 });
    // as the webhook's history reads it back
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Port 22", actions: [{ url: "http://127.0.0.1:22/x" }] }));
    const action = (await getCampaignDraft(id, "admin"))!.actions![0];
    const kept = await runTestSend(sample(action, { campaign: { id, name: "Port 22" } }));
    expect((await listTestSends(action.id!)).map((s) => [s.id, s.sent])).toEqual([[kept.id, false]]);
  });

  it("reports a broken template in plain words and sends nothing", async () => {
    received = [];
    const send = await runTestSend(sample({ url: `http://${base}/x`, fields: [{ key: "a", value: "{{#if user.plan}}", type: "text" }] }));
    expect(received).toHaveLength(0);
    expect(send.error).toMatch(/Field "a" value \(line 1, column \d+\)/);
  });

  it("allows 10 test sends a minute per action, and keeps the last 50", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Busy", actions: [{ url: `http://${base}/busy` }] }));
    const action = (await getCampaignDraft(id, "admin"))!.actions![0];
    const t0 = Date.parse("2030-01-01T00:00:00Z");
    const busy = (a: SampleRequest["action"]) => sample(a, { campaign: { id, name: "Busy" } });
    for (let i = 0; i < 10; i++) await runTestSend(busy(action), new Date(t0 + i * 1000));
    const refused = await runTestSend(busy(action), new Date(t0 + 30_000)).catch((e) => e);
    expect(refused).toBeInstanceOf(TestSendRateLimitedError);
    expect(refused.message).toMatch(/10 a minute/);
    expect(refused.retryAfterSeconds).toBe(30);
    // Another action has its own budget.
    const other = await runTestSend(busy({ url: `http://${base}/other` }), new Date(t0 + 30_000));
    expect(other.status).toBe(200);

    for (let i = 0; i < TEST_SENDS_KEPT; i++) await runTestSend(busy(action), new Date(t0 + 61_000 + i * 7_000));
    const kept = await listTestSends(action.id!);
    expect(kept).toHaveLength(TEST_SENDS_KEPT);
    expect(kept[0].createdAt > kept[1].createdAt).toBe(true);
    expect(await db().testSend.count({ where: { actionId: action.id } })).toBe(TEST_SENDS_KEPT);
  });

  it("refuses a campaign id that names no campaign: each made-up id would be a fresh budget", async () => {
    received = [];
    const before = await db().testSend.count();
    for (const id of ["made-up-1", "made-up-2"]) {
      await expect(runTestSend(sample({ url: `http://${base}/made-up` }, { campaign: { id, name: "Made up" } }))).rejects.toBeInstanceOf(CampaignNotFoundError);
    }
    expect(received).toHaveLength(0);
    expect(await db().testSend.count()).toBe(before);
  });

  it("limits each member to 30 test sends a minute across every webhook, and each member's unsaved drafts on their own", async () => {
    const ann = { role: "editor" as const, id: "member-ann" };
    const bob = { role: "editor" as const, id: "member-bob" };
    const t0 = Date.parse("2031-01-01T00:00:00Z");
    const at = (i: number) => new Date(t0 + i * 100);
    const drafts = await Promise.all(
      [1, 2, 3, 4].map(async (n) => (await saveCampaign(campaignDraftSchema.parse({ name: `Flood ${n}`, actions: [{ url: `http://${base}/flood` }] }))).id),
    );
    const draft = (id: string) => sample({ url: `http://${base}/flood` }, { campaign: { id, name: "Flood" } });
    let i = 0;
    // three campaigns' worth of the per-webhook limit reach the member's limit
    for (const id of drafts.slice(0, 3)) for (let n = 0; n < TEST_SEND_LIMIT.count; n++) await runTestSend(draft(id), at(i++), ann);
    expect(i).toBe(TEST_SEND_MEMBER_LIMIT.count);
    const refused = await runTestSend(draft(drafts[3]), at(i), ann).catch((e) => e);
    expect(refused).toBeInstanceOf(TestSendRateLimitedError);
    expect(refused.message).toBe(`Test sends are limited to ${TEST_SEND_MEMBER_LIMIT.count} a minute per person, across all webhooks. Try again in 57 s.`);
    expect(await runTestSend(sample({ url: `http://${base}/flood` }), at(i), ann).catch((e) => e)).toBeInstanceOf(TestSendRateLimitedError);
    // another member is not held up by Ann, neither on a campaign nor on a draft not saved yet
    expect((await runTestSend(draft(drafts[3]), at(i), bob)).status).toBe(200);
    for (let n = 0; n < TEST_SEND_LIMIT.count; n++) await runTestSend(sample({ url: `http://${base}/unsaved` }), at(i + n), bob);
    expect(await runTestSend(sample({ url: `http://${base}/unsaved` }), at(i + 10), bob).catch((e) => e)).toBeInstanceOf(TestSendRateLimitedError);
    // a minute after her first, Ann may send again
    expect((await runTestSend(draft(drafts[3]), new Date(t0 + 60_000), ann)).status).toBe(200);
    expect(await db().testSend.count({ where: { memberId: ann.id } })).toBe(TEST_SEND_MEMBER_LIMIT.count + 1);
  });

  it("deleting the webhooks a member tested does not give them a fresh budget (their rows stay, counted, until pruned)", async () => {
    const cat = { role: "editor" as const, id: "member-cat" };
    const t0 = Date.parse("2032-01-01T00:00:00Z");
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Delete and retry", actions: [1, 2, 3].map((n) => ({ url: `http://${base}/del${n}` })) }));
    const actions = (await getCampaignDraft(id, "admin"))!.actions;
    let i = 0;
    for (const action of actions) for (let n = 0; n < TEST_SEND_LIMIT.count; n++) await runTestSend(sample(action, { campaign: { id, name: "Delete and retry" } }), new Date(t0 + i++ * 100), cat);
    for (const action of actions) await deleteAction(id, action.id!, "editor@example.com");
    const again = await saveCampaign(campaignDraftSchema.parse({ id, name: "Delete and retry", actions: [{ url: `http://${base}/del4` }] }));
    const fresh = (await getCampaignDraft(again.id, "admin"))!.actions[0]!;
    expect(await runTestSend(sample(fresh, { campaign: { id, name: "Delete and retry" } }), new Date(t0 + i * 100), cat).catch((e) => e)).toBeInstanceOf(TestSendRateLimitedError);
    // a day later, what a deleted webhook left behind is pruned by the member's next send
    await runTestSend(sample(fresh, { campaign: { id, name: "Delete and retry" } }), new Date(t0 + 86_400_000 + 60_000), cat);
    expect(await db().testSend.count({ where: { memberId: cat.id, actionId: null } })).toBe(0);
  });
});

describe("the webhook's Recent test sends", () => {
  it("keeps the test sends of variants B and C (and of a variant not saved yet) beside A's, each labelled with its variant", async () => {
    const ab = campaignDraftSchema.parse({
      name: "AB history",
      actions: [{ url: `http://${base}/a`, splitPercent: 40, variants: [{ name: "Bee", url: `http://${base}/b`, splitPercent: 30 }, { name: "Sea", url: `http://${base}/c`, splitPercent: 30 }] }],
    });
    const { id } = await saveCampaign(ab);
    const step = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const campaign = { id, name: "AB history" };
    const start = Date.now();
    const at = (s: number) => new Date(start + s * 1000);
    const member = { role: "editor" as const, id: "history-member" };
    const a = await runTestSend(sample(step, { campaign, variant: "A" }), at(1), member);
    const b = await runTestSend(sample(step, { campaign, variant: "B" }), at(2), member);
    const c = await runTestSend(sample(step, { campaign, variant: "C" }), at(3), member);
    // a variant added in the editor and not saved yet: its send is the webhook's too
    const added = { ...step, variants: [...step.variants, { name: "Dee", url: `http://${base}/d`, splitPercent: 0, fields: [], headers: [] }] };
    const d = await runTestSend(sample(added, { campaign, variant: "D" }), at(4), member);
    for (const send of [a, b, c, d]) expect(send.outcome).toBe("delivered");
    const listed = await listTestSends(step.id!);
    expect(listed.map((s) => s.id)).toEqual([d.id, c.id, b.id, a.id]);
    expect([a, b, c, d].map((s) => s.variant)).toEqual(["A", "B", "C", "D"]);
    expect(listed.map((s) => [s.id, s.variant])).toEqual([[d.id, "D"], [c.id, "C"], [b.id, "B"], [a.id, "A"]]);
    expect(listed.map((s) => s.request?.url)).toEqual([`http://${base}/d`, `http://${base}/c`, `http://${base}/b`, `http://${base}/a`]);
  });

  it("a send of a variant not saved yet, posted with another campaign's webhook, joins no history of that campaign: it is the member's draft's", async () => {
    const two = (name: string) =>
      campaignDraftSchema.parse({ name, actions: [{ url: `http://${base}/${name}`, splitPercent: 50, variants: [{ name: "Bee", url: `http://${base}/${name}-b`, splitPercent: 50 }] }] });
    const mine = await saveCampaign(two("mine"));
    const theirs = await saveCampaign(two("theirs"));
    const theirStep = (await getCampaignDraft(theirs.id, "admin"))!.actions![0]!;
    const myStep = (await getCampaignDraft(mine.id, "admin"))!.actions![0]!;
    const member = { role: "editor" as const, id: "variant-ids-member" };
    // their step with a variant C added in the editor (no id), named from my campaign and from a new one
    const added = { ...theirStep, variants: [...theirStep.variants, { name: "Sea", url: `http://${base}/c`, splitPercent: 0, fields: [], headers: [] }] };
    const fromMine = await runTestSend(sample(added, { campaign: { id: mine.id, name: "mine" }, variant: "C" }), new Date(), member);
    const fromNew = await runTestSend(sample(added, { campaign: { name: "New" }, variant: "C" }), new Date(), member);
    // my step, its variant B named by their variant's id
    const borrowed = { ...myStep, variants: [{ ...myStep.variants[0]!, id: theirStep.variants[0]!.id }] };
    const named = await runTestSend(sample(borrowed, { campaign: { id: mine.id, name: "mine" }, variant: "B" }), new Date(), member);
    expect(await listTestSends(theirStep.id!)).toEqual([]);
    const rows = await db().testSend.findMany({ where: { id: { in: [fromMine.id, fromNew.id, named.id] } }, select: { id: true, actionId: true, campaignId: true, memberId: true } });
    expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        { id: fromMine.id, actionId: null, campaignId: mine.id, memberId: member.id },
        { id: fromNew.id, actionId: null, campaignId: null, memberId: member.id },
        { id: named.id, actionId: myStep.id, campaignId: mine.id, memberId: member.id },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it("a send made before the webhook had variants is of no variant, not A's", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Variants later", actions: [{ url: `http://${base}/later` }] }));
    const plain = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const campaign = { id, name: "Variants later" };
    const member = { role: "editor" as const, id: "later-member" };
    const before = await runTestSend(sample(plain, { campaign }), new Date(Date.now() - 60_000), member);
    expect(before.variant).toBeNull();
    // a variant B is added and saved: from then on the webhook's own sends are A's
    await saveCampaign(campaignDraftSchema.parse({ id, name: "Variants later", actions: [{ ...plain, splitPercent: 50, variants: [{ name: "Bee", url: `http://${base}/later-b`, splitPercent: 50 }] }] }));
    const step = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const a = await runTestSend(sample(step, { campaign, variant: "A" }), new Date(Date.now() + 1000), member);
    const b = await runTestSend(sample(step, { campaign, variant: "B" }), new Date(Date.now() + 2000), member);
    expect((await listTestSends(step.id!)).map((s) => [s.id, s.variant])).toEqual([[b.id, "B"], [a.id, "A"], [before.id, null]]);
  });

  it("a webhook without variants labels no send", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Plain", actions: [{ url: `http://${base}/plain` }] }));
    const step = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const send = await runTestSend(sample(step, { campaign: { id, name: "Plain" } }), new Date(), { role: "editor", id: "plain-member" });
    expect(send.variant).toBeNull();
    expect((await listTestSends(step.id!)).map((s) => s.variant)).toEqual([null]);
  });

  it("names the user as the Preview as picker does (its label, with the id: two users may share a name and email)", async () => {
    const label = (await listSampleUsers()).find((u) => u.id === "u1")!.label;
    expect(label).toBe("Mary (u1) · mary@example.com");
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Who", actions: [{ url: `http://${base}/who` }] }));
    const step = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const member = { role: "editor" as const, id: "label-member" };
    const send = await runTestSend(sample(step, { campaign: { id, name: "Who" } }), new Date(), member);
    expect(send.userLabel).toBe(label);
    expect((await listTestSends(step.id!))[0]!.userLabel).toBe(label);
    // typed test user attributes are named the same way
    const typed = await runTestSend(sample(step, { campaign: { id, name: "Who" }, userId: null, attributes: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" } }), new Date(), member);
    expect(typed.userLabel).toBe("Ada Lovelace · ada@example.com");
  });
});

describe("preview", () => {
  it("renders the sample user's values and lists template errors with their place", async () => {
    const ok = await previewAction(sample({ url: `https://api.example.com/u/{{user.id}}`, fields: [{ key: "city", value: "{{userAttribute.city}}", type: "text" }] }));
    expect(ok.request?.url).toBe("https://api.example.com/u/u1");
    expect(ok.request?.body).toContain("Paris");
    const broken = await previewAction(sample({ url: `https://api.example.com/`, fields: [{ key: "a", value: "{{#if user.plan}}", type: "text" }] }));
    expect(broken.request).toBeNull();
    expect(broken.errors[0]).toMatchObject({ field: expect.stringMatching(/fields/) });
    expect(broken.errors[0].line).toBeGreaterThan(0);
  });
});

describe("a test send of a step reading what an earlier step saves from its response", () => {
  const member = { role: "editor" as const, id: "earlier-step-notes" };
  const earlierSteps = [{ responseMappings: [[{ path: "$.id", attribute: "crmId" }]] }];
  // base is known once the receiver listens
  const action = () => ({ url: `http://${base}/crm/{{user.crmId}}`, fields: [{ key: "city", value: "{{userAttribute.city}}", type: "text" as const }] });

  it("says beside the request that a test send does not wait for that answer, and which value it used (the preview's note names the same source)", async () => {
    received = [];
    const send = await runTestSend(sample(action(), { earlierSteps }), new Date(), member);
    expect(send.error).toBeNull();
    // sent as it is now: Mary has no crmId yet
    expect(received.map((r) => r.url)).toEqual(["/crm/"]);
    expect(send.notes).toEqual(["crmId is set from Webhook 1's response (`$.id`), which a test send does not wait for: this test used Mary's current value (empty)"]);
    const preview = await previewAction(sample(action(), { earlierSteps }));
    expect(preview.warnings.filter((w) => w.info).map((w) => w.message)).toEqual(["Set from Webhook 1's response (`$.id`): each user's request waits for that answer"]);

    // typed test user attributes that have a value: that it had one, never the value (a token may be sent masked beside it)
    const typed = await runTestSend(sample(action(), { earlierSteps, userId: null, attributes: { firstName: "Ada", crmId: "crm-7" } }), new Date(), member);
    expect(typed.notes).toEqual(['crmId is set from Webhook 1\'s response (`$.id`), which a test send does not wait for: this test used Ada\'s current value (saved before, not shown)']);
    expect(typed.notes.join(" ")).not.toContain("crm-7");
  });

  it("says nothing of an attribute no earlier step saves, nor for the first step", async () => {
    expect((await runTestSend(sample(action()), new Date(), member)).notes).toEqual([]);
    const other = [{ responseMappings: [[{ path: "$.id", attribute: "otherId" }]] }];
    expect((await runTestSend(sample(action(), { earlierSteps: other }), new Date(), member)).notes).toEqual([]);
  });
});
