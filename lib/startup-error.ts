// Why a start failed, in one line an operator can act on: what is wrong and which setting to look at,
// never a stack trace, a URL or a password. For npm start (scripts/prepare.ts), npm run migrate and
// npm run worker, so that each says the same thing about the same problem.
import { env, type DatabaseConfig } from "./env";
import { databaseErrorCode } from "./db/busy";
import { MigrationError } from "./db/migrate";
import { databaseStartProblem } from "./db/start-problem";
import { SecretKeyError } from "./crypto/secret-box";
import { safeMessage } from "./log";

function configuredDatabase(): DatabaseConfig | null {
  try {
    return env().database;
  } catch {
    return null;
  }
}

/** The sentence after "Hookline cannot start: ", ending with what to check. */
export function startupProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const code = databaseErrorCode(err) || (typeof e?.code === "string" ? e.code : "");
  const message = err instanceof Error ? err.message : String(err);
  // Hookline's own sentences (configuration, key, migrations) hold no secret and are kept whole
  const own = err instanceof SecretKeyError || err instanceof MigrationError || /^(Invalid configuration|DATABASE_URL must|HOOKLINE_)/.test(message);
  const first = own ? message.split("\n")[0]! : safeMessage(err);
  const refused = databaseStartProblem(configuredDatabase(), code, first);
  if (refused) return refused;
  const hint =
    code === "SQLITE_READONLY" || code === "EACCES" || code === "EROFS" || code === "EPERM"
      ? " The data directory or database file is read-only: check HOOKLINE_DATA_DIR's permissions."
      : code === "SQLITE_CANTOPEN" || code === "ENOTDIR"
        ? " The database cannot be opened for writing: check that HOOKLINE_DATA_DIR is a writable directory (not read-only, not a file)."
        : code === "SQLITE_FULL" || code === "ENOSPC"
          ? " The disk is full: free some space and start again."
          : "";
  return `${first.replace(/\.$/, "")}.${hint}`;
}
