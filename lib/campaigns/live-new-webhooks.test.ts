import { describe, expect, it } from "vitest";
import { newWebhooksReach } from "./live-new-webhooks";

// A marketer added Webhook 2 to a live campaign, was told "webhook changes apply to the next deliveries" and
// "Saved.", and it never sent: the campaign had planned its users when it was activated.
describe("newWebhooksReach: who a webhook added to a live campaign goes to", () => {
  it("a one-off campaign (now, at a time, in users' zones): nobody, as it planned its users at activation", () => {
    const said = "Webhook 2 (CRM) is new: it goes to nobody in this campaign, as the campaign planned its users and their webhooks when it was activated; to send it, put it in a campaign of its own.";
    expect(newWebhooksReach({ when: "immediate" }, ["Webhook 2 (CRM)"])).toBe(said);
    expect(newWebhooksReach({ when: "scheduled", sendAt: "2026-12-09T09:00", timeZone: "UTC", inUserTimeZone: true }, ["Webhook 2 (CRM)"])).toBe(said);
  });

  it("a recurring or triggered one: not the runs or events already planned, each next one", () => {
    expect(newWebhooksReach({ when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" }, ["Webhook 2 (CRM)"])).toBe(
      "Webhook 2 (CRM) is new: it goes to nobody in the runs already planned (their users were planned with the webhooks they had); it is part of each run from the next one on.",
    );
    expect(newWebhooksReach({ when: "triggered", event: "signup" }, ["Webhook 2 (CRM)", "Webhook 3 (Slack)"])).toBe(
      "Webhook 2 (CRM) and Webhook 3 (Slack) are new: they go to nobody for the events already tracked (their users were planned with the webhooks they had); each event tracked from now on sends them too.",
    );
  });

  it("nothing when no webhook is new, or the rule cannot be read", () => {
    expect(newWebhooksReach({ when: "immediate" }, [])).toBeNull();
    expect(newWebhooksReach({ when: "nonsense" }, ["Webhook 2 (CRM)"])).toBeNull();
  });
});

// What the words say, as the engine has it (real database): a campaign plans its users with the webhooks it has then.
describe("a webhook added to a live campaign, as the fan-out plans it", () => {
  it("a one-off campaign's planned users do not get it; a triggered campaign's next event does", async () => {
    const { db } = await import("../db");
    const { createCampaign, createUsers } = await import("../delivery/testing/fixtures");
    const { activateCampaign } = await import("../delivery/store/lifecycle");
    const { trackEvents } = await import("../delivery/triggers");
    await createUsers(2, "lnw");
    const audience = { match: "all", conditions: [{ key: "id", operator: "contains", value: "lnw" }] };
    const addStep = (campaignId: string) => db().action.create({ data: { campaignId, name: "CRM", position: 1, urlTemplate: "https://hooks.example.com/crm", fields: [], headers: [] } });

    const once = await createCampaign({ url: "https://hooks.example.com/hook/{{user.id}}", audience, rule: { when: "scheduled", sendAt: "2099-01-01T09:00", timeZone: "UTC" } });
    expect((await activateCampaign(once.id)).ok).toBe(true);
    const added = await addStep(once.id);
    expect(await db().delivery.count({ where: { campaignId: once.id } })).toBe(2);
    expect(await db().delivery.count({ where: { actionId: added.id } })).toBe(0);

    const triggered = await createCampaign({ url: "https://hooks.example.com/hook/{{user.id}}", audience, rule: { when: "triggered", event: "lnw_signup" } });
    expect((await activateCampaign(triggered.id)).ok).toBe(true);
    await trackEvents([{ userId: "lnw000000", event: "lnw_signup" }]);
    const next = await addStep(triggered.id);
    expect(await db().delivery.count({ where: { actionId: next.id } })).toBe(0);
    await trackEvents([{ userId: "lnw000001", event: "lnw_signup" }]);
    expect(await db().delivery.findMany({ where: { actionId: next.id }, select: { userId: true } })).toEqual([{ userId: "lnw000001" }]);
  });
});
