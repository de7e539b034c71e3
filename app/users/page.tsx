import { UsersScreen } from "@/components/users/UsersScreen";
import { attributeCatalogue } from "@/lib/audience/attribute-catalogue";
import { listUsers } from "@/lib/audience/users";
import { usersPageQuery } from "@/lib/audience/users-page-query";
import { definePage } from "@/app/member";
import { effectiveRole } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";
export const metadata = { title: "Users · Hookline" };

export default definePage("viewer", async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }, member) {
  const { q, attribute, value, cursor } = usersPageQuery(await searchParams);
  const [page, catalogue] = await Promise.all([
    listUsers({ search: q, attribute: attribute || undefined, value, cursor, limit: 50 }, effectiveRole(member.role)),
    attributeCatalogue(),
  ]);
  return <UsersScreen page={page} catalogue={catalogue} filters={{ q, attribute, value }} />;
});
