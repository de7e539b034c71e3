import { withInternal } from "@/lib/api/with-internal";
import { countMatchingUsers } from "@/lib/audience/count";
import { segmentSchema } from "@/lib/audience/segment";

export const dynamic = "force-dynamic";

/** How many users a segment (being edited) matches; conditions without a key yet are left out. */
export const POST = withInternal({ role: "viewer", body: segmentSchema, heavy: true }, async ({ body }) => {
  const complete = body.conditions.filter((c) => c.key.trim());
  return countMatchingUsers(complete.length ? { ...body, conditions: complete } : null);
});
