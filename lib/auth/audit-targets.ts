// What an audit entry was about, in words: the audit log stores ids (names change; ids do not), and
// the log page shows each target by its current name with a link, or by the name it had when deleted.
import { db } from "../db";

export type AuditTarget = { label: string; href: string | null };
type Entry = { action: string; target: string | null; details: unknown };

const kindOf = (action: string) => action.split(".")[0]!;
const detail = (e: Entry, key: string) => {
  const v = (e.details as Record<string, unknown> | null)?.[key];
  return typeof v === "string" ? v : null;
};

/** One label (and link, when the thing still exists) per entry, in the entries' order. */
export async function auditTargets(entries: Entry[]): Promise<AuditTarget[]> {
  const ids = (kind: string) => [...new Set(entries.filter((e) => kindOf(e.action) === kind && e.target).map((e) => e.target!))];
  const [campaigns, actions, keys, deliveries, members] = await Promise.all([
    db().campaign.findMany({ where: { id: { in: ids("campaign") } }, select: { id: true, name: true } }),
    db().action.findMany({ where: { id: { in: ids("signing_secret") } }, select: { id: true, name: true, campaignId: true, campaign: { select: { name: true } } } }),
    db().apiKey.findMany({ where: { id: { in: ids("api_key") } }, select: { id: true, name: true } }),
    db().delivery.findMany({ where: { id: { in: ids("delivery") } }, select: { id: true, userId: true, campaignId: true, campaign: { select: { name: true } } } }),
    db().member.findMany({ where: { id: { in: ids("member") } }, select: { id: true, email: true } }),
  ]);
  const campaign = new Map(campaigns.map((c) => [c.id, c]));
  const action = new Map(actions.map((a) => [a.id, a]));
  const key = new Map(keys.map((k) => [k.id, k]));
  const delivery = new Map(deliveries.map((d) => [d.id, d]));
  const member = new Map(members.map((m) => [m.id, m.email]));
  return entries.map((e): AuditTarget => {
    const id = e.target;
    if (!id) return { label: "", href: null };
    switch (kindOf(e.action)) {
      case "campaign": {
        const c = campaign.get(id);
        return c ? { label: c.name, href: `/campaigns/${c.id}` } : { label: `${detail(e, "name") ?? "A campaign"} (deleted)`, href: null };
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
        return d ? { label: `Delivery to ${d.userId} in ${d.campaign.name}`, href: `/campaigns/${d.campaignId}` } : { label: "A deleted delivery", href: null };
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
