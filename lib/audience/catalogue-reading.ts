// The attribute and event catalogues as one shared reading: reading them scans every user and counts
// events by name, so every editor's suggestions (campaigns/template-suggestions.ts) and every CSV
// upload's first guess (import/first-guess.ts) within this long share one reading, and a busy team
// does not rescan a large audience for each page or upload.
import { attributeCatalogue, type CatalogueEntry } from "./attribute-catalogue";
import { eventCatalogue, type EventCatalogueEntry } from "./event-catalogue";

const MAX_AGE_MS = 30_000;
export type CatalogueReading = { attributes: CatalogueEntry[]; events: EventCatalogueEntry[] };
export type ReadingOptions = { maxAgeMs?: number; now?: number };
let cached: { at: number; reading: Promise<CatalogueReading>; settled: boolean } | null = null;

/**
 * The catalogues as last read, read again when that reading is older than `maxAgeMs` (30 s). A reading
 * still in flight is shared whatever its age (one scan at a time: Activate's fresh read, maxAgeMs 0, or a
 * scan slower than the age asked, joins the one running instead of starting another beside it).
 */
export function catalogueReading(options: ReadingOptions = {}): Promise<CatalogueReading> {
  const now = options.now ?? Date.now();
  const age = cached ? now - cached.at : Infinity;
  if (!cached || (cached.settled && (age < 0 || age >= (options.maxAgeMs ?? MAX_AGE_MS)))) {
    const reading = Promise.all([attributeCatalogue(), eventCatalogue()]).then(([attributes, events]) => ({ attributes, events }));
    const entry = { at: now, reading, settled: false };
    cached = entry;
    reading.then(
      () => (entry.settled = true),
      () => (entry.settled = true),
    );
    // a failed reading is not kept
    reading.catch(() => {
      if (cached?.reading === reading) cached = null;
    });
  }
  return cached.reading;
}
