// The SQLite database holds every customer's data and the secret key unlocks their secrets: both
// live in files only the server's own user may read (0600) in a directory only it may enter (0700).
// SQLite gives its -wal and -shm files the mode of the database file, so creating that file 0600
// covers them; files made wider by an older version are narrowed at start.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import path from "node:path";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates the directory (0700) if it is missing; an existing one is left as its owner set it. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Narrows an existing file to 0600 when group or others may read or write it. */
export function narrowToPrivate(file: string): void {
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/** Before SQLite opens `file`: its directory exists (0700 if new), the file exists 0600, its -wal/-shm are 0600. */
export function prepareSqliteFile(file: string): void {
  if (file === ":memory:" || file.startsWith("file::memory:")) return;
  ensurePrivateDir(path.dirname(file));
  if (!existsSync(file)) closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) narrowToPrivate(f);
}
