// A {{user.crmId}} in a webhook's URL that a user lacks renders empty, and that user's request goes to
// another address (/crm/, the CRM's collection, for /crm/{{user.crmId}}) rather than failing. Said where
// it can be seen before it happens: Activate's and Resume's sample renders (some of the users tried) and
// the preview's sample user. {{required user.crmId}} skips such users instead.
import type { RenderResult, TemplateProblem } from "./types";
import { maskCredentialUrl } from "./credential-parts";
import { isPlaceholderPath } from "../templating";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whether the URL writes `path` out as it is ({{user.crmId}}, {{{user.crmId}}}), so that its absence
 * leaves the URL without it: not under a helper that fills or tests it ({{default user.crmId "new"}},
 * {{#if user.crmId}}), where the author has said what an empty value does.
 */
function writtenPlainly(urlTemplate: string, path: string): boolean {
  // a fragment (#…) is never sent: empty there, every request still goes to the same address
  const url = urlTemplate.split("#")[0]!;
  const p = escapeRegExp(path);
  return new RegExp(`\\{\\{\\{?~?\\s*${p}\\s*~?\\}?\\}\\}`).test(url) && !new RegExp(`\\{\\{~?\\s*#[^}]*[\\s(]${p}[\\s)}]`).test(url);
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

/** Activate's and Resume's line for a URL variable empty for some of the users tried. */
export function emptyInUrlLine(label: string, path: string, users: number, tried: number, address: string | undefined): string {
  const where = address ? `, so their requests go to ${address}` : ", so their requests go to another address";
  return `${label}: ${path} is empty for ${users} of ${tried} users tried; it is in the URL${where} (write {{required ${path}}} to skip users without it)`;
}

/** The preview's note at the URL for its sample user lacking `path`. */
export function emptyInUrlNotice(path: string, address: string | undefined): string {
  return `Empty for this user: their request goes to ${address ? `…${address}` : "another address"} — {{required ${path}}} skips such users`;
}
