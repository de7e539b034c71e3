// The live audience count the editor shows: users matching a segment, counted with the same
// segmentMatcher the fan-out uses, a page of users at a time.
import type { MemberRole } from "../auth/roles";
import { effectiveRole } from "../auth/roles";
import { db } from "../db";
import { segmentAsTestedBy } from "./attribute-secrets";
import { segmentMatcher, segmentView, segmentViewMatcher, type Segment, type SegmentUser } from "./segment";
import { nextUserPage } from "./user-pages";

/** Every user, a page at a time (bounded by users and by bytes of attributes: user-pages.ts), in id order. */
async function eachUserPage(visit: (users: SegmentUser[]) => void) {
  for (let page = await nextUserPage(undefined); page; page = await nextUserPage(page.id.lte)) {
    visit(await db().user.findMany({ select: { id: true, email: true, timezone: true, attributes: true }, where: { id: page.id }, orderBy: { id: "asc" } }));
  }
}

/**
 * How many users `segment` matches, of how many, as `reader` may test it: a viewer's condition on a
 * secret-looking attribute's value counts those who hold it (attribute-secrets.ts segmentAsTestedBy).
 */
export async function countMatchingUsers(asked: Segment | null, reader: MemberRole): Promise<{ matching: number; total: number }> {
  const segment = segmentAsTestedBy(asked, effectiveRole(reader));
  if (!segment) {
    const total = await db().user.count();
    return { matching: total, total };
  }
  const matches = segmentMatcher(segment);
  let matching = 0;
  let total = 0;
  await eachUserPage((users) => {
    total += users.length;
    for (const u of users) if (matches(u)) matching++;
  });
  return { matching, total };
}

/**
 * How many users match each of several segments, in one pass over the users (the campaign list);
 * `undefined` is not counted (0), null is everyone. Each user's view is built once for all segments.
 */
export async function countMatchingUsersForEach(segments: (Segment | null | undefined)[]): Promise<number[]> {
  const counts = segments.map(() => 0);
  const everyone = segments.map((s, i) => (s === null ? i : -1)).filter((i) => i >= 0);
  const tests = segments.flatMap((s, i) => (s ? [{ i, matches: segmentViewMatcher(s) }] : []));
  if (!tests.length) {
    if (everyone.length) {
      const total = await db().user.count();
      for (const i of everyone) counts[i] = total;
    }
    return counts;
  }
  let total = 0;
  await eachUserPage((users) => {
    total += users.length;
    for (const u of users) {
      const v = segmentView(u);
      for (const t of tests) if (t.matches(v)) counts[t.i]++;
    }
  });
  for (const i of everyone) counts[i] = total;
  return counts;
}

/** Users of an audience in one time zone (null: none stored, the campaign's own zone is theirs); Activate's summary reads them (activation-summary.ts). */
export type ZoneCount = { zone: string | null; users: number };

/**
 * More distinct zones than this and the tally is cut (`complete: false`): IANA has about 600, so
 * only made-up zones pass it, and a count of "who is past 15:07" stays one bounded answer.
 */
export const MAX_COUNTED_ZONES = 1000;

/**
 * How many users of an audience are in each time zone: Activate's "3 of 9 users' 15:07 has passed".
 * Everyone: one GROUP BY; a segment: the same pass as the count (as `reader` may test it, as there).
 */
export async function audienceZones(asked: Segment | null, reader: MemberRole): Promise<{ zones: ZoneCount[]; complete: boolean }> {
  const segment = segmentAsTestedBy(asked, effectiveRole(reader));
  if (!segment) {
    const rows = await db().user.groupBy({ by: ["timezone"], _count: { _all: true }, orderBy: { timezone: "asc" }, take: MAX_COUNTED_ZONES + 1 });
    return { zones: rows.slice(0, MAX_COUNTED_ZONES).map((r) => ({ zone: r.timezone, users: r._count._all })), complete: rows.length <= MAX_COUNTED_ZONES };
  }
  const matches = segmentMatcher(segment);
  const tally = new Map<string | null, number>();
  let complete = true;
  await eachUserPage((users) => {
    for (const u of users) {
      if (!matches(u)) continue;
      const zone = u.timezone ?? null;
      if (!tally.has(zone) && tally.size >= MAX_COUNTED_ZONES) complete = false;
      else tally.set(zone, (tally.get(zone) ?? 0) + 1);
    }
  });
  return { zones: [...tally].map(([zone, users]) => ({ zone, users })), complete };
}
