import { AccessError, accessErrorResponse, requireMember } from "@/lib/auth/guard";
import { receiveUpload, UploadTooLargeError } from "@/lib/audience/import/jobs";
import { guessMapping } from "@/lib/audience/import/mapping";
import { CsvImportError } from "@/lib/audience/import/run";

export const dynamic = "force-dynamic";

/** The CSV file as the raw body; answers the inspection (header, first rows) and a guessed mapping. */
export async function POST(req: Request) {
  try {
    await requireMember(req.headers, "editor");
    const declared = Number(req.headers.get("content-length") ?? 0) || undefined;
    const name = decodeURIComponent(req.headers.get("x-file-name") ?? "upload.csv");
    const job = await receiveUpload(req.body, name, declared);
    return Response.json({ id: job.id, fileName: job.fileName, inspection: job.inspection, mapping: guessMapping(job.inspection.headers) });
  } catch (err) {
    if (err instanceof AccessError) return accessErrorResponse(err);
    if (err instanceof UploadTooLargeError) return Response.json({ error: { code: "payload_too_large", message: err.message, details: null } }, { status: 413 });
    if (err instanceof CsvImportError) return Response.json({ error: { code: "invalid_csv", message: err.message, details: null } }, { status: 400 });
    throw err;
  }
}
