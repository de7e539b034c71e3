// The Users page's query string (?q=&attribute=&value=&cursor=) as listUsers takes it: a key repeated
// (?q=a&q=b, which Next.js hands over as a list) counts once, its first value; listUsers called trim()
// on the list and the page was a 500.
import { firstQueryValue } from "../http/query-string";

export type UsersPageQuery = { q: string; attribute: string; value: string; cursor: string | undefined };

const single = (v: unknown): string | undefined => {
  const first = firstQueryValue(v);
  return typeof first === "string" ? first : undefined;
};

/** The Users page's filters from its query string: "" (or no cursor) for a key left out. */
export function usersPageQuery(searchParams: Record<string, unknown>): UsersPageQuery {
  return { q: single(searchParams.q) ?? "", attribute: single(searchParams.attribute) ?? "", value: single(searchParams.value) ?? "", cursor: single(searchParams.cursor) || undefined };
}
