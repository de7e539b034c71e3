import { actorOf } from "@/lib/api/authenticate";
import { cancelScheduledByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** Cancels the campaign's deliveries still waiting to be sent (scheduled or retrying). */
export const POST = withApi({ role: "editor" }, async ({ params, principal }) => cancelScheduledByApi(params.id ?? "", actorOf(principal)));
