// The attribute and event catalogues as one shared reading: reading them scans every user and counts
// events by name, so every editor's suggestions (campaigns/template-suggestions.ts) and every CSV
// upload's first guess (import/first-guess.ts) within this long share one reading, and a busy team
// does not rescan a large audience for each page or upload.
import { attributeCatalogue, type CatalogueEntry } from "./attribute-catalogue";
import { eventCatalogue, type EventCatalogueEntry } from "./event-catalogue";

const MAX_AGE_MS = 30_000;
export type CatalogueReading = { attributes: CatalogueEntry[]; events: EventCatalogueEntry[] };
export type ReadingOptions = { maxAgeMs?: number; now?: number };
let cached: { at: number; reading: Promise<CatalogueReading> } | null = null;

/** The catalogues as last read, read again when that reading is older than `maxAgeMs` (30 s). */
export function catalogueReading(options: ReadingOptions = {}): Promise<CatalogueReading> {
  const now = options.now ?? Date.now();
  const age = cached ? now - cached.at : Infinity;
  if (!cached || age < 0 || age >= (options.maxAgeMs ?? MAX_AGE_MS)) {
    const reading = Promise.all([attributeCatalogue(), eventCatalogue()]).then(([attributes, events]) => ({ attributes, events }));
    cached = { at: now, reading };
    // a failed reading is not kept
    reading.catch(() => {
      if (cached?.reading === reading) cached = null;
    });
  }
  return cached.reading;
}
