// Imports as the Users page runs them: the upload is spooled to a file in the data directory
// (refused past 50 MB before anything is imported), inspected, then imported in the background
// while the page polls its progress. One process keeps the state; a restart forgets running imports.
// What an upload leaves on disk (the spooled file until it is imported, the rejected rows after) is
// bounded per member: each keeps their last MAX_IMPORTS_PER_MEMBER imports, and a new upload deletes
// the files of their older ones. Without it an editor's uploads never imported, 50 MB each, stayed
// until the data directory (the SQLite database's too) was full.
// Nothing is kept for ever: a finished import (its report and rejected rows) or an upload never
// imported is dropped, files and all, after IMPORT_RETENTION_MS or beyond MAX_KEPT_IMPORTS, by the
// sweep every new upload runs first and the web process runs hourly (files a restart left behind too).
import { randomBytes } from "node:crypto";
import { createWriteStream, type ReadStream } from "node:fs";
import { open, readdir, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { env } from "../../env";
import { describeSafely, log } from "../../log";
import { ensurePrivateDir, narrowToPrivate, PRIVATE_FILE_MODE } from "../../db/file-modes";
import { AccessError } from "../../auth/guard";
import { effectiveRole, type MemberRole } from "../../auth/roles";
import type { Delimiter, CsvEncoding } from "./detect";
import type { ColumnMapping } from "./mapping";
import { displayableFileName } from "./file-name";
import { CsvImportError, importCsv, inspectCsv, MAX_UPLOAD_BYTES, type CsvInspection, type ImportReport } from "./run";

export type ImportJob = {
  id: string;
  /** the member who uploaded it: their uploads are counted together */
  owner: string;
  fileName: string;
  inspection: CsvInspection;
  status: "uploaded" | "running" | "done" | "failed";
  progress: number;
  report: ImportReport | null;
  error: string | null;
  /** ms since the epoch: when the upload was received, and when its import ended (done or failed) */
  createdAt: number;
  finishedAt: number | null;
};

/** How long a finished import (report, rejected rows) or an upload never imported is kept. */
export const IMPORT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** At most this many imports not running are kept (each may hold a 50 MB upload); the oldest go first. */
export const MAX_KEPT_IMPORTS = 50;
/** How many dropped ids are remembered, so that their links say "expired" rather than "no such import". */
const MAX_EXPIRED_IDS = 1000;
const IMPORT_SWEEP_EVERY_MS = 60 * 60 * 1000;

export class UploadTooLargeError extends CsvImportError {}
/** The member's other imports are all still running, or MAX_RUNNING_IMPORTS are: this one waits for one to finish. */
export class TooManyImportsError extends CsvImportError {}

/** Imports (uploaded, running or done) whose files a member keeps; an upload past it deletes the oldest finished or unstarted. */
export const MAX_IMPORTS_PER_MEMBER = 5;
/**
 * Imports running at once in this process, whoever started them: each holds up to a batch of rows
 * and its rejected rows (about its 50 MB file at worst) and takes the event loop's time, and
 * several editors with 5 each could push the web process toward its 1 GB heap. Past it a start is
 * refused until one ends (the upload waits, ready to start).
 */
export const MAX_RUNNING_IMPORTS = 3;

const holder = globalThis as unknown as { __hooklineImports?: Map<string, ImportJob>; __hooklineExpiredImports?: Set<string>; __hooklineImportSweeper?: NodeJS.Timeout };
const jobs = () => (holder.__hooklineImports ??= new Map());
const expiredIds = () => (holder.__hooklineExpiredImports ??= new Set());

function dir() {
  return path.join(env().dataDir, "imports");
}
/**
 * The imports folder holds whole rows of users' data (uploads, rejected rows): 0700, its files
 * 0600, like the database beside it. One an older version made 0755 is narrowed.
 */
function privateDir() {
  const imports = dir();
  ensurePrivateDir(imports);
  narrowToPrivate(imports);
  return imports;
}
/** what an import's id looks like: nothing else is joined into a path (an id from a URL could climb out of the directory) */
const IMPORT_ID = /^imp_[A-Za-z0-9_-]+$/;
function inDir(id: string, suffix: string) {
  if (!IMPORT_ID.test(id)) throw new Error("not an import's id");
  return path.join(dir(), `${id}${suffix}`);
}
const fileOf = (id: string) => inDir(id, ".csv");
const rejectedOf = (id: string) => inDir(id, ".rejected.csv");
/** the id a file in the imports directory belongs to */
const FILE_NAME = /^(imp_[A-Za-z0-9_-]+)(?:\.rejected)?\.csv$/;

/**
 * Which imports to drop at `now`: those not running whose upload or end is older than the retention,
 * then, of the rest, the oldest beyond the count. A running import is never dropped.
 */
export function importsToDrop(list: ImportJob[], now: number, limits = { retentionMs: IMPORT_RETENTION_MS, maxKept: MAX_KEPT_IMPORTS }): string[] {
  // `list` is in upload order: uploads within one millisecond (a quick script's, a fast machine's) are
  // told apart by it, newest first, or the newest of them was dropped in place of the oldest (CI)
  const idle = list.flatMap((j, order) => (j.status !== "running" ? [{ id: j.id, since: j.finishedAt ?? j.createdAt, order }] : []));
  const drop = new Set(idle.filter((j) => now - j.since >= limits.retentionMs).map((j) => j.id));
  const kept = idle.filter((j) => !drop.has(j.id)).sort((a, b) => b.since - a.since || b.order - a.order);
  for (const j of kept.slice(limits.maxKept)) drop.add(j.id);
  return [...drop];
}

function rememberExpired(id: string) {
  const ids = expiredIds();
  ids.add(id);
  if (ids.size > MAX_EXPIRED_IDS) ids.delete(ids.values().next().value!);
}

/** Forgets an import and deletes its files; `expired`: its links then say so (410) rather than "no such import" (404). */
async function dropImport(id: string, { expired = true } = {}) {
  jobs().delete(id);
  if (expired) rememberExpired(id);
  await rm(fileOf(id), { force: true });
  await rm(rejectedOf(id), { force: true });
}

/**
 * Drops what importsToDrop says, and files no import in this process names (a restart forgets its
 * imports) once they are older than the retention: younger ones may be an upload being written, or
 * another process's. Returns how many imports and stray files went.
 */
export async function sweepImports(now = Date.now()): Promise<{ imports: number; files: number }> {
  const dropped = importsToDrop([...jobs().values()], now);
  for (const id of dropped) await dropImport(id);
  let files = 0;
  const names = await readdir(dir()).catch(() => [] as string[]);
  for (const name of names) {
    const id = FILE_NAME.exec(name)?.[1];
    if (!id || jobs().has(id)) continue;
    const file = path.join(dir(), name);
    const modified = (await stat(file).catch(() => null))?.mtimeMs;
    if (modified === undefined || now - modified < IMPORT_RETENTION_MS) continue;
    await rm(file, { force: true });
    rememberExpired(id);
    files++;
  }
  return { imports: dropped.length, files };
}

/** The web process sweeps once at start (what a restart left) and then hourly. */
export function startImportSweeper() {
  if (holder.__hooklineImportSweeper) return;
  const sweep = () => void sweepImports().catch((err) => log.warn("Could not clean up old CSV imports", { error: describeSafely(err) }));
  sweep();
  holder.__hooklineImportSweeper = setInterval(sweep, IMPORT_SWEEP_EVERY_MS);
  holder.__hooklineImportSweeper.unref?.();
}

// uploads being received, per member: counted before their file exists, so uploads sent at once cannot pass the bound together
const receiving = new Map<string, number>();

/**
 * Makes room for the upload `owner` is sending (counted in `receiving`): their oldest imports not
 * running are forgotten and their files deleted until, with the uploads being received, at most
 * MAX_IMPORTS_PER_MEMBER remain.
 */
async function makeRoom(owner: string): Promise<void> {
  const theirs = [...jobs().values()].filter((j) => j.owner === owner); // a Map keeps insertion order: oldest first
  let over = theirs.length + (receiving.get(owner) ?? 0) - MAX_IMPORTS_PER_MEMBER;
  for (const job of theirs) {
    if (over <= 0) break;
    if (job.status === "running") continue;
    await dropImport(job.id, { expired: false });
    over--;
  }
  if (over > 0) throw new TooManyImportsError(`You have ${MAX_IMPORTS_PER_MEMBER} imports running or being uploaded; wait for one to finish.`);
}

// a body without a length (chunked) is refused as it crosses the limit: its size is not known
const overLimit = () => new UploadTooLargeError("The file is over 50 MB, the limit. Split it and import the parts.");
const tooLarge = (bytes: number) => new UploadTooLargeError(`The file is ${(bytes / 1024 / 1024).toFixed(0)} MB; the limit is 50 MB. Split it and import the parts.`);

/** Writes an upload to disk, stopping (and deleting it) past 50 MB, then inspects it. */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, fileName: string, owner: string, declaredBytes?: number): Promise<ImportJob> {
  if (declaredBytes && declaredBytes > MAX_UPLOAD_BYTES) throw tooLarge(declaredBytes);
  if (!body) throw new CsvImportError("The file is empty.");
  receiving.set(owner, (receiving.get(owner) ?? 0) + 1);
  try {
    await makeRoom(owner);
    return await spool(body, fileName, owner, declaredBytes);
  } finally {
    const left = (receiving.get(owner) ?? 1) - 1;
    if (left > 0) receiving.set(owner, left);
    else receiving.delete(owner);
  }
}

