import { definePage, unlessRoleRefused } from "@/app/member";
import { AllowedDestinationsSection } from "@/components/settings/AllowedDestinationsSection";
import { ApiKeysSection } from "@/components/settings/ApiKeysSection";
import { DeliveryLimitsSection } from "@/components/settings/DeliveryLimitsSection";
import { MembersSection } from "@/components/settings/MembersSection";
import { WebhookTemplatesSection } from "@/components/settings/WebhookTemplatesSection";
import { listDestinationTemplates } from "@/lib/campaigns/destination-templates";
import { listApiKeys } from "@/lib/auth/api-keys";
import { listMembers, listPendingInvites, memberAllows } from "@/lib/auth/members";
import { frequencyCapForm } from "@/lib/delivery/forms/frequency-cap-form";
import { getFrequencyCap } from "@/lib/delivery/store/frequency-cap-setting";
import { allowedHostsFromEnv, listAllowedDestinations } from "@/lib/webhooks/allowed-destinations";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings · Hookline" };

export default definePage("viewer", async function SettingsPage(_props: unknown, member) {
  const isAdmin = memberAllows(member, "admin");
  const limits = <DeliveryLimitsSection initial={frequencyCapForm(await getFrequencyCap())} editable={isAdmin} />;
  const destinations = (
    <AllowedDestinationsSection
      entries={(await listAllowedDestinations()).map((d) => ({ ...d, createdAt: d.createdAt.toISOString() }))}
      fromEnv={allowedHostsFromEnv()}
      editable={isAdmin}
    />
  );
  const templates = <WebhookTemplatesSection templates={await listDestinationTemplates()} editable={memberAllows(member, "editor")} />;
  // the keys, members and invitations are admin-only reads: the lib functions refuse anyone else
  const adminOnly = await unlessRoleRefused(Promise.all([listApiKeys(member), listMembers(member), listPendingInvites(member)]));
  if (!adminOnly) {
    return (
      <div className="space-y-6">
        <div className="space-y-2">
          <h1 className="text-2xl font-semibold text-slate-900">Settings</h1>
          <p className="text-sm text-slate-600">Only admins can manage API keys and members.</p>
        </div>
        {limits}
        {destinations}
        {templates}
      </div>
    );
  }
  const [keys, members, invites] = adminOnly;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Settings</h1>
      {limits}
      {destinations}
      {templates}
      <ApiKeysSection
        keys={keys.map((k) => ({ ...k, lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null, createdAt: k.createdAt.toISOString() }))}
      />
      <MembersSection
        members={members}
        invites={invites.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt.toISOString() }))}
        selfId={member.id}
      />
    </div>
  );
});
