import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { rejectedRowsFile } from "@/lib/audience/import/jobs";

export const dynamic = "force-dynamic";

/** The rejected rows (line, reason, row) as a CSV download. */
export const GET = withInternal({ role: "viewer", params: z.object({ id: idSchema }) }, async ({ params }) => {
  const file = rejectedRowsFile(params.id);
  if (!file) throw new ApiError(404, "not_found", "No finished import with this id");
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="rejected-rows.csv"' },
  });
});
