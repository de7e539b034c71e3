// The engine's real dependencies: the renderer and sender of lib/webhooks, the template loader
// of lib/campaigns, the wall clock, and the retry-schedule override from the configuration.
import { env } from "../env";
import type { DeliveryDeps } from "./deps";
import { standinDeps } from "./testing/standin-deps";

export function retryScheduleFromEnv(): number[] | null {
  const raw = env().HOOKLINE_RETRY_SCHEDULE_MS;
  if (raw === undefined) return null;
  return raw.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
}

export async function defaultDeliveryDeps(overrides: Partial<DeliveryDeps> = {}): Promise<DeliveryDeps> {
  return standinDeps({ retryScheduleMs: retryScheduleFromEnv(), ...overrides });
}
