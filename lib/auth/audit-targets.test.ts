import { describe, expect, it } from "vitest";
import { db } from "../db";
import { auditTargets } from "./audit-targets";

describe("auditTargets: an audit entry's target by name, with a link while it exists", () => {
  it("campaigns, webhooks, deleted campaigns, members and allowed destinations", async () => {
    const campaign = await db().campaign.create({
      data: { name: "Welcome", deliveryRule: { when: "immediate" }, actions: { create: { name: "CRM", urlTemplate: "https://x.example/", fields: [], headers: [] } } },
      include: { actions: true },
    });
    const member = await db().member.create({ data: { id: "m-1", name: "Ann", email: "ann@example.com", role: "admin" } });
    const targets = await auditTargets([
      { action: "campaign.created", target: campaign.id, details: { name: "Welcome" } },
      { action: "signing_secret.created", target: campaign.actions[0]!.id, details: { campaignId: campaign.id } },
      { action: "campaign.deleted", target: "gone-id", details: { name: "Old one" } },
      { action: "member.owner_created", target: member.id, details: null },
      { action: "allowed_destination.added", target: "127.0.0.2", details: null },
      { action: "campaign.paused", target: null, details: null },
      { action: "destination_template.deleted", target: "tpl-1", details: { name: "CRM contact" } },
    ]);
    expect(targets).toEqual([
      { label: "Welcome", href: `/campaigns/${campaign.id}` },
      { label: "CRM in Welcome", href: `/campaigns/${campaign.id}` },
      { label: "Old one (deleted)", href: null },
      { label: "ann@example.com", href: "/settings" },
      { label: "127.0.0.2", href: "/settings#allowed-destinations" },
      { label: "", href: null },
      { label: 'Webhook template "CRM contact"', href: "/settings#webhook-templates" },
    ]);
  });
});
