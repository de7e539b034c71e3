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
 * SQL: the attempt (alias `a`) sent a request. One whose request was never sent (it could not be
 * built: a template or data error, an internal error; dispatcher.ts failedBeforeSend) is written with
 * no status and 0 ms: it has no response time, and counted as one it read "p50 0 ms" for a campaign
 * whose template was broken. For every response-time percentile (the log's stats line, the charts).
 */
export const SENT_A_REQUEST_SQL = `NOT (a."status" IS NULL AND a."durationMs" = 0)`;
