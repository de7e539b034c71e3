// THE same-origin rule for requests a member's browser makes: internal routes (lib/api/with-internal.ts)
// and server actions (proxy.ts: every POST to a page is one) both go through it. An Origin header (or
// Sec-Fetch-Site) naming another site is refused on every method, and a state-changing request must
// carry an Origin at all (browsers always send one on POST; a request without one is not from our
// pages). Compared with the Host the request came to.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginRefusal = { code: "cross_origin" | "origin_required"; message: string };

/** Why this request is not from one of our pages, or null when it is (or is a safe read without an Origin). */
export function sameOriginRefusal(method: string, headers: Headers, requestHost: string): OriginRefusal | null {
  const origin = headers.get("origin");
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return { code: "cross_origin", message: "Requests from another site are refused" };
  if (origin === null) {
    if (SAFE_METHODS.has(method.toUpperCase())) return null;
    return { code: "origin_required", message: "A state-changing request must carry an Origin header" };
  }
  if (!isSameOrigin(origin, headers.get("host") ?? requestHost)) return { code: "cross_origin", message: "Requests from another origin are refused" };
  return null;
}

function isSameOrigin(origin: string, host: string): boolean {
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
  if (from.protocol !== "http:" && from.protocol !== "https:") return false;
  try {
    // The Host header with the origin's scheme, so "example.com" and "example.com:443" compare equal over https.
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}
