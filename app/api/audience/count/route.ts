import { refusal } from "@/lib/auth/guard";
import { countMatchingUsers } from "@/lib/audience/count";
import { segmentSchema } from "@/lib/audience/segment";

export const dynamic = "force-dynamic";

/** How many users a segment (being edited) matches. */
export async function POST(req: Request) {
  const refused = await refusal(req.headers, "viewer");
  if (refused) return refused;
  const body = await req.json().catch(() => undefined);
  const parsed = segmentSchema.safeParse(body);
  if (!parsed.success) return Response.json({ message: parsed.error.issues[0]?.message ?? "Invalid segment" }, { status: 400 });
  const complete = parsed.data.conditions.filter((c) => c.key.trim());
  return Response.json(await countMatchingUsers(complete.length ? { ...parsed.data, conditions: complete } : null));
}
