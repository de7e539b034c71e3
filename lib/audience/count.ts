// The live audience count the editor shows: users matching a segment, counted with the same
// segmentMatcher the fan-out uses, a page of users at a time.
import { db } from "../db";
import { segmentMatcher, type Segment, type SegmentUser } from "./segment";

const PAGE = 5000;

/** Every user, a page at a time, in id order. */
async function eachUserPage(visit: (users: SegmentUser[]) => void) {
  let cursor: string | undefined;
  for (;;) {
    const users = await db().user.findMany({
      select: { id: true, email: true, timezone: true, attributes: true },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    visit(users);
    if (users.length < PAGE) return;
    cursor = users[users.length - 1].id;
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
