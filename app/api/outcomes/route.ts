import { refusal } from "@/lib/auth/guard";
import { activityOutcomes } from "@/lib/delivery/outcome-series";

export const dynamic = "force-dynamic";

/** Every campaign's outcome chart over the activity window, and the hosts that fail most. */
export async function GET(req: Request) {
  const refused = await refusal(req.headers, "viewer");
  if (refused) return refused;
  return Response.json(await activityOutcomes());
}
