// The bodies the raw limit is measured with: the typical action rendered for bench users, through
// the app's renderer (a hand-built equivalent only if the typical action stops rendering).
import { randomUUID } from "node:crypto";
import { renderWebhookRequest } from "../lib/webhooks/render-request";
import type { BuiltRequest, TemplateContext, WebhookTemplate } from "../lib/webhooks/types";
import { contextFor, typicalTemplate } from "./workload";

/** the app's renderer, the one the preview, test sends and delivery use */
export const appRender = (t: WebhookTemplate, c: TemplateContext, webhookId: string) =>
  renderWebhookRequest(t, c, { webhookId, timestamp: c.now });

function byHand(port: number, i: number): BuiltRequest {
  const c = contextFor(i);
  const a = c.user.attributes as Record<string, unknown>;
  const body = JSON.stringify({
    user_id: c.user.id,
    email: c.user.email,
    first_name: a.firstName,
    last_name: a.lastName,
    city: a.city,
    plan: a.plan,
    age: a.age,
    vip: a.vip,
    greeting: `Hello ${a.firstName}, welcome to ${c.campaign!.name}!`,
    source: "hookline-bench",
  });
  const id = `msg_${randomUUID()}`;
  return {
    method: "POST",
    url: `http://127.0.0.1:${port}/ok/${c.campaign!.id}/${c.user.id}?src=hookline-bench`,
    headers: [
      ["content-type", "application/json; charset=utf-8"],
      ["user-agent", "Hookline/0.1.0"],
      ["webhook-id", id],
      ["webhook-timestamp", String(Math.floor(Date.now() / 1000))],
      ["x-campaign", c.campaign!.name],
      ["x-source", "hookline-bench"],
    ],
    body,
  };
}

export async function sampleRequests(port: number, n: number): Promise<{ requests: BuiltRequest[]; source: string }> {
  const template = typicalTemplate(port);
  const requests: BuiltRequest[] = [];
  let source = "renderWebhookRequest";
  for (let i = 0; i < n; i++) {
    const r = appRender(template, contextFor(i), `msg_${randomUUID()}`);
    if (r.ok) requests.push(r.request);
    else {
      source = "hand-built equivalent";
      requests.push(byHand(port, i));
    }
  }
  return { requests, source };
}
