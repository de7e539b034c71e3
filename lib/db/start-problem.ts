// What the configured database's own refusal to start means, for lib/startup-error.ts: PostgreSQL
// unreachable, refusing the credentials, or without the database named, in a sentence that names
// its host and the setting to check, never the URL (it holds the password).
import type { DatabaseConfig } from "../env";

/** the network failing us before PostgreSQL says anything */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparseable)";
  }
}

/**
 * The sentence for a start that `database` refused (`code`: the error's code, `first`: its first
 * line, already safe to show), or null when the failure is none of those.
 */
export function databaseStartProblem(database: DatabaseConfig | null, code: string, first: string): string | null {
  if (database?.provider !== "postgresql") return null;
  const where = `PostgreSQL at ${hostOf(database.url)}`;
  if (UNREACHABLE.has(code) || /timeout expired|Connection terminated/i.test(first)) {
    return `${where} cannot be reached (${code || first}). Check DATABASE_URL and that the server is running and accepts connections from here.`;
  }
  if (code === "28P01" || code === "28000") return `${where} refused the credentials in DATABASE_URL: ${first}.`;
  if (code === "3D000") return `${where}: ${first}. Create the database or correct its name in DATABASE_URL.`;
  return null;
}
