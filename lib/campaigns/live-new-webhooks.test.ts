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
