import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { campaignOutcomes } from "@/lib/delivery/store/campaign-outcomes";

export const dynamic = "force-dynamic";

/** One campaign's outcome chart and send progress (polled while it sends). */
export const GET = withInternal({ role: "viewer", params: z.object({ id: idSchema }), heavy: true }, async ({ params }) => {
  const outcomes = await campaignOutcomes(params.id);
  if (!outcomes) throw new ApiError(404, "not_found", "This campaign no longer exists.");
  return outcomes;
});
