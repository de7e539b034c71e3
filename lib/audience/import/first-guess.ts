// The mapping an upload is first shown with: guessed from its header and first rows, and from the
// attributes users already have, so a column named like one of them fills it rather than a twin.
import { catalogueReading } from "../catalogue-reading";
import { guessMapping, type ColumnMapping } from "./mapping";

/** The first guess for an upload, from the catalogue's shared reading (the editors' suggestions' too, 30 s). */
export async function firstGuessMapping(inspection: { headers: string[]; sample: string[][] }): Promise<ColumnMapping[]> {
  return guessMapping(inspection.headers, inspection.sample, (await catalogueReading()).attributes);
}
