// Which headers a template may set. The sender owns framing and identity headers; a header value
// can never carry a line break (no header injection).
import type { TemplateProblem } from "./types";

/** Header names a template may not set: the sender owns them. */
export const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "user-agent",
  "expect",
  "proxy-connection",
]);
export const HEADER_NAME_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** What is wrong with a header name (a problem on `headers[i].name`), or null. */
export function headerNameProblem(name: string, index: number, urlHasCredentials: boolean): TemplateProblem | null {
  const field = `headers[${index}].name`;
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  if (!trimmed) return { field, message: "A header name is required" };
  if (!HEADER_NAME_TOKEN.test(trimmed)) return { field, message: `"${trimmed}" is not a valid header name` };
  if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-")) return { field, message: `${trimmed} is set by Hookline and cannot be changed` };
  if (lower === "authorization" && urlHasCredentials) return { field, message: "Authorization comes from the credentials in the URL; remove one of them" };
  return null;
}

/** A rendered header value that cannot be sent (line breaks, NUL), or null. */
export function headerValueProblem(value: string, index: number): TemplateProblem | null {
  if (/[\r\n\0]/.test(value)) return { field: `headers[${index}].value`, message: "A header value cannot contain line breaks" };
  if (value.length > 8192) return { field: `headers[${index}].value`, message: "A header value cannot be over 8,192 characters" };
  return null;
}
