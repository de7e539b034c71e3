import { ApiError } from "@/lib/api/errors";
import { withInternal } from "@/lib/api/with-internal";
import { receiveUpload, TooManyImportsError, UploadTooLargeError } from "@/lib/audience/import/jobs";
import { firstGuessMapping } from "@/lib/audience/import/first-guess";
import { fileNameFromHeader } from "@/lib/audience/import/file-name";
import { CsvImportError } from "@/lib/audience/import/run";
import { displayedHeaders } from "@/lib/audience/import/inspection-sample";

export const dynamic = "force-dynamic";

/** The CSV file as the raw body (bounded by receiveUpload); answers the inspection (header, first rows) and a guessed mapping (catalogue attributes first). */
export const POST = withInternal({ role: "editor", streamTypes: ["text/csv", "application/csv"] }, async ({ req, member }) => {
  const declared = Number(req.headers.get("content-length") ?? 0) || undefined;
  try {
    const job = await receiveUpload(req.body, fileNameFromHeader(req.headers.get("x-file-name")), member.id, declared);
    // the names shown cut as the sample's cells are; the guess reads them whole (a name over 128 characters is skipped, never cut into one)
    const inspection = { ...job.inspection, headers: displayedHeaders(job.inspection.headers, job.inspection.sample) };
    return { id: job.id, fileName: job.fileName, inspection, mapping: await firstGuessMapping(job.inspection) };
  } catch (err) {
    if (err instanceof UploadTooLargeError) throw new ApiError(413, "payload_too_large", err.message);
    if (err instanceof TooManyImportsError) throw new ApiError(429, "too_many_imports", err.message);
    if (err instanceof CsvImportError) throw new ApiError(400, "invalid_csv", err.message);
    throw err;
  }
});
