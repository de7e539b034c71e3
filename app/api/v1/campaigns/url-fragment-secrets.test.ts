// A token in a URL's fragment (OAuth's implicit flow: #access_token=…&token_type=bearer) or in a path
// parameter (;jsessionid=…) is a credential as ?access_token= is (an attacker's review): a viewer's key
// reads the campaign, the delivery log and a saved template with it masked or emptied, as the query's.
// A fragment that is not key=value pairs (#section-2) and harmless names are shown as typed.
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiRequestsAs, routeParams } from "@/lib/api/testing";
import { newWebhookId } from "@/lib/delivery/core/ids";
import { POST as createCampaign } from "./route";
import { GET as getCampaign } from "./[id]/route";
import { GET as getDelivery } from "../deliveries/[id]/route";
import { POST as saveTemplate } from "../templates/route";
import { GET as getTemplate } from "../templates/[id]/route";

const as = apiRequestsAs("admin", "editor", "viewer");

const webhook = {
  url: "https://api.example.com/hook;jsessionid=URLJSESS1?page=2#access_token=URLFRAG1&state=s1",
  fields: [
    { key: "cbq", value: "https://example.com/cb?access_token=QTOKVAL" },
    { key: "cbf", value: "https://example.com/cb#access_token=FTOKVAL&token_type=bearer" },
    { key: "cbp", value: "https://example.com/cb;JSESSIONID=PSESSVAL/next;v=2" },
    { key: "docs", value: "https://example.com/docs#section-2" },
  ],
};
const SECRETS = ["URLJSESS1", "URLFRAG1", "QTOKVAL", "FTOKVAL", "PSESSVAL"];

it("a viewer reads the campaign and its delivery log with fragment and path-parameter tokens masked", async () => {
  const created = await createCampaign(as.admin("POST", "/campaigns", { name: "Implicit flow", actions: [{ name: "CRM", ...webhook }] }));
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const res = await getCampaign(as.viewer("GET", `/campaigns/${id}`), routeParams(id));
  expect(res.status).toBe(200);
  const text = await res.text();
  for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  const action = (JSON.parse(text) as { actions: { url: string; fields: { key: string; value: string }[] }[] }).actions[0]!;
  expect(action.url).toBe("https://api.example.com/hook;jsessionid=••••?page=2#access_token=••••&state=s1");
  expect(Object.fromEntries(action.fields.map((f) => [f.key, f.value]))).toEqual({
    cbq: "https://example.com/cb?access_token=••••",
    cbf: "https://example.com/cb#access_token=••••&token_type=bearer",
    cbp: "https://example.com/cb;JSESSIONID=••••/next;v=2",
    docs: "https://example.com/docs#section-2",
  });

  // an attempt as sent (its body holds the fields' URLs as written): the log reads it masked
  const campaign = await db().campaign.findUniqueOrThrow({ where: { id }, include: { actions: true } });
  await db().user.create({ data: { id: "frag-user", attributes: {} } });
  const body = JSON.stringify(Object.fromEntries(webhook.fields.map((f) => [f.key, f.value])));
  const request = { method: "POST", url: "https://api.example.com/hook;jsessionid=URLJSESS1?page=2", headers: [["Content-Type", "application/json; charset=utf-8"]], body, bodyTruncated: false };
  const delivery = await db().delivery.create({
    data: {
      webhookId: newWebhookId(), campaignId: id, actionId: campaign.actions[0]!.id, userId: "frag-user", triggerKey: "frag", plannedAt: new Date(), dueAt: new Date(), state: "delivered", attempts: 1,
      attemptLog: { create: [{ number: 1, startedAt: new Date(), durationMs: 5, outcome: "delivered", status: 200, request }] },
    },
  });
  const log = await getDelivery(as.viewer("GET", `/deliveries/${delivery.id}`), routeParams(delivery.id));
  expect(log.status).toBe(200);
  const logText = await log.text();
  for (const secret of SECRETS) expect(logText, secret).not.toContain(secret);
  const shown = (JSON.parse(logText) as { attempts: { request: { url: string; body: string } }[] }).attempts[0]!.request;
  expect(shown.url).toBe("https://api.example.com/hook;jsessionid=••••?page=2");
  expect(JSON.parse(shown.body)).toMatchObject({ cbf: "https://example.com/cb#access_token=••••&token_type=bearer", docs: "https://example.com/docs#section-2" });
});

it("a template saved by an editor keeps no fragment or path-parameter token, and a viewer reads it so", async () => {
  const saved = await saveTemplate(
    as.editor("POST", "/templates", {
      name: "Implicit flow",
      webhook: { url: "https://api.example.com/hook;jsessionid=TPLJSESSRRR?page=2#access_token=TPLFRAGJJJ&state=s1", fields: webhook.fields },
    }),
  );
  expect(saved.status).toBe(201);
  const template = (await saved.json()) as { id: string; cleared: string[] };
  expect(template.cleared).toEqual(expect.arrayContaining(['the URL parameter "jsessionid"', 'the URL parameter "access_token"', 'a credential in a URL in the data field "cbf"', 'a credential in a URL in the data field "cbp"']));
  const res = await getTemplate(as.viewer("GET", `/templates/${template.id}`), routeParams(template.id));
  expect(res.status).toBe(200);
  const text = await res.text();
  for (const secret of ["TPLJSESSRRR", "TPLFRAGJJJ", ...SECRETS]) expect(text, secret).not.toContain(secret);
  const got = (JSON.parse(text) as { webhook: { url: string; fields: { key: string; value: string }[] } }).webhook;
  expect(got.url).toBe("https://api.example.com/hook;jsessionid=?page=2#access_token=&state=s1");
  expect(Object.fromEntries(got.fields.map((f) => [f.key, f.value]))).toEqual({
    cbq: "https://example.com/cb?access_token=",
    cbf: "https://example.com/cb#access_token=&token_type=bearer",
    cbp: "https://example.com/cb;JSESSIONID=/next;v=2",
    docs: "https://example.com/docs#section-2",
  });
  const stored = JSON.stringify(await db().destinationTemplate.findMany()) + JSON.stringify(await db().auditLog.findMany({ where: { target: template.id } }));
  for (const secret of ["TPLJSESSRRR", "TPLFRAGJJJ", "FTOKVAL", "PSESSVAL"]) expect(stored, secret).not.toContain(secret);
});
