// The editor's autocomplete list for this install: the templating module's variables and helpers,
// filled in with the attribute catalogue and the events seen so far.
import { attributeCatalogue, type CatalogueEntry } from "../audience/attribute-catalogue";
import { eventCatalogue } from "../audience/event-catalogue";
import { MAX_SUGGESTED_ATTRIBUTES, templateSuggestions, type TemplateSuggestion } from "../templating/suggestions";

// Reading the catalogues scans every user and counts events by name: every editor that opens within
// this long shares one reading, so a busy team does not rescan a large audience for each page.
const MAX_AGE_MS = 30_000;
type Catalogues = { suggestions: TemplateSuggestion[]; attributes: CatalogueEntry[] };
type LoadOptions = { maxAgeMs?: number; now?: number };
let cached: { at: number; list: Promise<Catalogues> } | null = null;

function load(options: LoadOptions): Promise<Catalogues> {
  const now = options.now ?? Date.now();
  const age = cached ? now - cached.at : Infinity;
  if (!cached || age < 0 || age >= (options.maxAgeMs ?? MAX_AGE_MS)) {
    const list = Promise.all([attributeCatalogue(), eventCatalogue()]).then(([attributes, events]) => ({ suggestions: templateSuggestions({ attributes, events }), attributes }));
    cached = { at: now, list };
    // a failed reading is not kept
    list.catch(() => {
      if (cached?.list === list) cached = null;
    });
  }
  return cached.list;
}

export async function loadTemplateSuggestions(options: LoadOptions = {}): Promise<TemplateSuggestion[]> {
  return (await load(options)).suggestions;
}

/** The attribute catalogue from the same reading: the names "Save response to user" offers. */
export async function loadAttributeChoices(options: LoadOptions = {}): Promise<{ name: string; types: string[] }[]> {
  return (await load(options)).attributes.slice(0, MAX_SUGGESTED_ATTRIBUTES).map(({ name, types }) => ({ name, types }));
}
