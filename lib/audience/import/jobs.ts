// Imports as the Users page runs them: the upload is spooled to a file in the data directory
// (refused past 50 MB before anything is imported), inspected, then imported in the background
// while the page polls its progress. One process keeps the state; a restart forgets running imports.
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
  fileName: string;
  inspection: CsvInspection;
  status: "uploaded" | "running" | "done" | "failed";
  progress: number;
  report: ImportReport | null;
  error: string | null;
};

export class UploadTooLargeError extends CsvImportError {}

const holder = globalThis as unknown as { __hooklineImports?: Map<string, ImportJob> };
const jobs = () => (holder.__hooklineImports ??= new Map());

function dir() {
  return path.join(env().dataDir, "imports");
}
const fileOf = (id: string) => path.join(dir(), `${id}.csv`);
const rejectedOf = (id: string) => path.join(dir(), `${id}.rejected.csv`);

const tooLarge = (bytes: number) => new UploadTooLargeError(`The file is ${(bytes / 1024 / 1024).toFixed(0)} MB; the limit is 50 MB. Split it and import the parts.`);

/** Writes an upload to disk, stopping (and deleting it) past 50 MB, then inspects it. */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, fileName: string, declaredBytes?: number): Promise<ImportJob> {
  if (declaredBytes && declaredBytes > MAX_UPLOAD_BYTES) throw tooLarge(declaredBytes);
  if (!body) throw new CsvImportError("The file is empty.");
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
    const job: ImportJob = { id, fileName: fileName.slice(0, 200), inspection, status: "uploaded", progress: 0, report: null, error: null };
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
