// What an audit entry was about, in words: the audit log stores ids (names change; ids do not), and
// the log page shows each target by its current name with a link, or by the name it had when deleted.
import { db } from "../db";

export type AuditTarget = { label: string; href: string | null };
type Entry = { action: string; target: string | null; details: unknown };

const detail = (e: Entry, key: string) => {
  const v = (e.details as Record<string, unknown> | null)?.[key];
  return typeof v === "string" ? v : null;
};

/**
 * What kind of thing an entry's target is. Mostly the action's first word, but a `delivery.*` action
 * taken on a whole campaign (retry all failed; cancel all waiting, whose target is the campaign's id as
 * its details' campaignId) is about the campaign: read as a delivery it showed "A deleted delivery".
 */
function kindOf(e: Entry): string {
  const kind = e.action.split(".")[0]!;
  if (kind === "delivery" && (e.action === "delivery.retried_all_failed" || (e.target !== null && e.target === detail(e, "campaignId")))) return "campaign";
  return kind;
}

/** One label (and link, when the thing still exists) per entry, in the entries' order. */
export async function auditTargets(entries: Entry[]): Promise<AuditTarget[]> {
  const ids = (kind: string) => [...new Set(entries.filter((e) => kindOf(e) === kind && e.target).map((e) => e.target!))];
  const [campaigns, actions, keys, deliveries, members] = await Promise.all([
    db().campaign.findMany({ where: { id: { in: ids("campaign") } }, select: { id: true, name: true } }),
    db().action.findMany({ where: { id: { in: ids("signing_secret") } }, select: { id: true, name: true, campaignId: true, campaign: { select: { name: true } } } }),
    db().apiKey.findMany({ where: { id: { in: ids("api_key") } }, select: { id: true, name: true } }),
    db().delivery.findMany({ where: { id: { in: ids("delivery") } }, select: { id: true, userId: true, campaignId: true, campaign: { select: { name: true } } } }),
    db().member.findMany({ where: { id: { in: ids("member") } }, select: { id: true, email: true } }),
  ]);
  const campaign = new Map(campaigns.map((c) => [c.id, c]));
  // a deleted delivery still names its campaign, when the entry says which and it exists
  const deletedDeliveryCampaigns = await db().campaign.findMany({
    where: { id: { in: [...new Set(entries.filter((e) => kindOf(e) === "delivery" && !deliveries.some((d) => d.id === e.target)).map((e) => detail(e, "campaignId")).filter((id): id is string => !!id))] } },
    select: { id: true, name: true },
  });
  for (const c of deletedDeliveryCampaigns) campaign.set(c.id, c);
  const action = new Map(actions.map((a) => [a.id, a]));
  const key = new Map(keys.map((k) => [k.id, k]));
  const delivery = new Map(deliveries.map((d) => [d.id, d]));
  const member = new Map(members.map((m) => [m.id, m.email]));
  return entries.map((e): AuditTarget => {
    const id = e.target;
    if (!id) return { label: "", href: null };
    switch (kindOf(e)) {
      case "campaign": {
        const c = campaign.get(id);
        if (c) return { label: c.name, href: `/campaigns/${c.id}` };
        return { label: detail(e, "name") ? `${detail(e, "name")} (deleted)` : "A deleted campaign", href: null };
      }
      case "signing_secret": {
        const a = action.get(id);
        return a ? { label: `${a.name} in ${a.campaign.name}`, href: `/campaigns/${a.campaignId}` } : { label: "A deleted webhook", href: null };
      }
      case "api_key": {
        const k = key.get(id);
        return { label: k ? `API key "${k.name}"` : `API key ${detail(e, "name") ?? ""}`.trim(), href: "/settings" };
      }
      case "delivery": {
        const d = delivery.get(id);
        if (d) return { label: `Delivery to ${d.userId} in ${d.campaign.name}`, href: `/campaigns/${d.campaignId}` };
        const c = campaign.get(detail(e, "campaignId") ?? "");
        return c ? { label: `A deleted delivery in ${c.name}`, href: `/campaigns/${c.id}` } : { label: "A deleted delivery", href: null };
      }
      case "member":
        // a failed or throttled sign-in is about the client address it came from
        if (e.action.startsWith("member.sign_in_")) return { label: id, href: null };
        // some entries name the member by email, others by id
        return { label: id.includes("@") ? id : (member.get(id) ?? "A removed member"), href: "/settings" };
      case "allowed_destination":
        return { label: id, href: "/settings#allowed-destinations" };
      case "destination_template":
        // the name it had then (a template is renamed or deleted without touching the log)
        return { label: `Webhook template "${detail(e, "name") ?? id}"`, href: "/settings#webhook-templates" };
      default:
        return { label: id, href: null };
    }
  });
}
