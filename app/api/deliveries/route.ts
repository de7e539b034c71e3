import { z } from "zod";
import { isStorableText } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { deliveryCounts, deliveryStats, listDeliveries } from "@/lib/delivery/log-queries";

export const dynamic = "force-dynamic";

const filterText = z
  .string()
  .max(200)
  .refine(isStorableText, "Text cannot contain U+0000")
  .optional()
  .transform((v) => v || undefined);
const logQuery = z.object({
  campaignId: filterText,
  state: filterText,
  actionId: filterText,
  user: filterText,
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
});

/** The delivery log (one campaign with ?campaignId=, else every campaign): counts, stats, one page. */
export const GET = withInternal({ role: "viewer", query: logQuery }, async ({ query }) => {
  const { campaignId, state, actionId, user, page } = query;
  const [counts, stats, list] = await Promise.all([deliveryCounts(campaignId), deliveryStats(campaignId), listDeliveries({ campaignId, state, actionId, userId: user, page })]);
  return { counts, stats, list };
});
