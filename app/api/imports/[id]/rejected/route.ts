import { Readable } from "node:stream";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { IMPORT_RETENTION_MS, rejectedRowsDownload } from "@/lib/audience/import/jobs";

export const dynamic = "force-dynamic";

/** The rejected rows (line, reason, row) as a CSV download. */
export const GET = withInternal({ role: "viewer", params: z.object({ id: idSchema }) }, async ({ params, member }) => {
  const found = await rejectedRowsDownload(params.id, member);
  if (found.kind === "expired") throw new ApiError(410, "expired", `The rejected rows of this import are no longer kept (imports are kept for ${IMPORT_RETENTION_MS / 3_600_000} hours, and not across a restart of the server). Import the file again to get them.`);
  if (found.kind === "not_done") throw new ApiError(409, "conflict", "This import has not finished yet.");
  if (found.kind === "not_found") throw new ApiError(404, "not_found", "No finished import with this id");
  return new Response(Readable.toWeb(found.stream) as ReadableStream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="rejected-rows.csv"' },
  });
});
