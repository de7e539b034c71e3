// A {{user.crmId}} in a webhook's URL that a user lacks renders empty, and that user's request goes to
// another address (/crm/, the CRM's collection, for /crm/{{user.crmId}}) rather than failing; in a query
// value (?city={{user.city}}) it goes to the same address with that parameter empty. Said where
// it can be seen before it happens: Activate's and Resume's sample renders (some of the users tried) and
// the preview's sample user. {{required user.crmId}} skips such users instead.
import type { RenderResult, TemplateProblem } from "./types";
import { maskCredentialUrl } from "./credential-parts";
import { isPlaceholderPath } from "../templating";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `path` written out as it is ({{user.crmId}}, {{{user.crmId}}}), anywhere in a URL template. */
const plainly = (path: string) => new RegExp(`\\{\\{\\{?~?\\s*${escapeRegExp(path)}\\s*~?\\}?\\}\\}`, "g");

/**
 * Whether the URL writes `path` out as it is ({{user.crmId}}, {{{user.crmId}}}), so that its absence
 * leaves the URL without it: not under a helper that fills or tests it ({{default user.crmId "new"}},
 * {{#if user.crmId}}), where the author has said what an empty value does.
 */
function writtenPlainly(urlTemplate: string, path: string): boolean {
  // a fragment (#…) is never sent: empty there, every request still goes to the same address
  const url = urlTemplate.split("#")[0]!;
  const p = escapeRegExp(path);
  return plainly(path).test(url) && !new RegExp(`\\{\\{~?\\s*#[^}]*[\\s(]${p}[\\s)}]`).test(url);
}

/**
 * Where the URL writes `path` out: in its host or path (the request goes to another address), or only in
 * its query (the same address; `parameter` is the name whose value it is, null when it is not a value).
 */
export type UrlPlace = { in: "host" | "path" } | { in: "query"; parameter: string | null };

/** Where `urlTemplate` writes `path` plainly (writtenPlainly); the host or path wins over the query. */
export function placeInUrl(urlTemplate: string, path: string): UrlPlace {
  const url = urlTemplate.split("#")[0]!;
  const query = url.indexOf("?");
  const authority = url.indexOf("//") + 2;
  const hostEnd = url.indexOf("/", authority);
  let place: UrlPlace | null = null;
  for (const match of url.matchAll(plainly(path))) {
    const at = match.index;
    if (query === -1 || at < query) return { in: authority > 1 && (hostEnd === -1 || at < hostEnd) ? "host" : "path" };
    if (place) continue;
    // the query's part it is in: name=value, and in the value when an = comes before it
    const start = Math.max(url.lastIndexOf("&", at), query) + 1;
    const part = url.slice(start, at);
    const equals = part.indexOf("=");
    place = { in: "query", parameter: equals > 0 ? part.slice(0, equals) : null };
  }
  return place ?? { in: "path" };
}

/** The paths of `urlTemplate` this render left empty (its missing-value warnings of the URL; a {{required}} one skipped the user before). */
export function emptyInUrlPaths(urlTemplate: string, warnings: TemplateProblem[]): string[] {
  // a placeholder ({{slack_webhook_path}} of a destination template) is empty for everyone and has its own
  // message (replace it with your value): not a value some users lack
  const paths = new Set(warnings.filter((w) => w.field === "url" && w.path && !w.info && !isPlaceholderPath(w.path) && writtenPlainly(urlTemplate, w.path)).map((w) => w.path!));
  return [...paths];
}

/**
 * Where a rendered request goes, without its host: its path and query ("/crm/", "/crm?id="), masked as
 * the log masks a URL (a secret query value or hook path: the preview's note is read by viewers too).
 */
export function requestAddress(rendered: RenderResult): string | undefined {
  if (!rendered.ok) return undefined;
  const url = new URL(rendered.request.url);
  // masked as text (a parsed masked URL would %-encode the mask); the origin, with no user info, stays as it is
  const masked = maskCredentialUrl(`${url.origin}${url.pathname}${url.search}`);
  return masked.startsWith(url.origin) ? masked.slice(url.origin.length) : url.pathname;
}

/** What an empty value does to the request, by where the URL writes it (placeInUrl), with the address it went to. */
function whatHappens(place: UrlPlace, address: string | undefined, requests: "requests" | "request"): { where: string; effect: string } {
  const verb = requests === "requests" ? "go" : "goes";
  const sent = requests === "requests" ? "are sent" : "is sent";
  if (place.in === "query") {
    return place.parameter
      ? { where: `it is the URL's ${place.parameter}= query value`, effect: `their ${requests} ${sent} with ${place.parameter}= empty` }
      : { where: "it is in the URL's query", effect: `their ${requests} ${sent} without it in the query` };
  }
  if (place.in === "host") return { where: "it is in the URL's host", effect: `their ${requests} ${verb} to another address${requests === "request" ? " (its host)" : ""}` };
  return { where: "it is in the URL's path", effect: `their ${requests} ${verb} to another address${address ? `, ${requests === "request" ? "…" : ""}${address}` : ""}` };
}

/** Activate's and Resume's line for a URL variable empty for some of the users tried. */
export function emptyInUrlLine(label: string, path: string, users: number, tried: number, address: string | undefined, place: UrlPlace): string {
  const { where, effect } = whatHappens(place, address, "requests");
  return `${label}: ${path} is empty for ${users} of ${tried} users tried; ${where}, so ${effect} (write {{required ${path}}} to skip users without it)`;
}

/** The preview's note at the URL for its sample user lacking `path`. */
export function emptyInUrlNotice(path: string, address: string | undefined, place: UrlPlace): string {
  return `Empty for this user: ${whatHappens(place, address, "request").effect} — {{required ${path}}} skips such users`;
}

/**
 * The advice under those lines (Activate's, Resume's): each line says where the requests go (another
 * address, or the same one with a query value empty), so the advice does not ("their requests go to that
 * address" under a line on an empty ?city= contradicted it).
 */
export function emptyInUrlAdvice(verb: "Activate" | "Resume"): string {
  return `${verb} anyway and those users' requests are sent as each line says; otherwise Cancel and write {{required …}} around the value to skip those users.`;
}
