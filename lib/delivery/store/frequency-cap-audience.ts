// How many of a campaign's audience the frequency cap stops now: Activate's confirmation says it ("9 of
// the 11 users are at the frequency cap now"), as a marketer saw 9 of 11 suppressed after a plain
// "to 11 users?". One aggregate query (capCounts over every user with a counted send), judged by the
// cap's own rule (core applyFrequencyCap), then the audience's segment over those users only.
import { db } from "../../db";
import { rawDb } from "../../db/raw";
import { segmentMatcher, type Segment } from "../../audience/segment";
import { applyFrequencyCap, capReasonWords, type FrequencyCap } from "../core/frequency-cap";
import { capCounts } from "./frequency-cap-holds";

/** Users read at once to test against the segment. */
const PAGE = 1000;

/** The audience's users the cap would stop at `now` (`cap`: the install's, set), and what stops each first ("2 per day reached"). */
export async function audienceAtCap(segment: Segment | null, cap: FrequencyCap, now: Date): Promise<{ users: number; reached: string[] }> {
  const counts = await capCounts(rawDb(db()), null, now);
  const stopped = new Map<string, string>();
  for (const userId of counts.keys()) {
    const reason = applyFrequencyCap(cap, [{ userId, exempt: false }], counts).get(0);
    if (reason) stopped.set(userId, capReasonWords(reason));
  }
  const matches = segmentMatcher(segment);
  const ids = [...stopped.keys()];
  const reached = new Set<string>();
  let users = 0;
  for (let i = 0; i < ids.length; i += PAGE) {
    const page = await db().user.findMany({ select: { id: true, email: true, timezone: true, attributes: true }, where: { id: { in: ids.slice(i, i + PAGE) } } });
    for (const u of page) {
      if (!matches(u)) continue;
      users++;
      reached.add(stopped.get(u.id)!);
    }
  }
  return { users, reached: [...reached].sort() };
}
