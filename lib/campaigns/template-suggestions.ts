// The editor's autocomplete list for this install: the templating module's variables and helpers,
// filled in with the attribute catalogue and the events seen so far, from the catalogues' shared
// reading (lib/audience/catalogue-reading.ts: one reading for every editor and upload within 30 s).
import { catalogueReading, type CatalogueReading, type ReadingOptions } from "../audience/catalogue-reading";
import { MAX_SUGGESTED_ATTRIBUTES, templateSuggestions, type TemplateSuggestion } from "../templating/suggestions";

// the list made once per reading, so the editors sharing a reading share its list too
const listOf = new WeakMap<CatalogueReading, TemplateSuggestion[]>();

export async function loadTemplateSuggestions(options: ReadingOptions = {}): Promise<TemplateSuggestion[]> {
  const reading = await catalogueReading(options);
  let list = listOf.get(reading);
  if (!list) listOf.set(reading, (list = templateSuggestions(reading)));
  return list;
}

/** The attribute catalogue from the same reading: the names "Save response to user" offers. */
export async function loadAttributeChoices(options: ReadingOptions = {}): Promise<{ name: string; types: string[] }[]> {
  return (await catalogueReading(options)).attributes.slice(0, MAX_SUGGESTED_ATTRIBUTES).map(({ name, types }) => ({ name, types }));
}

/** Every attribute name of the same reading, unbounded: whether anyone has an attribute (unknown-attributes.ts). */
export async function loadAttributeNames(options: ReadingOptions = {}): Promise<string[]> {
  return (await catalogueReading(options)).attributes.map((a) => a.name);
}
