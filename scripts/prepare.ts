// Run by npm start before the server: migrations, secret key, demo seed. Exits non-zero with a
// plain message (no stack trace) when the database cannot be prepared.
import { prepareInstall } from "../lib/bootstrap";
import { disconnectDb } from "../lib/db";

try {
  await prepareInstall();
  await disconnectDb();
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  const hint =
    e.code === "SQLITE_READONLY" || e.code === "EACCES" || e.code === "EROFS" || e.code === "EPERM"
      ? " The data directory or database file is read-only: check HOOKLINE_DATA_DIR's permissions."
      : e.code === "SQLITE_CANTOPEN" || e.code === "ENOTDIR"
        ? " The database cannot be opened for writing: check that HOOKLINE_DATA_DIR is a writable directory (not read-only, not a file)."
      : e.code === "SQLITE_FULL" || e.code === "ENOSPC"
        ? " The disk is full: free some space and start again."
        : "";
  console.error(`Hookline cannot start: ${e.message}.${hint}`);
  process.exit(1);
}
