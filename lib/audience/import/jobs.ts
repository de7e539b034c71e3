// Imports as the Users page runs them: the upload is spooled to a file in the data directory
// (refused past 50 MB before anything is imported), inspected, then imported in the background
// while the page polls its progress. One process keeps the state; a restart forgets running imports.
// What an upload leaves on disk (the spooled file until it is imported, the rejected rows after) is
// bounded per member: each keeps their last MAX_IMPORTS_PER_MEMBER imports, and a new upload deletes
// the files of their older ones. Without it an editor's uploads never imported, 50 MB each, stayed
// until the data directory (the SQLite database's too) was full.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { env } from "../../env";
import { describeSafely, log } from "../../log";
import type { Delimiter, CsvEncoding } from "./detect";
import type { ColumnMapping } from "./mapping";
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
};

export class UploadTooLargeError extends CsvImportError {}
/** The member's other imports are all still running: a new upload waits for one to finish. */
export class TooManyImportsError extends CsvImportError {}

/** Imports (uploaded, running or done) whose files a member keeps; an upload past it deletes the oldest finished or unstarted. */
export const MAX_IMPORTS_PER_MEMBER = 5;

const holder = globalThis as unknown as { __hooklineImports?: Map<string, ImportJob> };
const jobs = () => (holder.__hooklineImports ??= new Map());

function dir() {
  return path.join(env().dataDir, "imports");
}
const fileOf = (id: string) => path.join(dir(), `${id}.csv`);
const rejectedOf = (id: string) => path.join(dir(), `${id}.rejected.csv`);

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
    jobs().delete(job.id);
    await Promise.all([rm(fileOf(job.id), { force: true }), rm(rejectedOf(job.id), { force: true })]);
    over--;
  }
  if (over > 0) throw new TooManyImportsError(`You have ${MAX_IMPORTS_PER_MEMBER} imports running or being uploaded; wait for one to finish.`);
}

const tooLarge = (bytes: number) => new UploadTooLargeError(`The file is ${(bytes / 1024 / 1024).toFixed(0)} MB; the limit is 50 MB. Split it and import the parts.`);

/** Writes an upload to disk, stopping (and deleting it) past 50 MB, then inspects it. */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, fileName: string, owner: string, declaredBytes?: number): Promise<ImportJob> {
  if (declaredBytes && declaredBytes > MAX_UPLOAD_BYTES) throw tooLarge(declaredBytes);
  if (!body) throw new CsvImportError("The file is empty.");
  receiving.set(owner, (receiving.get(owner) ?? 0) + 1);
  try {
    await makeRoom(owner);
    return await spool(body, fileName, owner);
  } finally {
    const left = (receiving.get(owner) ?? 1) - 1;
    if (left > 0) receiving.set(owner, left);
    else receiving.delete(owner);
  }
}

async function spool(body: ReadableStream<Uint8Array>, fileName: string, owner: string): Promise<ImportJob> {
  await mkdir(dir(), { recursive: true });
  const id = `imp_${randomBytes(9).toString("base64url")}`;
  const file = fileOf(id);
  const out = createWriteStream(file, { mode: 0o600 });
  let size = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_UPLOAD_BYTES) {
        await reader.cancel();
        throw tooLarge(size);
      }
      if (!out.write(value)) await once(out, "drain");
    }
    out.end();
    await once(out, "close");
    const inspection = await inspectCsv(file);
    const job: ImportJob = { id, owner, fileName: fileName.slice(0, 200), inspection, status: "uploaded", progress: 0, report: null, error: null };
    jobs().set(id, job);
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

/** Starts the import in the background; the caller polls importJob(id). */
export function startImport(id: string, options: { mapping: ColumnMapping[]; delimiter?: Delimiter; encoding?: CsvEncoding }): ImportJob {
  const job = jobs().get(id);
  if (!job) throw new CsvImportError("This upload is no longer available; upload the file again.");
  if (job.status !== "uploaded") throw new CsvImportError("This file has already been imported.");
  if (options.mapping.length !== job.inspection.headers.length) throw new CsvImportError(`Map each of the ${job.inspection.headers.length} columns.`);
  job.status = "running";
  const run = importCsv(fileOf(id), {
    delimiter: options.delimiter ?? job.inspection.delimiter,
    encoding: options.encoding ?? job.inspection.encoding,
    mapping: options.mapping,
    rejectedFile: rejectedOf(id),
    onProgress: (fraction, report) => {
      job.progress = fraction;
      job.report = { ...report };
    },
  });
  run.then(
    (report) => Object.assign(job, { status: "done", progress: 1, report }),
    (err: Error) => {
      log.warn("CSV import failed", { id, error: describeSafely(err) });
      Object.assign(job, { status: "failed", error: err.message });
    },
  );
  void run.finally(() => rm(fileOf(id), { force: true }));
  return job;
}

/** The rejected rows as CSV (line, reason, row), once the import is done. */
export function rejectedRowsFile(id: string): string | null {
  return jobs().get(id)?.status === "done" ? rejectedOf(id) : null;
}
