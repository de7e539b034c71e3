// What an attempt keeps for the delivery log: the request as sent with secrets masked, and an
// excerpt of the response. Stored in DeliveryAttempt.request / .response.
import type { BuiltRequest, SendResult } from "../../webhooks/types";
import { maskHeaders } from "../../webhooks/mask";

const BODY_EXCERPT = 8 * 1024;

// the URL is kept as it is: the renderer has already moved any URL credentials into Authorization
export function maskedRequest(request: BuiltRequest) {
  const headers = maskHeaders(request.headers, request.secretHeaders);
  const body = request.body ?? null;
  return {
    method: request.method,
    url: request.url,
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
