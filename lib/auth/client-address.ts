// Who is on the other end of a request: the socket peer, or, when the peer is one of
// HOOKLINE_TRUSTED_PROXIES, the first untrusted address its X-Forwarded-For names. Next.js hands route
// handlers and server actions no socket (and fills X-Forwarded-For only when the client sent none), so
// the web process records the peer itself in PEER_HEADER as each request arrives (recordPeerAddresses).
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import ipaddr from "ipaddr.js";
import { env, type AddressRange } from "../env";

/** Set from the socket on every request (whatever the client sent under this name is overwritten). */
export const PEER_HEADER = "x-hookline-peer";
/** The resolved client address, set for better-auth (session records, its own limiter). */
export const CLIENT_IP_HEADER = "x-hookline-client-ip";
/** The bucket of requests whose peer is not known (no socket recorded, e.g. a call from a script). */
export const UNKNOWN_CLIENT = "unknown";

const FORWARDED_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded"];

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    // process() reads ::ffff:10.0.0.1 (how a dual-stack socket reports an IPv4 peer) as 10.0.0.1
    return ipaddr.process(address.trim().replace(/^\[(.*)\]$/, "$1"));
  } catch {
    return null;
  }
}

function inRanges(ip: ipaddr.IPv4 | ipaddr.IPv6, ranges: AddressRange[]): boolean {
  return ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

/** Whether the request came straight from one of HOOKLINE_TRUSTED_PROXIES. */
export function fromTrustedProxy(headers: Headers, ranges: AddressRange[] = env().HOOKLINE_TRUSTED_PROXIES): boolean {
  const peer = parse(headers.get(PEER_HEADER) ?? "");
  return !!peer && inRanges(peer, ranges);
}

/**
 * The client's address: the peer itself unless it is a trusted proxy; behind trusted proxies, the
 * right-most X-Forwarded-For entry that is not one of them (entries left of it are the client's to forge).
 */
export function clientAddress(headers: Headers, ranges: AddressRange[] = env().HOOKLINE_TRUSTED_PROXIES): string {
  const peer = parse(headers.get(PEER_HEADER) ?? "");
  if (!peer) return UNKNOWN_CLIENT;
  if (!inRanges(peer, ranges)) return peer.toString();
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").filter((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parse(hops[i]!);
    if (!hop) return peer.toString(); // a proxy would not write garbage: do not guess past it
    if (!inRanges(hop, ranges)) return hop.toString();
  }
  return peer.toString();
}

/** How many leading bits of an IPv6 address name one client: a /64 is one home line or one host's
 * subnet, and whoever has one can use any of its 2^64 addresses. */
export const IPV6_CLIENT_PREFIX = 64;

/**
 * The bucket a client address is counted in: an IPv4 address itself; an IPv6 address its /64
 * (`2001:db8:1:2::/64`), however it was written; an IPv4-mapped IPv6 address its IPv4. Anything that
 * is not an address (UNKNOWN_CLIENT) is its own bucket.
 */
export function addressBucket(address: string): string {
  const ip = parse(address);
  if (!ip) return address;
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.map((part, i) => (i < IPV6_CLIENT_PREFIX / 16 ? part : 0));
  return `${new ipaddr.IPv6(parts).toString()}/${IPV6_CLIENT_PREFIX}`;
}

/** How many leading bits of an IPv6 address name one site: a /48 is what a business or a hosting
 * customer is commonly given, 65,536 /64s that one holder can spread attempts over. */
export const IPV6_NETWORK_PREFIX = 48;

/**
 * The coarser bucket an IPv6 client is also counted in: its /48 (`2001:db8:1::/48`); null for an IPv4
 * address (an IPv4-mapped one included: an IPv4 address is not handed out by the 65,536) and for
 * anything that is not an address.
 */
export function networkBucket(address: string): string | null {
  const ip = parse(address);
  if (!ip || ip.kind() === "ipv4") return null;
  const parts = (ip as ipaddr.IPv6).parts.map((part, i) => (i < IPV6_NETWORK_PREFIX / 16 ? part : 0));
  return `${new ipaddr.IPv6(parts).toString()}/${IPV6_NETWORK_PREFIX}`;
}

/**
 * The headers better-auth may see: forwarded headers only from a trusted proxy, and the resolved
 * client address under CLIENT_IP_HEADER (never the client's own value).
 */
export function authRequestHeaders(headers: Headers, ranges: AddressRange[] = env().HOOKLINE_TRUSTED_PROXIES): Headers {
  const out = new Headers(headers);
  if (!fromTrustedProxy(headers, ranges)) for (const name of FORWARDED_HEADERS) out.delete(name);
  const client = clientAddress(headers, ranges);
  if (client === UNKNOWN_CLIENT) out.delete(CLIENT_IP_HEADER);
  else out.set(CLIENT_IP_HEADER, client);
  return out;
}

const holder = globalThis as unknown as { __hooklinePeerHook?: boolean };

/**
 * Records each HTTP request's socket peer under PEER_HEADER before Next.js sees it. Node publishes
 * `http.server.request.start` before the server's "request" event, so this covers `next start`.
 */
export function recordPeerAddresses(): void {
  if (holder.__hooklinePeerHook) return;
  holder.__hooklinePeerHook = true;
  diagnostics.subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    if (socket?.remoteAddress) request.headers[PEER_HEADER] = socket.remoteAddress;
    else delete request.headers[PEER_HEADER];
  });
}
