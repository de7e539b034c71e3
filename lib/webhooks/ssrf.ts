// THE SSRF guard: a webhook may only reach public unicast addresses on ports 80, 443 or
// 1024-65535, unless HOOKLINE_ALLOWED_HOSTS or Settings › Allowed destinations allow more.
// The sender connects to the very address this guard checked (lib/webhooks/send.ts), so a DNS
// answer cannot change between check and use.
import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { env } from "../env";
import { allowedDestinationEntries } from "./allowed-destinations";

/** The guard refuses the destination: not retryable. */
export class DestinationRefused extends Error {
  name = "DestinationRefused";
}
/** The host name does not resolve (now): a network error, retryable. */
export class DnsLookupFailed extends Error {
  name = "DnsLookupFailed";
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
export type VettedAddress = { address: string; family: 4 | 6 };

const RANGE_WORDS: Record<string, string> = {
  loopback: "is a loopback address",
  private: "is in a private network",
  uniqueLocal: "is in a private network",
  linkLocal: "is link-local (cloud metadata lives there)",
  carrierGradeNat: "is in a carrier-grade NAT network",
  multicast: "is a multicast address",
  unspecified: "is an unspecified address",
  broadcast: "is a broadcast address",
};

// the metadata services of the clouds (AWS, GCP, Azure IMDS: 169.254.169.254; AWS over IPv6) and Azure's
// host agent (WireServer), whose address looks public: refused before the global-address test
const CLOUD_METADATA = new Set(["169.254.169.254", "fd00:ec2::254", "168.63.129.16"].map((a) => ipaddr.parse(a).toNormalizedString()));

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3") as [ipaddr.IPv6, number];

export type AllowList = { hosts: Set<string>; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] };
let allowCache: { source: string; list: AllowList } | undefined;

export function parseAllowList(source: string): AllowList {
  const list: AllowList = { hosts: new Set(), ranges: [] };
  for (const raw of source.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const entry = raw.replace(/^\[|\]$/g, "");
    if (entry.includes("/") && ipaddr.isValidCIDR(entry)) list.ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const addr = ipaddr.process(entry);
      list.ranges.push([addr, addr.kind() === "ipv4" ? 32 : 128]);
    } else list.hosts.add(entry);
  }
  return list;
}

function allowList(): AllowList {
  const source = env().HOOKLINE_ALLOWED_HOSTS;
  if (allowCache?.source !== source) allowCache = { source, list: parseAllowList(source) };
  return allowCache.list;
}

/** HOOKLINE_ALLOWED_HOSTS and the entries of Settings › Allowed destinations (read at most once a second). */
export async function currentAllowList(): Promise<AllowList> {
  const source = [env().HOOKLINE_ALLOWED_HOSTS, ...(await allowedDestinationEntries())].join(",");
  if (allowCache?.source !== source) allowCache = { source, list: parseAllowList(source) };
  return allowCache.list;
}

function isAllowedAddress(addr: ipaddr.IPv4 | ipaddr.IPv6, list: AllowList) {
  return list.ranges.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
}

/** The end of every refusal of a private address; the UI links it to the settings for admins. */
const HOW_TO_ALLOW = "an admin can allow it in Settings › Allowed destinations";

/** Why an address may not be reached, or null when it may. */
export function refusalReason(address: string, list: AllowList = allowList()): string | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(address.replace(/^\[|\]$/g, "")); // IPv4-mapped IPv6 becomes IPv4
  } catch {
    return `destination ${address} is not an IP address`;
  }
  if (isAllowedAddress(addr, list)) return null;
  if (CLOUD_METADATA.has(addr.toNormalizedString())) return `destination ${addr.toString()} is the cloud metadata service; ${HOW_TO_ALLOW}`;
  const range = addr.range();
  // IPv6 unicast outside 2000::/3 (e.g. IPv4-compatible ::7f00:1) is not a global address
  if (range === "unicast" && (addr.kind() === "ipv4" || addr.match(GLOBAL_UNICAST_V6))) return null;
  const words = RANGE_WORDS[range] ?? (range === "unicast" ? "is not a global address" : "is in a reserved range");
  return `destination ${addr.toString()} ${words}; ${HOW_TO_ALLOW}`;
}

/** The port an http(s) URL reaches: its own, or its scheme's (443, 80). */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

export function checkPort(port: number): string | null {
  if (port === 80 || port === 443 || (port >= 1024 && port <= 65535)) return null;
  return `port ${port} is not allowed: webhooks may use 80, 443 or 1024-65535`;
}

