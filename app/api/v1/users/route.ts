import { withApi } from "@/lib/api/with-api";
import { listUsersQuerySchema, usersBodySchema } from "@/lib/api/schemas/users";
import { listUsers, upsertUsers } from "@/lib/audience/users";

export const dynamic = "force-dynamic";

/** Upsert one user or up to 1,000: attributes merge, null removes. */
export const POST = withApi({ body: usersBodySchema, role: "editor" }, async ({ body }) => upsertUsers(body));

/** A page of users ordered by id; pass nextCursor back as ?cursor= for the next one. */
export const GET = withApi({ query: listUsersQuerySchema, role: "viewer" }, async ({ query }) => listUsers(query));
