// How a response is judged, once, for test sends and deliveries alike.
import type { SendOutcome } from "./types";

export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** 2xx delivered; 408, 409, 425, 429 and 5xx retryable; other 3xx and 4xx failed (a 3xx is not followed). */
export function classifyStatus(status: number): SendOutcome {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) return "retryable";
  return "failed";
}

/** Retry-After as seconds or an HTTP date, in ms from now, capped at 24 h. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
