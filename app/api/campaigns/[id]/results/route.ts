import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { campaignResults } from "@/lib/campaigns/conversion-results";

export const dynamic = "force-dynamic";

/** The campaign's results table: per step, variant and control, reached, delivered, converted and the statistics (polled while it sends). */
export const GET = withInternal({ role: "viewer", params: z.object({ id: idSchema }), heavy: true }, async ({ params }) => {
  const results = await campaignResults(params.id);
  if (!results) throw new ApiError(404, "not_found", "This campaign no longer exists.");
  return results;
});
