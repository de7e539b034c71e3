// Which campaign set a user attribute from a webhook's response: User.attributeSources, a JSON object
// { [attribute]: deliveryId } that the delivery recorder merges in the same UPDATE as the attributes
// (lib/delivery/store/attribute-writes.ts). Read for the user's page and the users API, which take the
// campaign, the step and the time from that Delivery row; an attribute set another way (the API, an
// import) loses its entry, so "set by" stays true.
// Only the delivery's id: the write is on the delivery engine's thread, and SQLite merges the sources
// with json_patch in time that grows with their bytes (bench/mapping-cost.ts, two attributes a delivery:
// 8-10 µs a first write with ~22 bytes an attribute against 12-14 µs with the ~110 of [campaignId,
// actionId, deliveryId, setAt], the tuples rows written before 2026-12-04 hold, still read as they are).
// A source whose delivery was deleted since (its webhook step, variant or campaign deleted) is listed
// with only its delivery's id.
// A response whose mapped values all equal the user's current ones does not write the row, so the entry
// keeps naming the delivery that set the current value (compared in the UPDATE itself, with the row as
// it is then); when any of them differs, the whole mapping is written and each of its entries names the
// new delivery.
import { db } from "../db";

/** One entry of User.attributeSources, as stored: a delivery's id, or (rows written before 2026-12-04) a tuple (setAt: ISO text in UTC). */
export type StoredAttributeSource = string | [campaignId: string, actionId: string, deliveryId: string, setAt: string];
export type StoredAttributeSources = Record<string, StoredAttributeSource>;

/** campaignId, actionId and setAt are null when the delivery was deleted since; campaignName also when only the campaign was. */
export type AttributeSource = { attribute: string; campaignId: string | null; campaignName: string | null; actionId: string | null; deliveryId: string; setAt: string | null };

function storedSources(value: unknown): StoredAttributeSources {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as StoredAttributeSources) : {};
}

type Origin = { campaignId: string; actionId: string; setAt: Date };

/** An entry as written now or before, or null for anything else in the column (not shown rather than a broken page). */
function parsedSource(entry: unknown): { deliveryId: string; origin?: Origin } | null {
  if (typeof entry === "string") return { deliveryId: entry };
  if (!Array.isArray(entry) || entry.length !== 4 || !entry.every((x) => typeof x === "string")) return null;
  const [campaignId, actionId, deliveryId, setAt] = entry as string[];
  return { deliveryId: deliveryId!, origin: { campaignId: campaignId!, actionId: actionId!, setAt: new Date(setAt!) } };
}

/** A user's attribute sources, by attribute name. */
export async function attributeSourcesOf(userId: string): Promise<Record<string, AttributeSource>> {
  const row = await db().user.findUnique({ where: { id: userId }, select: { attributeSources: true } });
  const stored = storedSources(row?.attributeSources);
  const parsed = new Map<string, NonNullable<ReturnType<typeof parsedSource>>>();
  for (const attribute of Object.keys(stored).sort()) {
    const source = parsedSource(stored[attribute]);
    if (source) parsed.set(attribute, source);
  }
  if (parsed.size === 0) return {};
  // the delivery row says who and when (a delivered row is not written again: its updatedAt is its result's)
  const wanted = [...new Set([...parsed.values()].filter((s) => !s.origin).map((s) => s.deliveryId))];
  const deliveries = wanted.length
    ? await db().delivery.findMany({ where: { id: { in: wanted } }, select: { id: true, campaignId: true, actionId: true, updatedAt: true } })
    : [];
  const origins = new Map<string, Origin>(deliveries.map((d) => [d.id, { campaignId: d.campaignId, actionId: d.actionId, setAt: d.updatedAt }]));
  const originOf = (s: { deliveryId: string; origin?: Origin }) => s.origin ?? origins.get(s.deliveryId);
  const campaignIds = [...new Set([...parsed.values()].flatMap((s) => originOf(s)?.campaignId ?? []))];
  const campaigns = campaignIds.length ? await db().campaign.findMany({ where: { id: { in: campaignIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(campaigns.map((c) => [c.id, c.name]));
  const sources: Record<string, AttributeSource> = {};
  for (const [attribute, s] of parsed) {
    const origin = originOf(s);
    sources[attribute] = origin
      ? { attribute, campaignId: origin.campaignId, campaignName: names.get(origin.campaignId) ?? null, actionId: origin.actionId, deliveryId: s.deliveryId, setAt: origin.setAt.toISOString() }
      : { attribute, campaignId: null, campaignName: null, actionId: null, deliveryId: s.deliveryId, setAt: null };
  }
  return sources;
}

/**
 * The user's sources once `attributes` were set (or removed) another way, or undefined when none of
 * them had one (then the column need not be written): the caller writes it in its own UPDATE.
 */
export function sourcesWithout(current: unknown, attributes: Record<string, unknown> | undefined): StoredAttributeSources | undefined {
  const stored = storedSources(current);
  if (!attributes) return undefined;
  let kept: StoredAttributeSources | undefined;
  for (const name of Object.keys(attributes)) {
    if (!Object.hasOwn(stored, name)) continue;
    kept ??= { ...stored };
    delete kept[name];
  }
  return kept;
}
