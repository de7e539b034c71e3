import { refusal } from "@/lib/auth/guard";
import { deliveryCsvStream } from "@/lib/delivery/log-export";

export const dynamic = "force-dynamic";

/** The delivery log as CSV for the log's filter (?campaignId=&state=&actionId=&user=), streamed. */
export async function GET(req: Request) {
  const refused = await refusal(req.headers, "viewer");
  if (refused) return refused;
  const q = new URL(req.url).searchParams;
  const filter = {
    campaignId: q.get("campaignId") || undefined,
    state: q.get("state") || undefined,
    actionId: q.get("actionId") || undefined,
    userId: q.get("user") || undefined,
  };
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
  return new Response(deliveryCsvStream(filter), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="deliveries-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
