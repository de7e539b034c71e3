import { checkHealth } from "@/lib/health/health";

export const dynamic = "force-dynamic";

/** Whether this process can do its job (lib/health/health.ts), for load balancers, monitoring and the test harness. */
export async function GET() {
  const report = await checkHealth();
  return Response.json(report, { status: report.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
