import { DeliveryLog } from "@/components/delivery/DeliveryLog";

export const metadata = { title: "Activity · Hookline" };

export default function ActivityPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Activity</h1>
      <p className="text-sm text-slate-600">Recent deliveries across every campaign, updated live.</p>
      <DeliveryLog title="Recent deliveries" />
    </div>
  );
}
