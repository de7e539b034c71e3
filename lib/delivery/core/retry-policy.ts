// How often and when a delivery is retried. The one place that decides it: the engine asks
// nextAttemptAt after every retryable attempt, the editor shows describeRetryPolicy and retryPolicyLabel,
// and a test send that a delivery would retry says so with describeRetryAfterFailure. A receiver's
// Retry-After is read (and capped) where responses are judged, lib/webhooks/classify.ts.
import { MAX_RETRY_AFTER_MS, RETRYABLE_4XX } from "../../webhooks/classify";
import { plural } from "../../text/plural";

export const RETRY_POLICIES = ["none", "default", "aggressive"] as const;
export type RetryPolicy = (typeof RETRY_POLICIES)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Waits after attempt 1, 2, ... of the default policy; after the last, the delivery fails. */
export const DEFAULT_SCHEDULE_MS = [30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR];

// Aggressive: 50 attempts in all, doubling from 10 s up to 105 min, which adds up to about 3 days.
const AGGRESSIVE_ATTEMPTS = 50;
export const AGGRESSIVE_SCHEDULE_MS = Array.from({ length: AGGRESSIVE_ATTEMPTS - 1 }, (_, i) => Math.min(10 * SECOND * 2 ** i, 105 * MINUTE));

const JITTER = 0.2;

export function parseRetryPolicy(value: string | null | undefined): RetryPolicy {
  return (RETRY_POLICIES as readonly string[]).includes(value ?? "") ? (value as RetryPolicy) : "default";
}

function scheduleFor(policy: RetryPolicy): number[] {
  if (policy === "none") return [];
  return policy === "aggressive" ? AGGRESSIVE_SCHEDULE_MS : DEFAULT_SCHEDULE_MS;
}

export type NextAttemptInput = {
  policy: RetryPolicy;
  /** attempts made so far, including the one that just failed (>= 1) */
  attemptsMade: number;
  now: Date;
  /** from the receiver's Retry-After, when it sent one */
  retryAfterMs?: number | null;
  /** 0..1; Math.random by default (tests pass a constant) */
  random?: () => number;
  /** replaces the policy's waits (tests and drills use short schedules); [] means no retries */
  scheduleMs?: number[] | null;
};

/** When to try again after a retryable failure, or null when the delivery has failed for good. */
export function nextAttemptAt(input: NextAttemptInput): Date | null {
  const schedule = input.policy === "none" ? [] : (input.scheduleMs ?? scheduleFor(input.policy));
  const index = input.attemptsMade - 1;
  if (index < 0 || index >= schedule.length) return null;
  if (input.retryAfterMs !== undefined && input.retryAfterMs !== null && input.retryAfterMs >= 0) {
    // The receiver said when; we wait exactly that (capped), no jitter.
    return new Date(input.now.getTime() + Math.min(input.retryAfterMs, MAX_RETRY_AFTER_MS));
  }
  const random = input.random ?? Math.random;
  const factor = 1 - JITTER + 2 * JITTER * random();
  return new Date(input.now.getTime() + Math.round(schedule[index] * factor));
}

function describeDuration(ms: number): string {
  const units: [number, string][] = [[24 * HOUR, "day"], [HOUR, "hour"], [MINUTE, "minute"], [SECOND, "second"]];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return plural(ms / size, name, `${name}s`);
  }
  if (ms >= MINUTE) return `${Math.round(ms / MINUTE)} minutes`;
  return `${Math.round(ms / SECOND)} seconds`;
}

function joinWords(items: string[]) {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The schedule in plain words, for the editor. */
export function describeRetryPolicy(policy: RetryPolicy): string {
  if (policy === "none") return "No retries: if the first attempt fails, the delivery is marked failed.";
  const waits = scheduleFor(policy);
  const total = waits.reduce((a, b) => a + b, 0);
  const tail = `Each wait varies by ±20%. A Retry-After from the receiver is honoured (up to ${describeDuration(MAX_RETRY_AFTER_MS)}). Only network errors, timeouts, ${RETRYABLE_4XX.join(", ")} and 5xx are retried.`;
  if (policy === "aggressive") {
    return `Up to ${waits.length + 1} attempts over about ${Math.round(total / (24 * HOUR))} days: retries start after 10 seconds and double up to every 105 minutes, then the delivery is marked failed. ${tail}`;
  }
  return `Up to ${waits.length} retries after the first attempt, after ${joinWords(waits.map(describeDuration))} (about ${Math.round(total / HOUR)} hours in all), then the delivery is marked failed. ${tail}`;
}

const POLICY_NAMES: Record<RetryPolicy, string> = { none: "No retries", default: "Default", aggressive: "Aggressive" };

/** About how long the waits add up to: "about 2 days", "about 5 hours". */
function describeTotal(ms: number): string {
  if (ms >= 36 * HOUR) return `about ${plural(Math.round(ms / (24 * HOUR)), "day", "days")}`;
  if (ms >= HOUR) return `about ${plural(Math.round(ms / HOUR), "hour", "hours")}`;
  return `about ${plural(Math.max(1, Math.round(ms / MINUTE)), "minute", "minutes")}`;
}

/** The policy's name and size, for its choice in the editor: "Default (9 retries over about 2 days)". */
export function retryPolicyLabel(policy: RetryPolicy): string {
  const waits = scheduleFor(policy);
  if (!waits.length) return POLICY_NAMES[policy];
  const total = describeTotal(waits.reduce((a, b) => a + b, 0));
  const size = policy === "aggressive" ? `up to ${waits.length + 1} attempts` : plural(waits.length, "retry", "retries");
  return `${POLICY_NAMES[policy]} (${size} over ${total})`;
}

/**
 * What a real delivery would do after an answer that is retried (a network error, a timeout, 408, 409,
 * 425, 429 or 5xx: classify.ts), under the webhook's policy as set now: for a test send's result, which
 * itself is never retried. A test send does not keep the policy it was sent under, so the note names
 * the one set now and stays true when an old test send is shown after the policy changed.
 */
export function describeRetryAfterFailure(policy: RetryPolicy): string {
  const waits = scheduleFor(policy);
  const lead = "A delivery retries this kind of answer";
  if (!waits.length) return `${lead}, but the retry policy set now is “${POLICY_NAMES[policy]}”: it would be marked failed.`;
  const total = describeTotal(waits.reduce((a, b) => a + b, 0));
  return (
    `${lead}. Under the retry policy set now (“${POLICY_NAMES[policy]}”): up to ${plural(waits.length, "retry", "retries")}, ` +
    `the first after ${describeDuration(waits[0]!)}, over ${total}, unless the receiver's Retry-After says when.`
  );
}
