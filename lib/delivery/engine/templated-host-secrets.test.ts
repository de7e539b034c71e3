// A stored secret (URL credentials, a secret header's value) never goes to a host a user's data
// chooses. An action saved before the rule, http://alice:pw@{{{userAttribute.crm}}}/x with a secret
// header, keeps sending: each delivery fails with the reason in its attempt, and the host the data
// names (a receiver on 127.0.0.1) receives neither the Basic credentials nor the header. Activation
// refuses such an action with the words the save uses.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { encryptSecret } from "../../crypto/secret-box";
import { activateCampaign } from "../store/lifecycle";
import { waitFor } from "../testing/receiver";
import { createCampaign } from "../testing/fixtures";
import { engineHarness } from "../testing/engine-harness";

const harness = engineHarness();

/** The columns of an action saved before the rule: its password and secret header encrypted, its host a user attribute. */
const legacySecrets = {
  urlTemplate: "http://alice@{{{userAttribute.crm}}}/x",
  urlPasswordEnc: encryptSecret("pwSECRET1234"),
  headers: [{ name: "X-Secret", value: encryptSecret("hdrSECRET5678"), secret: true }],
};

describe("a stored secret at a templated host", () => {
  it("the engine fails the delivery, saying why, and the host the data names receives no credentials or secret header", async () => {
    await db().user.create({ data: { id: "ths-user", attributes: { crm: `127.0.0.1:${harness.receiver.port}` } } });
    const campaign = await createCampaign({ name: "Legacy", url: `${harness.receiver.url}/fixed`, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "ths-user" }] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    // stored after activation, as a campaign saved before this rule is
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: legacySecrets });
    await harness.startEngine({ retryScheduleMs: [50, 50, 50, 50] });
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed"] } } })) === 1, 30_000, 50);
    const delivery = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
    expect([delivery.state, delivery.attempts]).toEqual(["failed", 1]);
    expect(delivery.reason).toMatch(/fixed host/);
    const attempt = await db().deliveryAttempt.findFirstOrThrow({ where: { deliveryId: delivery.id } });
    expect(attempt.error).toMatch(/fixed host/);
    const seen = JSON.stringify(harness.receiver.received);
    expect(seen).not.toContain("hdrSECRET5678");
    expect(seen).not.toContain(Buffer.from("alice:pwSECRET1234").toString("base64"));
    expect(harness.receiver.received.filter((r) => r.headers.authorization || r.headers["x-secret"])).toEqual([]);
  });

  it("activation refuses such an action, naming the URL and the header", async () => {
    const campaign = await createCampaign({ name: "Legacy draft", url: "http://example.com/x" });
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: legacySecrets });
    const result = await activateCampaign(campaign.id);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/URL: .*fixed host/), expect.stringMatching(/Header "X-Secret": .*fixed host/)]),
    );
  });

  it("a secret header whose value is a template of the data (Bearer {{userAttribute.token}}) is still sent to a templated host", async () => {
    await db().user.create({ data: { id: "ths-token", attributes: { crm: `127.0.0.1:${harness.receiver.port}`, token: "t0k" } } });
    const campaign = await createCampaign({ name: "Token", url: "http://{{{userAttribute.crm}}}/token", audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "ths-token" }] } });
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { headers: [{ name: "Authorization", value: encryptSecret("Bearer {{userAttribute.token}}"), secret: true }] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await harness.startEngine();
    await waitFor(() => harness.receiver.received.some((r) => r.path === "/token"), 30_000, 50);
    expect(harness.receiver.received.find((r) => r.path === "/token")!.headers.authorization).toBe("Bearer t0k");
  });
});
