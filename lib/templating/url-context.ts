// The second half of URL escaping: the URL template has rendered with a marker in place of every
// {{value}}; now that the URL's structure (written by the template author, or by {{{raw}}} values)
// is known, each value is percent-encoded for the part it landed in. A value can therefore never
// add a path segment, a query parameter or a fragment, nor change the host it follows.
import { MARK_CLOSE, MARK_OPEN, wellFormed, type UrlValue } from "./escape";
import { TemplateError } from "./template-error";

type UrlPart = "scheme" | "userinfo" | "host" | "path" | "query" | "fragment";

const MARKER = new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, "g");
const STRAY_MARKS = new RegExp(`[${MARK_OPEN}${MARK_CLOSE}]`, "g");

/** Where each part of a rendered URL starts (markers hold no structural characters). */
function partBoundaries(url: string): { at: number; part: UrlPart }[] {
  const parts: { at: number; part: UrlPart }[] = [{ at: 0, part: "scheme" }];
  const scheme = /^\s*[A-Za-z][A-Za-z0-9+.-]*:/.exec(url);
  if (!scheme) return [{ at: 0, part: "path" }, ...queryAndFragment(url, 0)];
  let i = scheme[0].length;
  if (/^[/\\]{2}/.test(url.slice(i))) {
    i += 2;
    const authorityEnd = indexOfAny(url, "/\\?#", i);
    const at = url.lastIndexOf("@", authorityEnd - 1);
    if (at >= i) {
      parts.push({ at: i, part: "userinfo" });
      i = at + 1;
    }
    parts.push({ at: i, part: "host" });
    i = authorityEnd;
  }
  parts.push({ at: i, part: "path" });
  return [...parts, ...queryAndFragment(url, i)];
}

function queryAndFragment(url: string, from: number): { at: number; part: UrlPart }[] {
  const out: { at: number; part: UrlPart }[] = [];
  const hash = url.indexOf("#", from);
  const q = url.indexOf("?", from);
  if (q !== -1 && (hash === -1 || q < hash)) out.push({ at: q, part: "query" });
  if (hash !== -1) out.push({ at: hash, part: "fragment" });
  return out;
}

function indexOfAny(s: string, chars: string, from: number): number {
  for (let i = from; i < s.length; i++) if (chars.includes(s[i])) return i;
  return s.length;
}

function partAt(boundaries: { at: number; part: UrlPart }[], index: number): UrlPart {
  let part: UrlPart = boundaries[0].part;
  for (const b of boundaries) if (b.at <= index) part = b.part;
  return part;
}

const encode = (v: UrlValue | undefined) => (!v ? "" : v.encoded ? v.text : encodeURIComponent(wellFormed(v.text)));
const DOTS_ONLY = /^(\.|%2e)*$/i;

/** Replaces the markers of a rendered URL by their values, encoded for the part each landed in. */
export function finishUrl(rendered: string, values: UrlValue[]): string {
  if (!values.length) return rendered.includes(MARK_OPEN) || rendered.includes(MARK_CLOSE) ? rendered.replace(STRAY_MARKS, "") : rendered;
  const boundaries = partBoundaries(rendered);
  let out = "";
  let from = 0;
  let dotsInPath = false;
  for (let at = rendered.indexOf(MARK_OPEN); at !== -1; at = rendered.indexOf(MARK_OPEN, from)) {
    const close = rendered.indexOf(MARK_CLOSE, at);
    if (close === -1) break;
    const value = values[Number(rendered.slice(at + 1, close))];
    // One encoding is right for every part: encodeURIComponent leaves only unreserved characters
    // and !'()*, none of which ends a segment, a parameter or the authority.
    const text = encode(value);
    if (!dotsInPath && DOTS_ONLY.test(text) && partAt(boundaries, at) === "path") dotsInPath = true;
    out += rendered.slice(from, at) + text;
    from = close + 1;
  }
  out += rendered.slice(from);
  if (dotsInPath) checkDotSegments(rendered, values, boundaries);
  return out.includes(MARK_OPEN) || out.includes(MARK_CLOSE) ? out.replace(STRAY_MARKS, "") : out;
}

/** "." or ".." as a whole path segment would remove a segment, whatever its encoding. */
function checkDotSegments(rendered: string, values: UrlValue[], boundaries: { at: number; part: UrlPart }[]) {
  const i = boundaries.findIndex((b) => b.part === "path");
  const path = rendered.slice(boundaries[i].at, boundaries[i + 1]?.at ?? rendered.length);
  for (const segment of path.split(/[/\\]/)) {
    if (!segment.includes(MARK_OPEN)) continue;
    const done = segment.replace(MARKER, (_, index: string) => encode(values[Number(index)]));
    if (/^(\.|%2e){1,2}$/i.test(done)) throw new TemplateError('A value in the URL path is "." or "..", which would change the path');
  }
}
