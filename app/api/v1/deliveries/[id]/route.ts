import { deliveryByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** One delivery with every attempt: the request as sent (secrets masked) and the response's excerpt. */
export const GET = withApi({ role: "viewer" }, async ({ params }) => deliveryByApi(params.id ?? ""));
