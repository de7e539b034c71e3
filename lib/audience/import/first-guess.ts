// The mapping an upload is first shown with: guessed from its header and first rows, and from the
// attributes users already have, so a column named like one of them fills it rather than a twin.
import { attributeCatalogue } from "../attribute-catalogue";
import { guessMapping, type ColumnMapping } from "./mapping";

/** The first guess for an upload (one catalogue reading, as the Users page does for each view). */
export async function firstGuessMapping(inspection: { headers: string[]; sample: string[][] }): Promise<ColumnMapping[]> {
  return guessMapping(inspection.headers, inspection.sample, await attributeCatalogue());
}