async function spool(body: ReadableStream<Uint8Array>, fileName: string, owner: string, declaredBytes?: number): Promise<ImportJob> {
  privateDir();
  const id = `imp_${randomBytes(9).toString("base64url")}`;
  const file = fileOf(id);
  const out = createWriteStream(file, { mode: PRIVATE_FILE_MODE });
  let size = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_UPLOAD_BYTES) {
        await reader.cancel();
        throw overLimit();
      }
      if (!out.write(value)) await once(out, "drain");
    }
    // a body cut short on its way (Next.js's copy for proxy.ts handed routes its first 10 MB) is not the file
    if (declaredBytes !== undefined && size !== declaredBytes) throw new CsvImportError(`Only ${size} of the file's ${declaredBytes} bytes arrived; nothing was kept. Upload it again.`);
    out.end();
    await once(out, "close");
    const inspection = await inspectCsv(file);
    const job: ImportJob = { id, owner, fileName: displayableFileName(fileName), inspection, status: "uploaded", progress: 0, report: null, error: null, createdAt: Date.now(), finishedAt: null };
    jobs().set(id, job);
    // what earlier imports left past their retention, or beyond the count now that this one is the newest
    await sweepImports();
    return job;
  } catch (err) {
    out.destroy();
    await rm(file, { force: true });
    throw err;
  }
}

