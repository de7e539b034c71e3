import { actorOf } from "@/lib/api/authenticate";
import { resumeByApi } from "@/lib/api/campaigns";
import { resumeQuerySchema } from "@/lib/api/schemas/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const POST = withApi({ role: "editor", query: resumeQuerySchema }, async ({ params, query, principal }) =>
  resumeByApi(params.id ?? "", actorOf(principal), query.catchUp === "true"),
);
