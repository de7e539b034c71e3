// The line a CSV import closes with, in the app's one plural wording (lib/text/plural.ts).
import { plural } from "../../text/plural";

export type ImportCounts = { imported: number; created: number; updated: number; rejectedCount: number; stopped?: string };

/** "Import finished: 1 row imported (1 new user, 0 updated), 2 rejected." */
export function importSummary(report: ImportCounts): string {
  const numbers = new Intl.NumberFormat("en");
  return `Import ${report.stopped ? "stopped" : "finished"}: ${plural(report.imported, "row", "rows")} imported (${plural(report.created, "new user", "new users")}, ${numbers.format(report.updated)} updated), ${numbers.format(report.rejectedCount)} rejected.`;
}
