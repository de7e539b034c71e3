import { resultsByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** The results table: per step, variant and control group, reached, delivered, converted and the statistics. */
export const GET = withApi({ role: "viewer", heavy: true }, async ({ params }) => resultsByApi(params.id ?? ""));
