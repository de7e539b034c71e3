// The engine's real dependencies: the renderer and sender of lib/webhooks, the template loader
// of lib/campaigns, the wall clock, and the retry-schedule override from the configuration.
import { env } from "../../env";
import { loadWebhookTemplate } from "../../campaigns/action-template";
import { renderWebhookRequest } from "../../webhooks/render-request";
import { sendWebhook } from "../../webhooks/send";
import type { DeliveryDeps } from "./deps";
import { senderThreads } from "./sender-threads";

function retryScheduleFromEnv(): number[] | null {
  const raw = env().HOOKLINE_RETRY_SCHEDULE_MS;
  if (raw === undefined) return null;
  return raw.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
}

export async function defaultDeliveryDeps(overrides: Partial<DeliveryDeps> = {}): Promise<DeliveryDeps> {
  return {
    render: (template, ctx, opts) => renderWebhookRequest(template, ctx, opts),
    send: (request, opts) => sendWebhook(request, opts),
    loadTemplate: (action, now, step) => loadWebhookTemplate(action, now, step),
    now: () => new Date(),
    retryScheduleMs: retryScheduleFromEnv(),
    ...overrides,
  };
}

/**
 * The embedded engine's dependencies: the same, sending from sender threads when the machine has a
 * core for them (sender-threads.ts). Not for BullMQ workers: they scale by processes instead.
 */
export async function embeddedDeliveryDeps(overrides: Partial<DeliveryDeps> = {}): Promise<DeliveryDeps> {
  const threads = senderThreads();
  const threaded: Partial<DeliveryDeps> = threads && !overrides.send ? { send: (request, opts) => threads.send(request, opts), gatedSender: (limits) => threads.gated(limits), ready: () => threads.ready() } : {};
  return defaultDeliveryDeps({ ...threaded, ...overrides });
}
