// Server part of the campaign's Delivery section: loads the stored rule and actions, renders the form.
import { loadDeliverySettings } from "@/lib/delivery/settings";
import { DeliveryForm } from "./DeliveryForm";

export async function DeliverySection({ campaignId }: { campaignId: string }) {
  const settings = await loadDeliverySettings(campaignId);
  if (!settings) return null;
  return <DeliveryForm key={settings.actions.map((a) => a.id).join(",")} campaignId={campaignId} status={settings.status} rule={settings.rule} actions={settings.actions} audience={settings.audience} startAt={settings.startAt} endAt={settings.endAt} capExempt={settings.capExempt} />;
}
