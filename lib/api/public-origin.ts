// The origin a client reached Hookline at, for the addresses the API's documents give (the OpenAPI
// document's `servers`, the reference's curl lines). Next.js builds a route's req.url from the address
// the server listens on (http://localhost:3000 whatever the client asked for), so: the Host header,
// which a reverse proxy passes through (README, "Two doors"), or X-Forwarded-Host and -Proto when the
// request comes from one of HOOKLINE_TRUSTED_PROXIES. `next start` itself serves only http.
import { fromTrustedProxy } from "../auth/client-address";
import { env, type AddressRange } from "../env";

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

const first = (value: string | null) => value?.split(",")[0]?.trim() || null;

export function publicOrigin(headers: Headers, fallbackHost: string, ranges: AddressRange[] = env().HOOKLINE_TRUSTED_PROXIES): string {
  const trusted = fromTrustedProxy(headers, ranges);
  const host = [trusted ? first(headers.get("x-forwarded-host")) : null, headers.get("host")].find((h) => !!h && HOST.test(h));
  const proto = trusted ? first(headers.get("x-forwarded-proto")) : null;
  return `${proto === "https" ? "https" : "http"}://${host ?? fallbackHost}`;
}
