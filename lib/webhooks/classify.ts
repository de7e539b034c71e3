// How a send is judged, once, for test sends and deliveries alike: 2xx delivered; network errors,
// timeouts, 408, 409, 425, 429 and 5xx retryable (Retry-After honoured); other 3xx and 4xx failed
// (a 3xx is not followed: a redirect could point at a private address); a destination refused by
// the SSRF guard, an invalid URL or a template that does not render failed.
import type { SendOutcome } from "./types";
import { parseDateInput } from "../date-input";

/** The longest a Retry-After makes a delivery wait; the retry policy (lib/delivery/core/retry-policy.ts) holds to it too. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export type SendErrorClass = "network" | "timeout" | "cancelled" | "refused" | "invalid" | "template";

export type ClassifyInput = { status: number; retryAfter?: string | null } | { error: SendErrorClass };

/** The 4xx statuses retried, besides every 5xx. */
export const RETRYABLE_4XX: readonly number[] = [408, 409, 425, 429];

function classifyStatus(status: number): SendOutcome {
  if (status >= 200 && status < 300) return "delivered";
  if (RETRYABLE_4XX.includes(status) || status >= 500) return "retryable";
  return "failed";
}

export function classifyResponse(input: ClassifyInput, now = Date.now()): { outcome: SendOutcome; retryAfterMs?: number } {
  if ("error" in input) {
    const final = input.error === "refused" || input.error === "invalid" || input.error === "template";
    return { outcome: final ? "failed" : "retryable" };
  }
  const outcome = classifyStatus(input.status);
  const retryAfterMs = outcome === "retryable" ? parseRetryAfter(input.retryAfter, now) : undefined;
  return retryAfterMs === undefined ? { outcome } : { outcome, retryAfterMs };
}

/** Retry-After as seconds or an HTTP date, in ms from now, capped at 24 h. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    if (!/[a-z]/i.test(v)) return undefined; // an HTTP date has a day or month name
    // an HTTP date is in GMT, the asctime form too though it does not say so
    const at = parseDateInput(v);
    if (!at) return undefined;
    ms = at.getTime() - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
