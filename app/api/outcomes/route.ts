import { withInternal } from "@/lib/api/with-internal";
import { activityOutcomes } from "@/lib/delivery/store/outcome-series";

export const dynamic = "force-dynamic";

/** Every campaign's outcome chart over the activity window, and the hosts that fail most. */
export const GET = withInternal({ role: "viewer", heavy: true }, () => activityOutcomes());
