// Settings › Allowed destinations: the hosts, IP addresses and CIDR ranges an admin lets webhooks
// reach although they are private (a receiver on localhost, a CRM on the office network). Stored in
// the database and audited; the SSRF guard (ssrf.ts) reads them together with HOOKLINE_ALLOWED_HOSTS.
import ipaddr from "ipaddr.js";
import { env } from "../env";
import { describeSafely, log } from "../log";
import { requireRole } from "../auth/access";
import type { Member } from "../auth/members";

// Loaded on first use: a sender thread (lib/delivery/sender-thread.ts) imports this module through
// the SSRF guard and never opens the database, so it need not load the database client at all.
const db = async () => (await import("../db")).db();
const recordAudit: typeof import("../auth/audit").recordAudit = async (...args) => (await import("../auth/audit")).recordAudit(...args);

/** Every process sees a change within this long (the guard reads the table at most once per period). */
export const ALLOWED_DESTINATIONS_TTL_MS = 1000;

export class AllowedDestinationError extends Error {
  name = "AllowedDestinationError";
}

export type AllowedDestination = { id: string; entry: string; note: string; createdBy: string; createdAt: Date };

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** The entry as stored ("LocalHost." -> "localhost", "[::1]" -> "::1"), or an error in words. */
export function normaliseEntry(input: string, options: { anyWidth?: boolean } = {}): string {
  const entry = input.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (!entry) throw new AllowedDestinationError("Enter a host name, an IP address or a CIDR range");
  if (entry.includes("://")) throw new AllowedDestinationError("Enter the host alone (such as localhost or 10.1.2.3), not a URL");
  if (entry.includes("/")) {
    if (!ipaddr.isValidCIDR(entry)) throw new AllowedDestinationError(`"${input.trim()}" is not a CIDR range such as 10.1.0.0/16`);
    const [range, bits] = ipaddr.parseCIDR(entry);
    // A range this wide would switch the guard off rather than make an exception to it.
    if (!options.anyWidth && bits < (range.kind() === "ipv4" ? 8 : 16)) throw new AllowedDestinationError(`${entry} is too wide: allow at most a /${range.kind() === "ipv4" ? 8 : 16}`);
    return `${range.toString()}/${bits}`;
  }
  if (ipaddr.isValid(entry)) return ipaddr.process(entry).toString();
  // "127.0.0.1:4000" or "[::1]:8080", copied from a webhook's URL: the list names hosts, a port is the URL's
  const withPort = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(input.trim().toLowerCase().replace(/\.$/, ""));
  if (withPort && (ipaddr.isValid(withPort[1]!) || HOST_NAME.test(withPort[1]!.replace(/\.$/, "")))) {
    const host = ipaddr.isValid(withPort[1]!) ? ipaddr.process(withPort[1]!).toString() : withPort[1]!.replace(/\.$/, "");
    throw new AllowedDestinationError(`Enter the host without its port: ${host}`);
  }
  if (!HOST_NAME.test(entry)) throw new AllowedDestinationError(`"${input.trim()}" is not a host name, an IP address or a CIDR range`);
  return entry;
}

export async function listAllowedDestinations(): Promise<AllowedDestination[]> {
  return (await db()).allowedDestination.findMany({ orderBy: { entry: "asc" } });
}

/** HOOKLINE_ALLOWED_HOSTS, shown read-only beside the database's entries. */
export function allowedHostsFromEnv(): string[] {
  return env().HOOKLINE_ALLOWED_HOSTS.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * Refuses a start whose HOOKLINE_ALLOWED_HOSTS holds an entry that can never match (a URL, a broken
 * CIDR, a typo): the guard read it as a host name and refused the destination it was meant to allow.
 * Its width is the operator's choice (the settings page's limit does not apply).
 */
export function checkAllowedHostsFromEnv() {
  for (const entry of allowedHostsFromEnv()) {
    try {
      normaliseEntry(entry, { anyWidth: true });
    } catch (err) {
      throw new AllowedDestinationError(`Invalid configuration: HOOKLINE_ALLOWED_HOSTS: ${(err as Error).message}`);
    }
  }
}

