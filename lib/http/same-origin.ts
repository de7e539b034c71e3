// THE same-origin rule for requests a member's browser makes: internal routes (lib/api/with-internal.ts)
// and server actions (proxy.ts: every POST to a page is one) both go through it. An Origin header (or
// Sec-Fetch-Site) naming another site is refused on every method, and a state-changing request must
// carry an Origin at all (browsers always send one on POST; a request without one is not from our
// pages). Compared with the Host the request came to, or, when the request's connection comes from one
// of HOOKLINE_TRUSTED_PROXIES (the caller says so: lib/auth/client-address.ts fromTrustedProxy), with the
// X-Forwarded-Host that proxy names (as Next.js's own action check and better-auth fall back to it).

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginRefusal = { code: "cross_origin" | "origin_required"; message: string };

/**
 * Why this request is not from one of our pages, or null when it is (or is a safe read without an Origin).
 * `trustForwarded`: the connection is a trusted proxy's, so its X-Forwarded-Host names the host too.
 */
export function sameOriginRefusal(method: string, headers: Headers, requestHost: string, trustForwarded = false): OriginRefusal | null {
  const origin = headers.get("origin");
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return { code: "cross_origin", message: "Requests from another site are refused" };
  if (origin === null) {
    if (SAFE_METHODS.has(method.toUpperCase())) return null;
    return { code: "origin_required", message: "A state-changing request must carry an Origin header" };
  }
  const host = headers.get("host") ?? requestHost;
  if (isSameOrigin(origin, host)) return null;
  const forwarded = trustForwarded ? headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  if (forwarded && isSameOrigin(origin, forwarded)) return null;
  return { code: "cross_origin", message: `Requests from another origin are refused (Origin ${origin.slice(0, 200)}, host ${(forwarded || host).slice(0, 200)})` };
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
