// The attribute catalogue: every attribute name seen on users, its value types and how many users
// have it. Read from the users' JSON a chunk at a time, the same way on both databases.
import { db } from "../db";
import { asAttributes } from "./users";
import { isIsoDateText } from "../date-input";

export type AttributeKind = "string" | "number" | "boolean" | "date" | "list";
export type CatalogueEntry = { name: string; types: AttributeKind[]; users: number };

export function kindOf(value: unknown): AttributeKind {
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "string" && isIsoDateText(value)) return "date";
  return "string";
}

export async function attributeCatalogue(options: { chunk?: number } = {}): Promise<CatalogueEntry[]> {
  const chunk = options.chunk ?? 5000;
  const entries = new Map<string, { types: Set<AttributeKind>; users: number }>();
  let cursor: string | undefined;
  for (;;) {
    const rows = await db().user.findMany({ select: { id: true, attributes: true }, orderBy: { id: "asc" }, take: chunk, ...(cursor ? { where: { id: { gt: cursor } } } : {}) });
    for (const row of rows) {
      for (const [name, value] of Object.entries(asAttributes(row.attributes))) {
        const entry = entries.get(name) ?? { types: new Set(), users: 0 };
        entry.types.add(kindOf(value));
        entry.users++;
        entries.set(name, entry);
      }
    }
    if (rows.length < chunk) break;
    cursor = rows[rows.length - 1]!.id;
  }
  return [...entries].map(([name, e]) => ({ name, types: [...e.types].sort(), users: e.users })).sort((a, b) => a.name.localeCompare(b.name));
}
