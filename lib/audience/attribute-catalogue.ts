// The attribute catalogue: every attribute name seen on users, its value types and how many users
// have it. Read from the users' JSON a chunk at a time, the same way on both databases.
import { db } from "../db";
import { asAttributes } from "./users";
import { nextUserPage } from "./user-pages";
import { kindOf, type AttributeKind } from "./attribute-kind";

export type CatalogueEntry = { name: string; types: AttributeKind[]; users: number };

export async function attributeCatalogue(options: { chunk?: number } = {}): Promise<CatalogueEntry[]> {
  const limits = { rows: options.chunk };
  const entries = new Map<string, { types: Set<AttributeKind>; users: number }>();
  // a page at a time, bounded by users and by bytes of attributes (user-pages.ts)
  for (let page = await nextUserPage(undefined, limits); page; page = await nextUserPage(page.id.lte, limits)) {
    const rows = await db().user.findMany({ select: { attributes: true }, where: { id: page.id }, orderBy: { id: "asc" } });
    for (const row of rows) {
      for (const [name, value] of Object.entries(asAttributes(row.attributes))) {
        const entry = entries.get(name) ?? { types: new Set(), users: 0 };
        entry.types.add(kindOf(value));
        entry.users++;
        entries.set(name, entry);
      }
    }
  }
  return [...entries].map(([name, e]) => ({ name, types: [...e.types].sort(), users: e.users })).sort((a, b) => a.name.localeCompare(b.name));
}
