// Which link clicks leave the page: the unsaved-changes guards ask before these, and only these.
// Plain facts in (no DOM types), so the rule is tested without a browser.

export type ClickFacts = { button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean; defaultPrevented: boolean };
export type LinkFacts = { href: string; target: string; download: boolean };

// a named target ("preview") or _blank opens another browsing context: this page stays
const SAME_WINDOW_TARGETS = new Set(["", "_self", "_parent", "_top"]);

/**
 * One page is one path on one site: the query is the page's own (the delivery log's filters, the
 * list's search) and the hash a place on it.
 */
export function samePage(a: string, b: string): boolean {
  const x = new URL(a);
  const y = new URL(b);
  return x.origin === y.origin && x.pathname === y.pathname;
}

/** The address a click on `link` takes this page (at `here`) away to, or null when this page stays. */
export function leavingClickHref(click: ClickFacts, link: LinkFacts, here: string): string | null {
  // modified and middle clicks open a tab or a window (or save the link); something else took the click
  if (click.defaultPrevented || click.button !== 0 || click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return null;
  if (!SAME_WINDOW_TARGETS.has(link.target.toLowerCase()) || link.download) return null;
  let to: URL;
  try {
    to = new URL(link.href, here);
  } catch {
    return null;
  }
  // mailto:, tel: hand over to another program; javascript: runs here
  if (to.protocol !== "http:" && to.protocol !== "https:") return null;
  return samePage(to.href, here) ? null : to.href;
}
