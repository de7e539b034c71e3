import { notFound } from "next/navigation";
import { UserDetails } from "@/components/users/UserDetails";
import { userActivity } from "@/lib/audience/user-activity";
import { getUser } from "@/lib/audience/users";
import { attributeSourcesOf } from "@/lib/audience/attribute-sources";
import { definePage } from "@/app/member";
import { effectiveRole } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";

export default definePage("viewer", async function UserPage({ params }: { params: Promise<{ userId: string }> }, member) {
  const userId = decodeURIComponent((await params).userId);
  const user = await getUser(userId, effectiveRole(member.role));
  if (!user) notFound();
  const [activity, sources] = await Promise.all([userActivity(userId), attributeSourcesOf(userId)]);
  return <UserDetails user={user} activity={activity} sources={sources} />;
});
