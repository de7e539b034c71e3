import { actorOf } from "@/lib/api/authenticate";
import { pauseByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const POST = withApi({ role: "editor" }, async ({ params, principal }) => pauseByApi(params.id ?? "", actorOf(principal)));
