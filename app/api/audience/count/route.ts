import { z } from "zod";
import { withInternal } from "@/lib/api/with-internal";
import { audienceZones, countMatchingUsers } from "@/lib/audience/count";
import { segmentSchema } from "@/lib/audience/segment";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

const querySchema = z.object({ zones: z.enum(["1"]).optional() }).strict();

/**
 * How many users a segment (being edited) matches; conditions without a key yet are left out.
 * `?zones=1`: also how many are in each time zone (Activate's "3 of 9 users' 15:07 has passed").
 */
export const POST = withInternal({ role: "viewer", body: segmentSchema, query: querySchema, heavy: true }, async ({ body, query, member }) => {
  const complete = body.conditions.filter((c) => c.key.trim());
  const segment = complete.length ? { ...body, conditions: complete } : null;
  if (!query.zones) return countMatchingUsers(segment, member.role);
  const byZone = await audienceZones(segment, member.role);
  // the tally's users are those the segment matches: a second pass for the count would read them all again
  if (byZone.complete) return { matching: byZone.zones.reduce((n, z) => n + z.users, 0), total: await db().user.count(), zones: byZone.zones };
  return { ...(await countMatchingUsers(segment, member.role)), zones: null };
});
