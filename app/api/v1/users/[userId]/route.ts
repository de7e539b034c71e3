import { ApiError } from "@/lib/api/errors";
import { withApi } from "@/lib/api/with-api";
import { deleteUser, getUser } from "@/lib/audience/users";
import { attributeSourcesOf } from "@/lib/audience/attribute-sources";

export const dynamic = "force-dynamic";

const notFound = (userId: string) => new ApiError(404, "not_found", `No user with id ${JSON.stringify(userId)}`);

export const GET = withApi({ role: "viewer" }, async ({ params, principal }) => {
  const user = await getUser(params.userId ?? "", principal.role);
  if (!user) throw notFound(params.userId ?? "");
  return { ...user, attributeSources: await attributeSourcesOf(user.userId) };
});

/** Forgets the user, their events and their deliveries. */
export const DELETE = withApi({ role: "editor" }, async ({ params }) => {
  if (!(await deleteUser(params.userId ?? ""))) throw notFound(params.userId ?? "");
  return new Response(null, { status: 204 });
});
