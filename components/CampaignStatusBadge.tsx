import { statusLabel } from "@/lib/campaigns/list-labels";
import { Badge } from "./ui/Badge";

/** A campaign's status as the list words it ("Draft", "Finished"), wherever the campaign screen shows it. */
export function CampaignStatusBadge({ status }: { status: string }) {
  const { label, tone } = statusLabel(status);
  return <Badge tone={tone}>{label}</Badge>;
}
