import { actorOf } from "@/lib/api/authenticate";
import { retryByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** Sends a failed delivery again now, with the same webhook-id. */
export const POST = withApi({ role: "editor" }, async ({ params, principal }) => retryByApi(params.id ?? "", actorOf(principal)));
