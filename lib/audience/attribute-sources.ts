// Which campaign set a user attribute from a webhook's response: User.attributeSources, a JSON object
// { [attribute]: [campaignId, actionId, deliveryId, setAt] } that the delivery recorder merges in the
// same UPDATE as the attributes (lib/delivery/store/attribute-writes.ts). Read for the user's page and
// the users API; an attribute set another way (the API, an import) loses its entry, so "set by" stays true.
// A response whose mapped values all equal the user's current ones does not write the row, so the entry
// keeps naming the delivery that set the current value (compared in the UPDATE itself, with the row as
// it is then); when any of them differs, the whole mapping is written and each of its entries names the
// new delivery.
// A tuple, not an object: SQLite extracts and merges a user's sources in half the time without the
// four key names repeated under every attribute (the write is on the delivery engine's thread).
import { db } from "../db";

/** One entry of User.attributeSources, as stored (setAt: ISO text in UTC). */
export type StoredAttributeSource = [campaignId: string, actionId: string, deliveryId: string, setAt: string];
export type StoredAttributeSources = Record<string, StoredAttributeSource>;

export type AttributeSource = { attribute: string; campaignId: string; campaignName: string | null; actionId: string; deliveryId: string; setAt: string };

function storedSources(value: unknown): StoredAttributeSources {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as StoredAttributeSources) : {};
}

/** A user's attribute sources, by attribute name (campaignName null: the campaign was deleted). */
export async function attributeSourcesOf(userId: string): Promise<Record<string, AttributeSource>> {
  const row = await db().user.findUnique({ where: { id: userId }, select: { attributeSources: true } });
  const stored = storedSources(row?.attributeSources);
  // only what the recorder writes: anything else in the column is not shown rather than a broken page
  const attributes = Object.keys(stored).filter((a) => Array.isArray(stored[a]) && stored[a].length === 4).sort();
  if (attributes.length === 0) return {};
  const campaignIds = [...new Set(attributes.map((a) => stored[a]![0]))];
  const campaigns = await db().campaign.findMany({ where: { id: { in: campaignIds } }, select: { id: true, name: true } });
  const names = new Map(campaigns.map((c) => [c.id, c.name]));
  const sources: Record<string, AttributeSource> = {};
  for (const attribute of attributes) {
    const [campaignId, actionId, deliveryId, setAt] = stored[attribute]!;
    sources[attribute] = { attribute, campaignId, campaignName: names.get(campaignId) ?? null, actionId, deliveryId, setAt: new Date(setAt).toISOString() };
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
