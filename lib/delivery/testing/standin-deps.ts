// A minimal renderer and sender for engine tests while lib/webhooks is being written: Handlebars
// over { user, userAttribute, event }, JSON bodies, and fetch with a simple classification.
import Handlebars from "handlebars";
import type { DeliveryDeps } from "../deps";
import type { BuiltRequest, RenderResult, SendResult, TemplateContext, WebhookTemplate } from "../../webhooks/types";
import { loadWebhookTemplate } from "../../campaigns/action-template";

function view(ctx: TemplateContext) {
  return { user: ctx.user, userAttribute: ctx.user.attributes, event: ctx.event ?? {}, campaign: ctx.campaign, now: ctx.now };
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
function compile(source: string) {
  let t = compiled.get(source);
  if (!t) {
    t = Handlebars.compile(source, { strict: false, noEscape: true });
    compiled.set(source, t);
  }
  return t;
}

export function standinRender(template: WebhookTemplate, ctx: TemplateContext, opts: { webhookId: string; timestamp: Date }): RenderResult {
  try {
    const v = view(ctx);
    const h = (s: string) => compile(s)(v);
    if (template.url.includes("{{fail}}")) throw new Error("fail is not defined");
    const body = JSON.stringify(Object.fromEntries(template.fields.map((f) => [f.key, h(f.value)])));
    const headers: [string, string][] = [["content-type", "application/json"], ["webhook-id", opts.webhookId], ["webhook-timestamp", String(Math.floor(opts.timestamp.getTime() / 1000))]];
    for (const x of template.headers) headers.push([x.name, h(x.value)]);
    const request: BuiltRequest = { method: template.method, url: h(template.url), headers, body };
    return { ok: true, request, warnings: [] };
  } catch (err) {
    return { ok: false, errors: [{ field: "url", message: (err as Error).message }], warnings: [] };
  }
}

export async function standinSend(request: BuiltRequest, opts?: { timeoutMs?: number }): Promise<SendResult> {
  const started = Date.now();
  try {
    const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: "manual", signal: AbortSignal.timeout(opts?.timeoutMs ?? 15000) });
    const body = await res.text();
    const s = res.status;
    const retryable = s === 408 || s === 409 || s === 425 || s === 429 || s >= 500;
    const ra = res.headers.get("retry-after");
    return {
      outcome: s >= 200 && s < 300 ? "delivered" : retryable ? "retryable" : "failed",
      status: s,
      headers: [...res.headers.entries()],
      body,
      retryAfterMs: ra && /^\d+$/.test(ra) ? Number(ra) * 1000 : undefined,
      timings: { totalMs: Date.now() - started },
    };
  } catch (err) {
    return { outcome: "retryable", error: (err as Error).message, timings: { totalMs: Date.now() - started } };
  }
}

export function standinDeps(overrides: Partial<DeliveryDeps> = {}): DeliveryDeps {
  return { render: standinRender, send: standinSend, loadTemplate: (a, now) => loadWebhookTemplate(a, now), now: () => new Date(), ...overrides };
}
