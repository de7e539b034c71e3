// The audience of a campaign: everyone (null) or users whose attributes match conditions
// combined with all/any. Matching is a pure function, so counts and fan-out agree.
import { z } from "zod";
import { compileConditions, conditionSchema } from "./conditions";

export const segmentSchema = z
  .object({
    match: z.enum(["all", "any"]).default("all"),
    conditions: z.array(conditionSchema).max(50),
  })
  .strict();
export type Segment = z.infer<typeof segmentSchema>;

export type SegmentUser = { id: string; email?: string | null; timezone?: string | null; attributes?: unknown };

/** Reads a stored audience; anything unreadable means "everyone" is NOT assumed: it throws. */
export function parseSegment(raw: unknown): Segment | null {
  if (raw === null || raw === undefined) return null;
  const parsed = segmentSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`The audience is not valid: ${parsed.error.issues[0]?.message ?? "unknown problem"}`);
  return parsed.data.conditions.length ? parsed.data : null;
}

/** Attributes plus the built-in fields, so a segment can test `email` or `timezone` too. */
export function segmentView(user: SegmentUser): Record<string, unknown> {
  return view(user);
}

/** A segment's test of a user's view (segmentView), for many segments tested against one view each. */
export function segmentViewMatcher(segment: Segment): (view: Record<string, unknown>) => boolean {
  return compileConditions(segment.conditions, segment.match);
}

function view(user: SegmentUser): Record<string, unknown> {
  const attributes = user.attributes && typeof user.attributes === "object" ? (user.attributes as Record<string, unknown>) : {};
  return { ...attributes, id: user.id, email: user.email ?? undefined, timezone: user.timezone ?? undefined };
}

/** The segment's test of a user, its conditions' values read once: build it once per count, fan-out or batch. */
export function segmentMatcher(segment: Segment | null): (user: SegmentUser) => boolean {
  if (!segment) return () => true;
  const matches = compileConditions(segment.conditions, segment.match);
  return (user) => matches(view(user));
}

/** One user against a segment (segmentMatcher to test many). */
export function matchesSegment(user: SegmentUser, segment: Segment | null): boolean {
  return segmentMatcher(segment)(user);
}
