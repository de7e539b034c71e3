import { DeliveryLog } from "@/components/delivery/DeliveryLog";
import { ActivityOutcomes } from "@/components/outcomes/ActivityOutcomes";
import { activityOutcomes } from "@/lib/delivery/store/outcome-series";
import { definePage } from "@/app/member";

export const metadata = { title: "Activity · Hookline" };
export const dynamic = "force-dynamic";

export default definePage("viewer", async function ActivityPage() {
  const outcomes = await activityOutcomes();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Activity</h1>
      <p className="text-sm text-slate-600">Recent deliveries across every campaign, updated live.</p>
      <ActivityOutcomes initial={outcomes} />
      <DeliveryLog title="Recent deliveries" />
    </div>
  );
});
