import { actorOf } from "@/lib/api/authenticate";
import { deleteActionByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** Deletes one webhook of the campaign, with its variants: not while it has deliveries, nor the last one of an active or paused campaign (409). */
export const DELETE = withApi({ role: "editor" }, async ({ params, principal }) => deleteActionByApi(params.id ?? "", params.actionId ?? "", actorOf(principal)));
