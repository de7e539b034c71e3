// A delivery that cannot be built keeps why, and every reader of the log (a viewer too) reads it: the
// reason must not quote the rendered value when it may hold a secret. JSON.parse's own message quotes
// ten characters either side of the mistake (the whole text when short), so a JSON field
// {"api_key":"SK_…","n":{{user.n}} } for a user without n showed the key's tail; a number field named
// "password" showed its whole value. Found by an attacker's review; read here as a viewer would.
import { beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { engineHarness } from "@/lib/delivery/testing/engine-harness";
import { waitFor } from "@/lib/delivery/testing/receiver";
import { newWebhookId } from "@/lib/delivery/core/ids";
import { memberCookies } from "@/test/sessions";
import { GET as detail } from "./route";
import { GET as exportLog } from "../export/route";
import { GET as listTests, POST as testSend } from "../../test-sends/route";

const harness = engineHarness();
let cookies: Awaited<ReturnType<typeof memberCookies>>;
beforeAll(async () => {
  cookies = await memberCookies();
});
const SECRETS = ["abcdef123456", "PWNUMSECRET", "BOOLSECRET", "hunter2pw"];

async function failedDelivery(fields: { key: string; value: string; type: "text" | "number" | "boolean" | "json" }[], userId: string) {
  await db().user.create({ data: { id: userId, attributes: { suffix: 1 } } });
  const campaign = await createCampaign({ url: `${harness.receiver.url}/hook`, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: userId }] } });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  // as saved before activation judged its fields (or edited in a way it lets through)
  await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { fields } });
  await harness.startEngine();
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "failed" } })) === 1, 30_000, 50);
  return { campaign, delivery: await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } }) };
}

async function readAsViewer(deliveryId: string, campaignId: string, actionId: string): Promise<string[]> {
  const { viewer } = cookies;
  const one = await detail(new Request(`http://127.0.0.1/api/deliveries/${deliveryId}`, { headers: { cookie: viewer } }), { params: Promise.resolve({ id: deliveryId }) });
  const csv = await exportLog(new Request(`http://127.0.0.1/api/deliveries/export?campaignId=${campaignId}`, { headers: { cookie: viewer } }));
  const tests = await listTests(new Request(`http://127.0.0.1/api/test-sends?actionId=${actionId}`, { headers: { cookie: viewer } }));
  expect([one.status, csv.status, tests.status]).toEqual([200, 200, 200]);
  return [await one.text(), await csv.text(), await tests.text()];
}

async function testSendAsEditor(campaignId: string, actionId: string, userId: string, fields: unknown[]) {
  const { editor } = cookies;
  const action = { id: actionId, name: "Hook", url: `${harness.receiver.url}/hook`, fields, headers: [] };
  const res = await testSend(
    new Request("http://127.0.0.1/api/test-sends", {
      method: "POST",
      headers: { cookie: editor, origin: "http://127.0.0.1", "content-type": "application/json" },
      body: JSON.stringify({ action, campaign: { id: campaignId, name: "Test campaign" }, userId }),
    }),
  );
  expect(res.status).toBe(200);
  return res.text();
}

it("a JSON field that does not parse after rendering says where, not the text around it", async () => {
  const fields = [{ key: "payload", value: '{"api_key":"SK_abcdef123456","n":{{user.n}} }', type: "json" as const }];
  const { campaign, delivery } = await failedDelivery(fields, "rp-json");
  const actionId = campaign.actions[0]!.id;
  const sent = await testSendAsEditor(campaign.id, actionId, "rp-json", fields);
  const shown = [sent, ...(await readAsViewer(delivery.id, campaign.id, actionId))];
  for (const text of shown) for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(delivery.reason).toBe('Template error: Field "payload" value: The value is not valid JSON after rendering at character 35: unexpected `}`');
  expect(shown[0]).toContain("not valid JSON after rendering at character 35: unexpected `}`");
  expect(harness.receiver.received).toEqual([]);
});

it("a Number or Boolean field under a secret name says it is not one without quoting it; another name is quoted", async () => {
  const fields = [
    { key: "password", value: "PWNUMSECRET{{user.suffix}}", type: "number" as const },
    { key: "x-api-token", value: "BOOLSECRET{{user.suffix}}", type: "boolean" as const },
    { key: "amount", value: "{{user.suffix}} USD", type: "number" as const },
    { key: "callback", value: "https://bob:hunter2pw@example.com/{{user.suffix}}", type: "number" as const },
  ];
  const { campaign, delivery } = await failedDelivery(fields, "rp-num");
  const actionId = campaign.actions[0]!.id;
  const sent = await testSendAsEditor(campaign.id, actionId, "rp-num", fields);
  const shown = [sent, ...(await readAsViewer(delivery.id, campaign.id, actionId))];
  for (const text of shown) for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(delivery.reason).toContain('Field "password" value: The rendered value is not a number');
  expect(delivery.reason).toContain('Field "x-api-token" value: The rendered value is not true or false');
  expect(delivery.reason).toContain('Field "amount" value: "1 USD" is not a number');
  // a URL's password in a quoted value is masked as everywhere else it is shown
  expect(delivery.reason).toContain('Field "callback" value: "https://bob:••••@example.com/1" is not a number');
});

it("a reason stored before these messages shows a viewer no secret either (read-time)", async () => {
  await db().user.create({ data: { id: "rp-old", attributes: {} } });
  const campaign = await createCampaign({ url: `${harness.receiver.url}/hook` });
  const actionId = campaign.actions[0]!.id;
  const old = 'Template error: Field "payload" value: The value is not valid JSON: Unexpected token \'}\', ..."456","n": }" is not valid JSON; Field "password" value: "PWNUMSECRET1" is not a number; Field "amount" value: "1 USD" is not a number';
  const delivery = await db().delivery.create({
    data: {
      webhookId: newWebhookId(), campaignId: campaign.id, actionId, userId: "rp-old", triggerKey: "old", plannedAt: new Date(), dueAt: new Date(), state: "failed", reason: old, attempts: 1,
      attemptLog: { create: [{ number: 1, startedAt: new Date(), durationMs: 0, outcome: "failed", error: old, request: {} }] },
    },
  });
  await db().testSend.create({ data: { actionId, campaignId: campaign.id, outcome: "failed", error: `The request could not be built:\n${old.slice("Template error: ".length)}`, request: {} } });
  const shown = await readAsViewer(delivery.id, campaign.id, actionId);
  for (const text of shown) {
    expect(text).not.toContain('456","n"');
    expect(text).not.toContain("PWNUMSECRET");
    expect(text).toContain("The value is not valid JSON after rendering");
    expect(text).toContain("The rendered value is not a number");
    expect(text).toContain("1 USD");
  }
});
