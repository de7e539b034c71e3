import { actorOf } from "@/lib/api/authenticate";
import { retryFailedByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** Sends every failed delivery of the campaign again now, each keeping its webhook-id. */
export const POST = withApi({ role: "editor" }, async ({ params, principal }) => retryFailedByApi(params.id ?? "", actorOf(principal)));
