// The editor's live preview (internal, called by react-query as the marketer types).
import { invalidSampleRequest, sampleRequestSchema } from "@/lib/campaigns/preview-input";
import { previewAction } from "@/lib/campaigns/preview";
import { refusal, requireMember } from "@/lib/auth/guard";
import { readJson } from "../read-json";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const refused = await refusal(request.headers, "viewer");
  if (refused) return refused;
  const actor = await requireMember(request.headers, "viewer"); // who copies a webhook decides whether its secrets come along
  const parsed = sampleRequestSchema.safeParse(await readJson(request));
  if (!parsed.success) return Response.json(invalidSampleRequest(parsed.error, "The preview request is not valid."), { status: 400 });
  return Response.json(await previewAction(parsed.data, undefined, actor));
}
