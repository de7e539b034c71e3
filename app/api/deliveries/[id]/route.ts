import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { deliveryDetail } from "@/lib/delivery/store/log-queries";

export const dynamic = "force-dynamic";

/** One delivery with every attempt (requests stored masked). */
export const GET = withInternal({ role: "viewer", params: z.object({ id: idSchema }) }, async ({ params }) => {
  const detail = await deliveryDetail(params.id);
  if (!detail) throw new ApiError(404, "not_found", "This delivery no longer exists.");
  return detail;
});
