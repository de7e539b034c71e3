// Which campaign set a user attribute from a webhook's response (UserAttributeSource, written by the
// delivery recorder: lib/delivery/store/attribute-writes.ts). Read for the user's page and the users API;
// forgotten when the attribute is set another way (the API, an import), so "set by" stays true.
import type { DbOrTx } from "../db/client";
import { db } from "../db";

export type AttributeSource = { attribute: string; campaignId: string; campaignName: string | null; actionId: string; deliveryId: string; setAt: string };

/** A user's attribute sources, by attribute name (campaignName null: the campaign was deleted). */
export async function attributeSourcesOf(userId: string): Promise<Record<string, AttributeSource>> {
  const rows = await db().userAttributeSource.findMany({ where: { userId }, orderBy: { attribute: "asc" } });
  if (rows.length === 0) return {};
  const campaigns = await db().campaign.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.campaignId))] } }, select: { id: true, name: true } });
  const names = new Map(campaigns.map((c) => [c.id, c.name]));
  return Object.fromEntries(
    rows.map((r) => [
      r.attribute,
      { attribute: r.attribute, campaignId: r.campaignId, campaignName: names.get(r.campaignId) ?? null, actionId: r.actionId, deliveryId: r.deliveryId, setAt: r.setAt.toISOString() },
    ]),
  );
}

/**
 * Inside an upsert of users: the sources of the attributes it sets or removes are forgotten (one
 * read per 500 users, a delete only for users that have such sources).
 */
export async function forgetAttributeSources(tx: DbOrTx, changes: { userId: string; attributes?: Record<string, unknown> }[]) {
  const byUser = new Map(changes.filter((c) => c.attributes && Object.keys(c.attributes).length).map((c) => [c.userId, Object.keys(c.attributes!)]));
  const ids = [...byUser.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const found = await tx.userAttributeSource.findMany({ where: { userId: { in: ids.slice(i, i + 500) } }, select: { userId: true, attribute: true } });
    const stale = found.filter((s) => byUser.get(s.userId)!.includes(s.attribute));
    // a statement per 400 pairs (800 values): 500 users' sources in one passed the bound Prisma keeps to (999 on SQLite)
    for (let j = 0; j < stale.length; j += 400) {
      await tx.userAttributeSource.deleteMany({ where: { OR: stale.slice(j, j + 400).map((s) => ({ userId: s.userId, attribute: s.attribute })) } });
    }
  }
}