export function importJob(id: string): ImportJob | null {
  return jobs().get(id) ?? null;
}

/** Who asks about an import: the member's id and role. */
export type ImportActor = { id: string; role: MemberRole };

// An import is its uploader's: only they choose its mapping and start it (an admin who wants the
// file imported otherwise uploads it themselves). What it found (report, rejected rows: whole rows
// of their file) is theirs and the admins'.
function assertMayStart(job: ImportJob, actor: ImportActor) {
  if (job.owner !== actor.id) throw new AccessError(403, "Only the member who uploaded it can start this import");
}

function assertMayRead(job: ImportJob, actor: ImportActor) {
  if (job.owner !== actor.id && effectiveRole(actor.role) !== "admin") throw new AccessError(403, "Only the member who uploaded it and admins can see what this import found");
}

/** The import as `actor` may see it (its uploader, an admin): null when there is none, 403 for anyone else. */
export function importJobFor(id: string, actor: ImportActor): ImportJob | null {
  const job = jobs().get(id);
  if (job) assertMayRead(job, actor);
  return job ?? null;
}

/** Starts the import in the background (its uploader only); the caller polls importJobFor(id). */
export function startImport(id: string, options: { mapping: ColumnMapping[]; delimiter?: Delimiter; encoding?: CsvEncoding }, actor: ImportActor): ImportJob {
  const job = jobs().get(id);
  if (!job) throw new CsvImportError("This upload is no longer available; upload the file again.");
  assertMayStart(job, actor);
  if (job.status !== "uploaded") throw new CsvImportError("This file has already been imported.");
  if (options.mapping.length !== job.inspection.headers.length) throw new CsvImportError(`Map each of the ${job.inspection.headers.length} columns.`);
  const running = [...jobs().values()].filter((j) => j.status === "running").length;
  if (running >= MAX_RUNNING_IMPORTS) throw new TooManyImportsError(`${MAX_RUNNING_IMPORTS} imports are running on this server; start this one when one of them has finished.`);
  job.status = "running";
  const run = importCsv(fileOf(id), {
    delimiter: options.delimiter ?? job.inspection.delimiter,
    encoding: options.encoding ?? job.inspection.encoding,
    mapping: options.mapping,
    headers: job.inspection.headers,
    rejectedFile: rejectedOf(id),
    onProgress: (fraction, report) => {
      job.progress = fraction;
      job.report = { ...report };
    },
  });
  run.then(
    (report) => Object.assign(job, { status: "done", progress: 1, report, finishedAt: Date.now() }),
    (err: Error) => {
      log.warn("CSV import failed", { id, error: describeSafely(err) });
      Object.assign(job, { status: "failed", error: err.message, finishedAt: Date.now() });
    },
  );
  void run.finally(() => rm(fileOf(id), { force: true }));
  return job;
}

/** Whether `id` named an import that was dropped (retention, count) or that a restart forgot. */
export function importExpired(id: string): boolean {
  return expiredIds().has(id);
}

export type RejectedRowsDownload =
  | { kind: "file"; stream: ReadStream }
  | { kind: "expired" }
  | { kind: "not_found" }
  | { kind: "not_done" };

/** The rejected rows as CSV (line, reason, row), once the import is done, or why not; for its uploader and admins (403 otherwise). */
export async function rejectedRowsDownload(id: string, actor: ImportActor): Promise<RejectedRowsDownload> {
  if (!IMPORT_ID.test(id)) return { kind: "not_found" };
  const job = jobs().get(id);
  if (job) assertMayRead(job, actor);
  if (!job) {
    if (importExpired(id)) return { kind: "expired" };
    // a restart forgot the import; its file is still here until the sweep takes it
    return (await stat(rejectedOf(id)).catch(() => null)) ? { kind: "expired" } : { kind: "not_found" };
  }
  if (job.status !== "done") return { kind: "not_done" };
  // opened before answering: a sweep that deletes it meanwhile cannot cut the download short, and a
  // file gone by other means (a cleaner of the data directory) is "expired", not a failed response
  const handle = await open(rejectedOf(id), "r").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  return handle ? { kind: "file", stream: handle.createReadStream() } : { kind: "expired" };
}
