// The live audience count the editor shows: users matching a segment, counted with the same
// segmentMatcher the fan-out uses, a page of users at a time.
import { db } from "../db";
import { segmentMatcher, type Segment, type SegmentUser } from "./segment";
import { nextUserPage } from "./user-pages";

/** Every user, a page at a time (bounded by users and by bytes of attributes: user-pages.ts), in id order. */
async function eachUserPage(visit: (users: SegmentUser[]) => void) {
  for (let page = await nextUserPage(undefined); page; page = await nextUserPage(page.id.lte)) {
    visit(await db().user.findMany({ select: { id: true, email: true, timezone: true, attributes: true }, where: { id: page.id }, orderBy: { id: "asc" } }));
  }
}

export async function countMatchingUsers(segment: Segment | null): Promise<{ matching: number; total: number }> {
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

/** How many users match each of several segments, in one pass over the users (the campaign list). */
export async function countMatchingUsersForEach(segments: (Segment | null)[]): Promise<number[]> {
  const counts = segments.map(() => 0);
  if (segments.every((s) => !s)) return counts.fill(await db().user.count());
  const matchers = segments.map(segmentMatcher);
  await eachUserPage((users) => {
    for (const u of users) for (let i = 0; i < matchers.length; i++) if (matchers[i]!(u)) counts[i]++;
  });
  return counts;
}
