// The engine's real dependencies: the renderer and sender of lib/webhooks, the template loader
// of lib/campaigns (the sender on threads of its own when there is a core for them), the wall clock, and the retry-schedule override from the configuration.
import { env } from "../env";
import { loadWebhookTemplate } from "../campaigns/action-template";
import { renderWebhookRequest } from "../webhooks/render-request";
import { sendWebhook } from "../webhooks/send";
import type { DeliveryDeps } from "./deps";
import { senderThreads } from "./sender-threads";

export function retryScheduleFromEnv(): number[] | null {
  const raw = env().HOOKLINE_RETRY_SCHEDULE_MS;
  if (raw === undefined) return null;
  return raw.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
}

export async function defaultDeliveryDeps(overrides: Partial<DeliveryDeps> = {}): Promise<DeliveryDeps> {
  const threads = senderThreads();
  return {
    render: (template, ctx, opts) => renderWebhookRequest(template, ctx, opts),
    // on sender threads given a second core (sender-threads.ts), else on this event loop
    send: threads ? (request, opts) => threads.send(request, opts) : (request, opts) => sendWebhook(request, opts),
    loadTemplate: (action, now) => loadWebhookTemplate(action, now),
    now: () => new Date(),
    retryScheduleMs: retryScheduleFromEnv(),
    ready: async () => threads?.ready(),
    ...overrides,
  };
}
