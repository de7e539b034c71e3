// The event catalogue: the event names seen, most tracked first, each with the parameter names seen
// on a sample of its events. Bounded whatever the event table holds: one grouped count over the
// name index, then a few events per name read through that index (no sort over all of them).
import { db } from "../db";

export type EventCatalogueEntry = { name: string; events: number; params: string[] };

export async function eventCatalogue(options: { names?: number; samplesPerName?: number } = {}): Promise<EventCatalogueEntry[]> {
  const names = await db().event.groupBy({
    by: ["name"],
    _count: { name: true },
    orderBy: [{ _count: { name: "desc" } }, { name: "asc" }],
    take: options.names ?? 100,
  });
  return Promise.all(
    names.map(async ({ name, _count }) => {
      const samples = await db().event.findMany({ where: { name }, select: { params: true }, take: options.samplesPerName ?? 20 });
      const params = new Set<string>();
      for (const { params: p } of samples) if (p && typeof p === "object" && !Array.isArray(p)) for (const key of Object.keys(p)) params.add(key);
      return { name, events: _count.name, params: [...params].sort((a, b) => a.localeCompare(b)) };
    }),
  );
}

/** Just the names, most tracked first (the goal picker): the grouped count alone. */
export async function eventNames(limit = 100): Promise<string[]> {
  const names = await db().event.groupBy({ by: ["name"], _count: { name: true }, orderBy: [{ _count: { name: "desc" } }, { name: "asc" }], take: limit });
  return names.map((n) => n.name);
}