/** Admins only (AccessError 403), like removing one: an allowed destination lets every campaign reach it. */
export async function addAllowedDestination(input: { entry: string; note?: string }, member: Pick<Member, "role" | "email">): Promise<AllowedDestination> {
  requireRole(member, "admin");
  const actor = member.email;
  const entry = normaliseEntry(input.entry);
  const note = (input.note ?? "").trim().slice(0, 200);
  if (await (await db()).allowedDestination.findUnique({ where: { entry } })) throw new AllowedDestinationError(`${entry} is already allowed`);
  const row = await (await db()).allowedDestination.create({ data: { entry, note, createdBy: actor } });
  await recordAudit({ actor, action: "allowed_destination.added", target: entry, details: note ? { note } : undefined });
  forgetCachedEntries();
  return row;
}

export async function removeAllowedDestination(id: string, member: Pick<Member, "role" | "email">): Promise<boolean> {
  requireRole(member, "admin");
  const actor = member.email;
  const row = await (await db()).allowedDestination.findUnique({ where: { id } });
  if (!row) return false;
  await (await db()).allowedDestination.deleteMany({ where: { id } });
  await recordAudit({ actor, action: "allowed_destination.removed", target: row.entry });
  forgetCachedEntries();
  return true;
}

// One cache per process, on globalThis: Next bundles server actions and route handlers separately, so a
// module-level variable would be one copy per bundle, and the Settings action would forget a copy the
// test-send route never reads. The generation makes a read that was in flight during a change unable to
// put the old entries back.
const holder = globalThis as unknown as {
  __hooklineAllowedDestinations?: {
    cached?: { at: number; entries: string[] };
    generation: number;
    pushed?: string[];
    /** the read under way: every send that finds the cache expired meanwhile waits for this one */
    reading?: { generation: number; entries: Promise<string[]> };
    /** the entries last read or pushed, to see one go */
    lastSeen?: string[];
    /** called when an entry goes (onAllowedDestinationsNarrowed) */
    narrowed: Set<() => void>;
  };
};
const cache = (holder.__hooklineAllowedDestinations ??= { generation: 0, narrowed: new Set() });

/**
 * `listener` is called when an entry this process had read (or been handed) is no longer allowed,
 * before any send is vetted against the narrower list: the sender drops what it kept from the wider
 * one (send.ts: its kept-alive connections, opened to addresses allowed then). Every send is vetted
 * first, so this runs before the first send that could use them.
 */
export function onAllowedDestinationsNarrowed(listener: () => void) {
  cache.narrowed.add(listener);
}

function seen(entries: string[]) {
  const before = cache.lastSeen;
  cache.lastSeen = entries;
  if (before && before.some((entry) => !entries.includes(entry))) for (const listener of cache.narrowed) listener();
}

function forgetCachedEntries() {
  cache.cached = undefined;
  cache.generation++;
}

/**
 * The entries the guard allows besides the environment variable, read at most once a second per
 * process: a change made in one process holds in every other one a second later, without a restart,
 * and at once in the process that made it.
 */
export async function allowedDestinationEntries(now = Date.now()): Promise<string[]> {
  if (cache.pushed) return cache.pushed;
  const known = cache.cached;
  if (known && now - known.at < ALLOWED_DESTINATIONS_TTL_MS) return known.entries;
  // One read at a time: every send in flight when the second ran out used to read the table itself
  // (dozens of Prisma queries a second per worker process, more the slower the database answered).
  const generation = cache.generation;
  if (cache.reading?.generation !== generation) {
    const reading = { generation, entries: readEntries(generation, now, known) };
    cache.reading = reading;
    void reading.entries.finally(() => {
      if (cache.reading === reading) cache.reading = undefined;
    });
  }
  return cache.reading!.entries;
}

async function readEntries(generation: number, now: number, known: { entries: string[] } | undefined): Promise<string[]> {
  try {
    const rows = await (await db()).allowedDestination.findMany({ select: { entry: true } });
    const entries = rows.map((r) => r.entry);
    if (cache.generation === generation) cache.cached = { at: now, entries };
    seen(entries);
    return entries;
  } catch (err) {
    // The database is away: keep what we knew (the send itself will wait for the database anyway).
    log.warn("Could not read the allowed destinations", { error: describeSafely(err) });
    return cache.cached?.entries ?? known?.entries ?? [];
  }
}

/**
 * A sender thread has no database connection: the engine hands it the entries its own process read
 * (lib/delivery/sender-threads.ts) with every batch, and from then on the thread's guard uses those.
 */
export function pushAllowedDestinationEntries(entries: string[]) {
  cache.pushed = entries;
  seen(entries);
}
