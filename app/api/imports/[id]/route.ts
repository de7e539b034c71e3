import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { IMPORT_RETENTION_MS, importExpired, importJobFor, startImport, TooManyImportsError } from "@/lib/audience/import/jobs";
import { DELIMITERS } from "@/lib/audience/import/detect";
import { mappingSchema } from "@/lib/audience/import/mapping";
import { CsvImportError } from "@/lib/audience/import/run";

export const dynamic = "force-dynamic";

const params = z.object({ id: idSchema });
const startSchema = z.object({ mapping: mappingSchema, delimiter: z.enum(DELIMITERS).optional() }).strict();

/** Progress and, once done, the report. */
export const GET = withInternal({ role: "viewer", params }, async ({ params, member }) => {
  const job = importJobFor(params.id, member);
  if (!job && importExpired(params.id)) throw new ApiError(410, "expired", `This import is no longer kept (imports are kept for ${IMPORT_RETENTION_MS / 3_600_000} hours). Upload the file again.`);
  if (!job) throw new ApiError(404, "not_found", "No such import");
  return { status: job.status, progress: job.progress, report: job.report, error: job.error };
});

/** Starts the import with the column mapping. */
export const POST = withInternal({ role: "editor", params, body: startSchema }, async ({ params, body, member }) => {
  try {
    const job = startImport(params.id, body, member);
    return Response.json({ status: job.status }, { status: 202 });
  } catch (err) {
    if (err instanceof TooManyImportsError) throw new ApiError(429, "too_many_imports", err.message);
    if (err instanceof CsvImportError) throw new ApiError(409, "conflict", err.message);
    throw err;
  }
});
