// The editor's autocomplete list for this install: the templating module's variables and helpers,
// filled in with the attribute catalogue and the events seen so far.
import { attributeCatalogue } from "../audience/attribute-catalogue";
import { eventCatalogue } from "../audience/event-catalogue";
import { templateSuggestions, type TemplateSuggestion } from "../templating/suggestions";

// Reading the catalogues scans every user and counts events by name: every editor that opens within
// this long shares one reading, so a busy team does not rescan a large audience for each page.
const MAX_AGE_MS = 30_000;
let cached: { at: number; list: Promise<TemplateSuggestion[]> } | null = null;

export async function loadTemplateSuggestions(options: { maxAgeMs?: number; now?: number } = {}): Promise<TemplateSuggestion[]> {
  const now = options.now ?? Date.now();
  const age = cached ? now - cached.at : Infinity;
  if (!cached || age < 0 || age >= (options.maxAgeMs ?? MAX_AGE_MS)) {
    const list = Promise.all([attributeCatalogue(), eventCatalogue()]).then(([attributes, events]) => templateSuggestions({ attributes, events }));
    cached = { at: now, list };
    // a failed reading is not kept
    list.catch(() => {
      if (cached?.list === list) cached = null;
    });
  }
  return cached.list;
}
