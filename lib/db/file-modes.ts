// The SQLite database holds every customer's data and the secret key unlocks their secrets: both
// live in files only the server's own user may read (0600) in a directory only it may enter (0700).
// SQLite gives its -wal and -shm files the mode of the database file, so creating that file 0600
// covers them; files made wider by an older version are narrowed at start.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import path from "node:path";

export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Creates the directory (0700) if it is missing; an existing one is left as its owner set it. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

// Best effort, like the rest of this file: on storage that cannot be written (a read-only mount,
// a full disk) the database open that follows reports the problem in its own words.
function bestEffort(fn: () => void) {
  try {
    fn();
  } catch {
    // missing, read-only or not ours: nothing to narrow
  }
}

/** Takes group and other permissions off an existing file (0644 -> 0600, 0444 -> 0400). */
export function narrowToPrivate(file: string): void {
  bestEffort(() => {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, mode & 0o700);
  });
}

/** Before SQLite opens `file`: its directory exists (0700 if new), the file exists 0600, its -wal/-shm are private. */
export function prepareSqliteFile(file: string): void {
  if (file === ":memory:" || file.startsWith("file::memory:")) return;
  ensurePrivateDir(path.dirname(file));
  if (!existsSync(file)) bestEffort(() => closeSync(openSync(file, "a", PRIVATE_FILE_MODE)));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) narrowToPrivate(f);
}