/** Normalises odd IPv4 spellings (0x7f.1, 2130706433, 0177.0.0.1) the way URLs do. */
export function normaliseHost(hostname: string): string {
  const h = hostname.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (h.includes(":")) return h;
  try {
    return new URL(`http://${h}/`).hostname;
  } catch {
    return h;
  }
}

/** localhost, localhost., app.localhost, ...: names that always mean this machine. */
function isLocalhostName(host: string): boolean {
  const name = host.replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

/**
 * Resolves the host and returns an address that may be reached; throws DestinationRefused (a
 * private, reserved or odd address, a forbidden port) or DnsLookupFailed.
 */
export async function vetDestination(hostname: string, port: number, resolve: Resolver = defaultResolver, allowed?: AllowList): Promise<VettedAddress> {
  const portProblem = checkPort(port);
  if (portProblem) throw new DestinationRefused(portProblem);
  const list = allowed ?? (await currentAllowList());
  // an IP address needs no lookup, so its verdict holds as long as the allow list it was given under
  // (a new list is a new object): remembered, since a campaign sends to the same few thousands of times
  const verdicts = literalVerdicts.get(list);
  const known = verdicts?.get(hostname);
  if (known) {
    if (known instanceof DestinationRefused) throw new DestinationRefused(known.message);
    return known;
  }
  const literal = ipaddr.isValid(normaliseHost(hostname));
  try {
    const verdict = await vetUncached(hostname, resolve, list);
    if (literal) rememberVerdict(list, hostname, verdict);
    return verdict;
  } catch (err) {
    // a refusal is remembered too; a DNS failure cannot happen to an address
    if (literal && err instanceof DestinationRefused) rememberVerdict(list, hostname, err);
    throw err;
  }
}

const literalVerdicts = new WeakMap<AllowList, Map<string, VettedAddress | DestinationRefused>>();

function rememberVerdict(list: AllowList, hostname: string, verdict: VettedAddress | DestinationRefused) {
  let verdicts = literalVerdicts.get(list);
  if (!verdicts) literalVerdicts.set(list, (verdicts = new Map()));
  if (verdicts.size >= 10_000) verdicts.clear();
  verdicts.set(hostname, verdict);
}

/** What a host stands for without a DNS lookup: allowed by name, the address of a literal or a localhost name, or nothing (a name to resolve). */
function knownWithoutLookup(host: string, list: AllowList): { hostAllowed: boolean; addresses?: { address: string; family: number }[] } {
  const hostAllowed = list.hosts.has(host) || list.hosts.has(host.replace(/\.$/, ""));
  // RFC 6761: "localhost" and every name under it are loopback whatever DNS says (or fails to say)
  if (!hostAllowed && isLocalhostName(host)) return { hostAllowed, addresses: [{ address: "127.0.0.1", family: 4 }] };
  if (ipaddr.isValid(host)) return { hostAllowed, addresses: [{ address: host, family: host.includes(":") ? 6 : 4 }] };
  return { hostAllowed };
}

/**
 * Why every send to this host and port would be refused, known without a DNS lookup (a forbidden
 * port, or an IP address or localhost name the list does not allow), or null: a host name is only
 * judged when sent to, since it may resolve differently by then. Worded as a refused send is.
 */
export function refusalWithoutLookup(hostname: string, port: number, list: AllowList): string | null {
  const portProblem = checkPort(port);
  if (portProblem) return portProblem;
  const { hostAllowed, addresses } = knownWithoutLookup(normaliseHost(hostname), list);
  if (hostAllowed || !addresses) return null;
  for (const a of addresses) {
    const reason = refusalReason(a.address, list);
    if (reason) return reason;
  }
  return null;
}

async function vetUncached(hostname: string, resolve: Resolver, list: AllowList): Promise<VettedAddress> {
  const host = normaliseHost(hostname);
  const known = knownWithoutLookup(host, list);
  const hostAllowed = known.hostAllowed;
  let addresses: { address: string; family: number }[];
  if (known.addresses) addresses = known.addresses;
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      throw new DnsLookupFailed(`DNS lookup failed for ${host} (${(err as NodeJS.ErrnoException).code ?? "no answer"})`);
    }
    if (!addresses.length) throw new DnsLookupFailed(`DNS lookup failed for ${host} (no address)`);
  }
  if (!hostAllowed) {
    // Every answer must pass: a rebinding answer list cannot slip a private address in.
    for (const a of addresses) {
      const reason = refusalReason(a.address, list);
      if (reason) throw new DestinationRefused(reason);
    }
  }
  const first = addresses[0];
  return { address: ipaddr.process(first.address).toString(), family: ipaddr.process(first.address).kind() === "ipv4" ? 4 : 6 };
}

const defaultResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });
