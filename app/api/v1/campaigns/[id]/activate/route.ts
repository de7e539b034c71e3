import { actorOf } from "@/lib/api/authenticate";
import { activateByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const POST = withApi({ role: "editor" }, async ({ params, principal }) => activateByApi(params.id ?? "", actorOf(principal)));
