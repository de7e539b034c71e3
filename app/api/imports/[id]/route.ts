import { z } from "zod";
import { AccessError, accessErrorResponse, requireMember } from "@/lib/auth/guard";
import { importJob, startImport } from "@/lib/audience/import/jobs";
import { DELIMITERS } from "@/lib/audience/import/detect";
import { mappingSchema } from "@/lib/audience/import/mapping";
import { CsvImportError } from "@/lib/audience/import/run";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };
const startSchema = z.object({ mapping: mappingSchema, delimiter: z.enum(DELIMITERS).optional() }).strict();
const fail = (status: number, code: string, message: string, details: unknown = null) => Response.json({ error: { code, message, details } }, { status });

/** Progress and, once done, the report. */
export async function GET(req: Request, { params }: Ctx) {
  try {
    await requireMember(req.headers, "viewer");
    const job = importJob((await params).id);
    if (!job) return fail(404, "not_found", "No such import");
    return Response.json({ status: job.status, progress: job.progress, report: job.report, error: job.error });
  } catch (err) {
    if (err instanceof AccessError) return accessErrorResponse(err);
    throw err;
  }
}

/** Starts the import with the column mapping. */
export async function POST(req: Request, { params }: Ctx) {
  try {
    await requireMember(req.headers, "editor");
    const parsed = startSchema.safeParse(await req.json().catch(() => null));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return fail(400, "validation_error", `${issue.path.join(".") || "mapping"}: ${issue.message}`, parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
    }
    const job = startImport((await params).id, parsed.data);
    return Response.json({ status: job.status }, { status: 202 });
  } catch (err) {
    if (err instanceof AccessError) return accessErrorResponse(err);
    if (err instanceof CsvImportError) return fail(409, "conflict", err.message);
    throw err;
  }
}
