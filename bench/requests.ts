// The bodies the raw limit is measured with: the typical action rendered for bench users, through
// the app's renderer when it is there, else an equivalent JSON body built by hand.
import { randomUUID } from "node:crypto";
import type { BuiltRequest, TemplateContext, WebhookTemplate } from "../lib/webhooks/types";
import { contextFor, typicalTemplate } from "./workload";

type RenderFn = (t: WebhookTemplate, c: TemplateContext, o?: unknown) => { ok: boolean; request?: BuiltRequest } | Promise<{ ok: boolean; request?: BuiltRequest }>;

/** the app's renderer, or null when lib/webhooks/render-request.ts has not landed */
export async function appRenderer(): Promise<RenderFn | null> {
  const modulePath = "../lib/webhooks/render-request";
  try {
    const mod = (await import(modulePath)) as { renderWebhookRequest?: RenderFn };
    return mod.renderWebhookRequest ?? null;
  } catch {
    return null;
  }
}

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
  const render = await appRenderer();
  const template = typicalTemplate(port);
  const requests: BuiltRequest[] = [];
  for (let i = 0; i < n; i++) {
    if (render) {
      const r = await render(template, contextFor(i), { webhookId: `msg_${randomUUID()}` });
      if (r.ok && r.request) {
        requests.push(r.request);
        continue;
      }
    }
    requests.push(byHand(port, i));
  }
  return { requests, source: render ? "renderWebhookRequest" : "hand-built equivalent" };
}
