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

describe("auditTargets: delivery entries name what they acted on", () => {
  it("retry all failed and cancel all are about the campaign; retry one and cancel one about the delivery", async () => {
    const campaign = await db().campaign.create({
      data: { name: "Winback", deliveryRule: { when: "immediate" }, actions: { create: { name: "CRM", urlTemplate: "https://x.example/", fields: [], headers: [] } } },
      include: { actions: true },
    });
    await db().user.create({ data: { id: "u-audit-1", attributes: {} } });
    const delivery = await db().delivery.create({ data: { webhookId: "msg_audit_1", campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "u-audit-1", triggerKey: "activation", plannedAt: new Date(), dueAt: new Date(), state: "failed" } });
    const targets = await auditTargets([
      // as lifecycle.ts records them (the entries before this change carried no campaignId for retry all)
      { action: "delivery.retried_all_failed", target: campaign.id, details: { count: 22 } },
      { action: "delivery.retried_all_failed", target: campaign.id, details: { campaignId: campaign.id, count: 22 } },
      { action: "delivery.cancelled", target: campaign.id, details: { campaignId: campaign.id, count: 3 } },
      { action: "delivery.cancelled", target: delivery.id, details: { campaignId: campaign.id, count: 1 } },
      { action: "delivery.retried", target: delivery.id, details: { campaignId: campaign.id } },
      { action: "delivery.retried", target: "gone-delivery", details: { campaignId: campaign.id } },
      { action: "delivery.retried_all_failed", target: "gone-campaign", details: { count: 2 } },
    ]);
    expect(targets).toEqual([
      { label: "Winback", href: `/campaigns/${campaign.id}` },
      { label: "Winback", href: `/campaigns/${campaign.id}` },
      { label: "Winback", href: `/campaigns/${campaign.id}` },
      { label: "Delivery to u-audit-1 in Winback", href: `/campaigns/${campaign.id}` },
      { label: "Delivery to u-audit-1 in Winback", href: `/campaigns/${campaign.id}` },
      { label: "A deleted delivery in Winback", href: `/campaigns/${campaign.id}` },
      { label: "A deleted campaign", href: null },
    ]);
  });
});
