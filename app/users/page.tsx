import { UsersScreen } from "@/components/users/UsersScreen";
import { attributeCatalogue } from "@/lib/audience/attribute-catalogue";
import { listUsers } from "@/lib/audience/users";

export const dynamic = "force-dynamic";
export const metadata = { title: "Users · Hookline" };

type Search = { q?: string; attribute?: string; value?: string; cursor?: string };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { q, attribute, value, cursor } = await searchParams;
  const [page, catalogue] = await Promise.all([
    listUsers({ search: q, attribute: attribute || undefined, value, cursor, limit: 50 }),
    attributeCatalogue(),
  ]);
  return <UsersScreen page={page} catalogue={catalogue} filters={{ q: q ?? "", attribute: attribute ?? "", value: value ?? "" }} />;
}
