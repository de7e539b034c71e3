import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { AccessError, accessErrorResponse, requireMember } from "@/lib/auth/guard";
import { rejectedRowsFile } from "@/lib/audience/import/jobs";

export const dynamic = "force-dynamic";

/** The rejected rows (line, reason, row) as a CSV download. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    await requireMember(req.headers, "viewer");
    const file = rejectedRowsFile((await params).id);
    if (!file) return Response.json({ error: { code: "not_found", message: "No finished import with this id", details: null } }, { status: 404 });
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="rejected-rows.csv"' },
    });
  } catch (err) {
    if (err instanceof AccessError) return accessErrorResponse(err);
    throw err;
  }
}
