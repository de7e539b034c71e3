// What an attempt keeps for the delivery log: the request as sent with secrets masked, and an
// excerpt of the response. Stored in DeliveryAttempt.request / .response.
import type { BuiltRequest, SendResult } from "../../webhooks/types";
import { maskRequest } from "../../webhooks/mask";

const BODY_EXCERPT = 8 * 1024;

/**
 * The request as every reader of the log sees it (the log, the API, whatever their role): masked as the
 * preview and test sends show it (mask.ts maskRequest: secret headers, the signature, a URL password, a
 * secret hook path, secret query values and secret-named body values), its body cut to an excerpt. Once
 * per delivery: each check is a cheap scan before anything is parsed.
 */
export function maskedRequest(request: BuiltRequest) {
  const { method, url, headers, body } = maskRequest(request);
  return {
    method,
    url,
    headers,
    body: body && body.length > BODY_EXCERPT ? body.slice(0, BODY_EXCERPT) : body,
    bodyTruncated: !!body && body.length > BODY_EXCERPT,
  };
}

export function responseExcerpt(result: SendResult) {
  if (result.status === undefined) return null;
  const body = result.body ?? "";
  return {
    status: result.status,
    statusText: result.statusText ?? "",
    headers: result.headers ?? [],
    body: body.length > BODY_EXCERPT ? body.slice(0, BODY_EXCERPT) : body,
    bodyTruncated: !!result.bodyTruncated || body.length > BODY_EXCERPT,
  };
}

/**
 * THE rule of whether an attempt sent a request (the log's Attempts, the API and the CSV; the delivery's
 * sentAt, so Results' "Reached"; every response-time percentile): the request left, a connection to the
 * receiver made and the request handed to it (SendResult.sent, kept as DeliveryAttempt.sent). The SSRF
 * guard's refusal, a failed DNS lookup, a refused connection sent nothing, nor did an attempt whose
 * request was never built (a template or data error, an internal error; dispatcher.ts failedBeforeSend).
 * An attempt stored before `sent` was kept, or whose sender failed without saying, is read by the rule of
 * then: sent unless it has no status and took 0 ms (the migration that added `sent` marked the older ones
 * whose error says they stopped before connecting).
 */
export function requestLeft(attempt: { sent?: boolean | null; status: number | null; durationMs: number }): boolean {
  return attempt.sent ?? !(attempt.status === null && attempt.durationMs === 0);
}

/** requestLeft in SQL, for the attempt (alias `a`). */
export const SENT_A_REQUEST_SQL = `COALESCE(a."sent", NOT (a."status" IS NULL AND a."durationMs" = 0))`;
