// An action's signing secret never signs a request whose origin differs from the saved URL's fixed
// origin (issue 11). An action whose host is templated (http://{{{userAttribute.crm}}}/hook) sends
// wherever the user's data points: the engine delivers it unsigned even when a secret is stored, and
// a secret cannot be generated for it. A fixed-origin action beside it is still signed. Real
// receivers on 127.0.0.1.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { encryptSecret } from "../../crypto/secret-box";
import { rotateSigningSecret, SigningSecretError } from "../../campaigns/signing-secrets";
import { generateSigningSecret } from "../../webhooks/sign";
import { activateCampaign } from "../store/lifecycle";
import { waitFor } from "../testing/receiver";
import { createCampaign } from "../testing/fixtures";
import { engineHarness } from "../testing/engine-harness";

const harness = engineHarness();

async function signedCampaign(name: string, url: string) {
  const campaign = await createCampaign({ name, url, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "th-user" }] } });
  const actionId = campaign.actions[0]!.id;
  // stored directly: an action saved before the rule, or whose host became templated while it kept its secret
  await db().action.update({ where: { id: actionId }, data: { signingSecretEnc: encryptSecret(generateSigningSecret()) } });
  return { campaign, actionId };
}

describe("a templated host is never signed", () => {
  it("the engine delivers a templated-host action without webhook-signature; a fixed-origin one is signed", async () => {
    await db().user.create({ data: { id: "th-user", attributes: { crm: `127.0.0.1:${harness.receiver.port}` } } });
    const templated = await signedCampaign("Templated", "http://{{{userAttribute.crm}}}/templated");
    const fixed = await signedCampaign("Fixed", `${harness.receiver.url}/fixed/{{user.id}}`);
    for (const c of [templated, fixed]) expect((await activateCampaign(c.campaign.id)).ok).toBe(true);
    await harness.startEngine();
    await waitFor(() => harness.receiver.received.length === 2, 30_000, 50);
    const byPath = Object.fromEntries(harness.receiver.received.map((r) => [r.path, r.headers]));
    expect(Object.keys(byPath).sort()).toEqual(["/fixed/th-user", "/templated"]);
    expect(byPath["/templated"]!["webhook-signature"]).toBeUndefined();
    expect(byPath["/templated"]!["webhook-id"]).toBeTruthy();
    expect(byPath["/fixed/th-user"]!["webhook-signature"]).toMatch(/^v1,/);
  });

  it("generating or rotating a secret for a templated-host action is refused with a clear message", async () => {
    const campaign = await createCampaign({ name: "Templated, unsigned", url: "https://{{user.crm}}/x" });
    const actionId = campaign.actions[0]!.id;
    await expect(rotateSigningSecret(campaign.id, actionId)).rejects.toThrow(SigningSecretError);
    await expect(rotateSigningSecret(campaign.id, actionId)).rejects.toThrow(/host is a template cannot be signed/);
    expect((await db().action.findUniqueOrThrow({ where: { id: actionId } })).signingSecretEnc).toBeNull();
  });
});
