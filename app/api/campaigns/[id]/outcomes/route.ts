import { refusal } from "@/lib/auth/guard";
import { campaignOutcomes } from "@/lib/delivery/campaign-outcomes";

export const dynamic = "force-dynamic";

/** One campaign's outcome chart and send progress (polled while it sends). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const refused = await refusal(req.headers, "viewer");
  if (refused) return refused;
  const outcomes = await campaignOutcomes((await params).id);
  if (!outcomes) return Response.json({ message: "This campaign no longer exists." }, { status: 404 });
  return Response.json(outcomes);
}
