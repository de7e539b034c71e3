// What an attempt keeps for the delivery log: the request as sent with secrets masked, and an
// excerpt of the response. Stored in DeliveryAttempt.request / .response.
import type { BuiltRequest, SendResult, WebhookTemplate } from "../webhooks/types";

export const MASK = "••••";
const BODY_EXCERPT = 8 * 1024;
const ALWAYS_SECRET = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key"]);

export function maskedRequest(request: BuiltRequest, template: WebhookTemplate) {
  const secretNames = new Set(template.headers.filter((h) => h.secret).map((h) => h.name.toLowerCase()));
  const headers = request.headers.map(([name, value]) => {
    const lower = name.toLowerCase();
    return [name, ALWAYS_SECRET.has(lower) || secretNames.has(lower) ? MASK : value] as [string, string];
  });
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

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
