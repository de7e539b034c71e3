// A hook whose path is its key (Slack, Mattermost, Rocket.Chat, ...) written in a form that works but
// reads otherwise as typed: a trailing dot on the host, a backslash for a slash, a dot segment, a host
// in capitals, a tab (URL parsers drop it). An attacker's review found each shown in clear to a viewer
// (GET /api/v1/campaigns/{id}) and kept by "save as template" (POST /api/v1/templates); so were
// "?a=1;token=…" and a tab inside a query name. Tried here as a viewer's key would.
import { expect, it } from "vitest";
import { apiRequestsAs, routeParams } from "@/lib/api/testing";
import { POST as createCampaign } from "./route";
import { GET as getCampaign } from "./[id]/route";
import { POST as createTemplate } from "../templates/route";

const KEYS = ["SLACKDOT1", "SLACKBACK2", "SLACKSEG3", "SLACKCAPS4", "SLACKTAB5", "mmkey0abcdefghijklmnopqrst", "RCTOKEN0123456789abcdefghijklmnopqrstuvwx", "SEMITOKEN6", "TABNAME7", "VALUETAB8"];
const URLS = [
  "https://hooks.slack.com./services/T0/B0/SLACKDOT1",
  "https://hooks.slack.com\\services/T0/B0/SLACKBACK2",
  "https://hooks.slack.com/./services/T0/B0/SLACKSEG3",
  "https://HOOKS.Slack.COM/services/T0/B0/SLACKCAPS4",
  "https://hooks.slack.com/serv\tices/T0/B0/SLACKTAB5",
  "https://chat.example.com/hooks/mmkey0abcdefghijklmnopqrst",
  "https://rocket.example.com/hooks/AbCdEfGhJkLmNpQrS/RCTOKEN0123456789abcdefghijklmnopqrstuvwx",
  "https://crm.example.com/in?a=1;token=SEMITOKEN6",
  "https://crm.example.com/in?a=1&to\tken=TABNAME7",
];

const as = apiRequestsAs("admin", "viewer");

const hook = (url: string) => ({
  url,
  fields: [{ key: "link", value: "see https://hooks.slack.com/services/T0/B0/VALUE\tTAB8 now" }],
  headers: [{ name: "X-Forward", value: "https://hooks.slack.com./services/T0/B0/VALUETAB8" }],
});

it("a viewer reads none of these hooks' keys; the parts around them are kept", async () => {
  const created = await createCampaign(as.admin("POST", "/campaigns", { name: "Unusual hooks", actions: URLS.map((url, i) => ({ name: `Hook ${i}`, ...hook(url) })) }));
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const res = await getCampaign(as.viewer("GET", `/campaigns/${id}`), routeParams(id));
  expect(res.status).toBe(200);
  const text = await res.text();
  for (const key of [...KEYS, "VALUE\\tTAB8"]) expect(text).not.toContain(key);
  const urls = ((JSON.parse(text) as { actions: { url: string }[] }).actions).map((a) => a.url);
  expect(urls).toEqual([
    "https://hooks.slack.com/services/••••",
    "https://hooks.slack.com/services/••••",
    "https://hooks.slack.com/services/••••",
    "https://HOOKS.Slack.COM/services/••••",
    "https://hooks.slack.com/services/••••",
    "https://chat.example.com/hooks/••••",
    "https://rocket.example.com/hooks/AbCdEfGhJkLmNpQrS/••••",
    "https://crm.example.com/in?a=1;token=••••",
    "https://crm.example.com/in?a=1&to\tken=••••",
  ]);
});

it("save as template keeps none of them: a placeholder where the key was", async () => {
  for (const [i, url] of URLS.entries()) {
    const res = await createTemplate(as.admin("POST", "/templates", { name: `Unusual ${i}`, webhook: hook(url) }));
    expect(res.status, url).toBe(201);
    const text = await res.text();
    for (const key of [...KEYS, "VALUE\\tTAB8"]) expect(text, url).not.toContain(key);
  }
  const mm = await (await createTemplate(as.admin("POST", "/templates", { name: "Mattermost", webhook: hook(URLS[5]!) }))).json();
  expect(mm.webhook.url).toBe("https://chat.example.com/hooks/{{mattermost_webhook_key}}");
  const dot = await (await createTemplate(as.admin("POST", "/templates", { name: "Slack dot", webhook: hook(URLS[0]!) }))).json();
  expect(dot.webhook.url).toBe("https://hooks.slack.com/services/{{slack_webhook_path}}");
});
