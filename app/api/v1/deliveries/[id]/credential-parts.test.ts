// A credential in a webhook's URL query (?token=) or in a secret-named form field reaches the receiver as
// written, and never the delivery log: the attempt is stored masked (attempt-record.ts maskedRequest, the
// rule of lib/webhooks/credential-parts.ts), so GET /api/v1/deliveries/{id} and the log's detail show
// "token=••••" whoever reads them.
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { deliveryDetail } from "@/lib/delivery/store/log-queries";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { engineHarness } from "@/lib/delivery/testing/engine-harness";
import { waitFor } from "@/lib/delivery/testing/receiver";
import { newWebhookId } from "@/lib/delivery/core/ids";
import { GET } from "./route";

const harness = engineHarness();

it("the receiver gets the real token; the stored attempt shows token=•••• to the API and the log", async () => {
  await db().user.create({ data: { id: "cp-user", attributes: {} } });
  const campaign = await createCampaign({
    url: `${harness.receiver.url}/hook/{{user.id}}?page=2&token=abc123`,
    audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "cp-user" }] },
    fields: [
      { key: "name", value: "Ada", type: "text" },
      { key: "api_key", value: "formkey987", type: "text" },
    ],
  });
  await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { contentType: "application/x-www-form-urlencoded" } });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  await harness.startEngine();
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 1, 30_000, 50);

  expect(harness.receiver.received.map((r) => r.path)).toEqual(["/hook/cp-user?page=2&token=abc123"]);
  expect(harness.receiver.received[0]!.body).toContain("api_key=formkey987");

  const delivery = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
  const res = await GET(apiRequest("GET", `/deliveries/${delivery.id}`, await apiKeyHeaders("viewer")), routeParams(delivery.id));
  expect(res.status).toBe(200);
  const text = await res.text();
  const detail = await deliveryDetail(delivery.id);
  for (const shown of [text, JSON.stringify(detail)]) {
    expect(shown).not.toContain("abc123");
    expect(shown).not.toContain("formkey987");
  }
  const url = `${harness.receiver.url}/hook/cp-user?page=2&token=••••`;
  expect((JSON.parse(text) as { attempts: { request: { url: string } }[] }).attempts[0]!.request.url).toBe(url);
  expect(detail!.attempts[0]!.request).toMatchObject({ url, body: "name=Ada&api_key=••••" });
});

it("an attempt stored in clear before this rule is shown masked all the same", async () => {
  await db().user.create({ data: { id: "cp-old", attributes: {} } });
  const campaign = await createCampaign({ url: "https://hooks.slack.com/services/T000/B000/OLDSLACKSECRET" });
  const request = { method: "POST", url: "https://hooks.slack.com/services/T000/B000/OLDSLACKSECRET?token=oldtoken1", headers: [["Content-Type", "application/json; charset=utf-8"]], body: '{"text":"hi","api_key":"oldkey123"}', bodyTruncated: false };
  const delivery = await db().delivery.create({
    data: {
      webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "cp-old", triggerKey: "old", plannedAt: new Date(), dueAt: new Date(), state: "delivered", attempts: 1,
      attemptLog: { create: [{ number: 1, startedAt: new Date(), durationMs: 5, outcome: "delivered", status: 200, request }] },
    },
  });
  const res = await GET(apiRequest("GET", `/deliveries/${delivery.id}`, await apiKeyHeaders("viewer")), routeParams(delivery.id));
  const detail = await deliveryDetail(delivery.id);
  for (const shown of [await res.text(), JSON.stringify(detail)]) {
    for (const secret of ["OLDSLACKSECRET", "oldtoken1", "oldkey123"]) expect(shown).not.toContain(secret);
  }
  expect(detail!.attempts[0]!.request).toMatchObject({ url: "https://hooks.slack.com/services/••••?token=••••", body: '{"text":"hi","api_key":"••••"}' });
});
