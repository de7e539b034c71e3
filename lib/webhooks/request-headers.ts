// Which headers a template may set. The sender owns framing and identity headers, and the URL alone
// says where a request goes (no routing headers); a header value
// can never carry a line break (no header injection), another control character or a broken
// character: the editor refuses them as typed, the renderer as rendered (never sent, never retried).
import type { TemplateProblem } from "./types";
import { LONE_SURROGATE } from "../db/storable-text";

/** Header names a template may not set: the sender owns them. */
const RESERVED_HEADERS = new Set([
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
/**
 * Header names that tell a receiver behind a proxy where the request goes (its host, path or scheme):
 * IIS and Symfony route by X-Original-URL and X-Rewrite-URL, Express, Django and Rails with trusted
 * proxies read X-Forwarded-Host, Forwarded and X-Forwarded-Proto, Spring and ASP.NET (PathBase)
 * X-Forwarded-Prefix and X-Forwarded-Path, some proxies X-Original-Host, X-Host and X-Forwarded-Server.
 * Where a request goes is the URL's alone, as Host is: stored secrets go only under the URL's fixed
 * part (url-origin.ts), which one of these could move on the receiver's side. (A method override,
 * X-HTTP-Method-Override, is not among them: the method is the template's to choose anyway.)
 */
const ROUTING_HEADERS = new Set([
  "x-original-url",
  "x-rewrite-url",
  "x-forwarded-host",
  "forwarded",
  "x-forwarded-proto",
  "x-forwarded-prefix",
  "x-forwarded-path",
  "x-original-host",
  "x-host",
  "x-forwarded-server",
]);
export const HEADER_NAME_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a name outside HEADER_NAME_TOKEN is told: by the save's schema, as typed, and when rendered. */
export const HEADER_NAME_CHARACTERS = "A header name can only hold letters, digits and - _ . ! # $ % & ' * + ^ ` | ~";

/** What is wrong with a header name (a problem on `headers[i].name`), or null. */
export function headerNameProblem(name: string, index: number, urlHasCredentials: boolean): TemplateProblem | null {
  const field = `headers[${index}].name`;
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  if (!trimmed) return { field, message: "A header name is required" };
  if (!HEADER_NAME_TOKEN.test(trimmed)) return { field, message: HEADER_NAME_CHARACTERS };
  if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-")) return { field, message: `${trimmed} is set by Hookline and cannot be changed` };
  if (ROUTING_HEADERS.has(lower)) return { field, message: `${trimmed} tells the receiver where the request goes, which only the URL chooses: remove the header, or put the address in the URL` };
  if (lower === "authorization" && urlHasCredentials) return { field, message: "Authorization comes from the credentials in the URL; remove one of them" };
  return null;
}

/**
 * The save's header name rule (headerNameProblem) as the editor shows it while a name is typed: a
 * blank name is not yet one (the save asks for it). One rule, so a name the save refuses ("Host")
 * is refused at its field before Save is pressed, in the save's words.
 */
export function headerNameProblemAsTyped(name: string, index: number, urlHasCredentials: boolean): string | null {
  if (!name.trim()) return null;
  return headerNameProblem(name, index, urlHasCredentials)?.message ?? null;
}

// HTTP field values allow tab, visible ASCII and bytes from 0x80 (sent as UTF-8); not the rest of C0 or DEL.
const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Why the characters of a header value (as typed, or as rendered) cannot be sent, or null. Client-safe. */
export function headerValueCharacterProblem(value: string): string | null {
  if (/[\r\n]/.test(value)) return "A header value cannot contain line breaks";
  if (CONTROL_CHARACTER.test(value)) return "A header value cannot contain control characters (such as U+0001 or U+007F)";
  if (LONE_SURROGATE.test(value)) return "A header value cannot contain a broken character (half of a UTF-16 pair)";
  return null;
}

/** A rendered header value that cannot be sent (line breaks, control characters, broken characters, length), or null. */
export function headerValueProblem(value: string, index: number): TemplateProblem | null {
  const characters = headerValueCharacterProblem(value);
  if (characters) return { field: `headers[${index}].value`, message: characters };
  if (value.length > 8192) return { field: `headers[${index}].value`, message: "A header value cannot be over 8,192 characters" };
  return null;
}
