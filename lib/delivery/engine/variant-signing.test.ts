// One signing secret signs every request of a webhook, whichever A/B variant it is (a browser
// walkthrough found variant B's requests unsigned: the secret lived on A's row, and B is a row of its
// own). The step's secret signs its variants; a variant row never signs with a secret of its own, not
// even one stored before this rule. The engine, Test send and the preview alike; a real receiver on
// 127.0.0.1, each signature verified with the secret the marketer was shown.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { encryptSecret } from "../../crypto/secret-box";
import { rotateSigningSecret, SigningSecretError } from "../../campaigns/signing-secrets";
import { duplicateCampaign, getCampaignDraft, saveCampaign } from "../../campaigns/campaigns";
import { campaignDraftSchema } from "../../campaigns/schemas";
import { sampleRequestSchema, type SampleRequest } from "../../campaigns/preview-input";
import { runTestSend } from "../../campaigns/test-sends";
import { previewAction } from "../../campaigns/preview";
import { generateSigningSecret } from "../../webhooks/sign";
import { VARIANT_OWN_SECRET_REMOVED, VARIANT_UNSIGNED } from "../../campaigns/secret-resolver";
import { activateCampaign } from "../store/lifecycle";
import { waitFor, type Received } from "../testing/receiver";
import { createUsers } from "../testing/fixtures";
import { engineHarness } from "../testing/engine-harness";

const harness = engineHarness();

/** What a receiver does (Standard Webhooks): some v1 signature of "id.timestamp.body" matches the secret. */
function verifies(r: Received, secret: string): boolean {
  const id = String(r.headers["webhook-id"]);
  const timestamp = String(r.headers["webhook-timestamp"]);
  const expected = createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64")).update(`${id}.${timestamp}.${r.body}`).digest("base64");
  return String(r.headers["webhook-signature"] ?? "").split(" ").some((entry) => entry === `v1,${expected}`);
}

/** A campaign for the users whose id contains `prefix`: one webhook (A, 50%) with variant B (50%), both under the same fixed path. */
async function abCampaign(prefix: string, b: { url?: string } = {}) {
  const draft = campaignDraftSchema.parse({
    name: `Signed AB ${prefix}`,
    audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: prefix }] },
    actions: [
      {
        url: `${harness.receiver.url}/${prefix}/{{user.id}}/a`,
        fields: [{ key: "variant", value: "A", type: "text" }],
        splitPercent: 50,
        variants: [{ name: "B", url: b.url ?? `${harness.receiver.url}/${prefix}/{{user.id}}/b`, fields: [{ key: "variant", value: "B", type: "text" }], headers: [], splitPercent: 50 }],
      },
    ],
  });
  const { id } = await saveCampaign(draft, { role: "admin" });
  const step = (await getCampaignDraft(id, "admin"))!.actions![0]!;
  return { id, step, variantId: step.variants[0]!.id! };
}

describe("a signed webhook's variants are signed with its secret", () => {
  it("the engine signs every request, A's and B's, with the webhook's secret (generated before or after the variant)", async () => {
    await createUsers(20, "vsg");
    const { id, step, variantId } = await abCampaign("vsg");
    const { secret } = await rotateSigningSecret(id, step.id!);
    // a variant saved before the rule may hold a secret of its own, which its receiver was given: until
    // the variant is saved again its requests carry a signature for that one too (Standard Webhooks: one per secret)
    const legacy = generateSigningSecret();
    await db().action.update({ where: { id: variantId }, data: { signingSecretEnc: encryptSecret(legacy) } });
    expect((await activateCampaign(id)).ok).toBe(true);
    const count = await db().delivery.count({ where: { campaignId: id } });
    expect(count).toBe(20);
    const variants = await db().delivery.groupBy({ by: ["variant"], where: { campaignId: id }, _count: true });
    expect(variants.map((v) => v.variant).sort()).toEqual(["A", "B"]);
    await harness.startEngine();
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: id, state: "delivered" } })) === count, 60_000, 100);
    const got = harness.receiver.received.filter((r) => r.path.startsWith("/vsg/"));
    expect(got).toHaveLength(count);
    expect(got.some((r) => r.path.endsWith("/b"))).toBe(true);
    for (const r of got) {
      expect(r.headers["webhook-signature"], r.path).toBeTruthy();
      expect(verifies(r, secret), r.path).toBe(true);
      expect(verifies(r, legacy), r.path).toBe(r.path.endsWith("/b"));
    }
  }, 90_000);

  it("Test send and the preview of variant B are signed with the webhook's secret", async () => {
    await createUsers(1, "vst");
    const { id, step } = await abCampaign("vst");
    const { secret } = await rotateSigningSecret(id, step.id!);
    const fresh = (await getCampaignDraft(id, "admin"))!.actions![0]! as SampleRequest["action"];
    const input = sampleRequestSchema.parse({ action: fresh, campaign: { id, name: "Signed AB vst" }, userId: "vst000000", variant: "B" });
    const before = harness.receiver.received.length;
    const send = await runTestSend(input, new Date(), { role: "editor", id: "vst-member" });
    expect(send.outcome).toBe("delivered");
    const r = harness.receiver.received.slice(before).find((x) => x.path.endsWith("/b"))!;
    expect(r).toBeTruthy();
    expect(verifies(r, secret)).toBe(true);
    // the preview shows that B's requests are signed (masked)
    const preview = await previewAction(input, new Date(), { role: "editor" });
    expect(preview.request?.headers.find(([name]) => name === "webhook-signature")?.[1]).toBe("v1,••••");
  });

  it("a variant has no signing secret of its own: generating one for its row is refused, and the campaign read shows none per variant", async () => {
    const { id, variantId } = await abCampaign("vno");
    await expect(rotateSigningSecret(id, variantId)).rejects.toThrow(SigningSecretError);
    expect((await db().action.findUniqueOrThrow({ where: { id: variantId } })).signingSecretEnc).toBeNull();
    const step = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    expect(step.variants[0]).not.toHaveProperty("signing");
    // an admin's copy keeps the webhook's secret; a variant's own (stored before the rule) is not copied, nor kept by a save
    await rotateSigningSecret(id, step.id!);
    await db().action.update({ where: { id: variantId }, data: { signingSecretEnc: encryptSecret(generateSigningSecret()) } });
    const copyId = (await duplicateCampaign(id, { role: "admin" }))!;
    const copied = await db().action.findMany({ where: { campaignId: copyId }, orderBy: { variantOfId: "asc" } });
    expect(copied.map((a) => [a.variantOfId === null, a.signingSecretEnc !== null]).sort()).toEqual([[false, false], [true, true]]);
    // the save that drops it says so, at the variant
    const saved = await saveCampaign(campaignDraftSchema.parse({ id, name: "Signed AB vno", actions: [step] }), { role: "admin" });
    expect(saved.notices["actions.0.variants.0.url"]).toBe(VARIANT_OWN_SECRET_REMOVED);
    expect((await db().action.findUniqueOrThrow({ where: { id: variantId } })).signingSecretEnc).toBeNull();
    expect((await db().action.findUniqueOrThrow({ where: { id: step.id! } })).signingSecretEnc).not.toBeNull();
  });

  it("a save that leaves a signed webhook's variant at another host or path says its requests go unsigned (a live campaign's next ones)", async () => {
    const { id, step } = await abCampaign("vmove");
    await rotateSigningSecret(id, step.id!);
    const draft = (await getCampaignDraft(id, "admin"))!.actions![0]!;
    const moved = { ...draft, variants: [{ ...draft.variants[0]!, url: `${harness.receiver.url}/elsewhere/{{user.id}}` }] };
    const saved = await saveCampaign(campaignDraftSchema.parse({ id, name: "Signed AB vmove", actions: [moved] }), { role: "admin" });
    expect(saved.notices["actions.0.variants.0.url"]).toBe(VARIANT_UNSIGNED);
    // back under the webhook's path: nothing to say
    const back = await saveCampaign(campaignDraftSchema.parse({ id, name: "Signed AB vmove", actions: [draft] }), { role: "admin" });
    expect(back.notices["actions.0.variants.0.url"]).toBeUndefined();
  });

  it("Activate refuses a signed webhook whose variant goes to another host or path, where the secret may not go", async () => {
    const { id, step } = await abCampaign("vfar", { url: `${harness.receiver.url}/elsewhere/{{user.id}}` });
    await rotateSigningSecret(id, step.id!);
    const result = await activateCampaign(id);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ fieldErrors: { "actions.0.variants.0.url": VARIANT_UNSIGNED } });
    // its Test send sends nothing and says why; its preview warns at the URL
    await createUsers(1, "vfar");
    const fresh = (await getCampaignDraft(id, "admin"))!.actions![0]! as SampleRequest["action"];
    const input = sampleRequestSchema.parse({ action: fresh, campaign: { id, name: "Signed AB vfar" }, userId: "vfar000000", variant: "B" });
    const before = harness.receiver.received.length;
    const send = await runTestSend(input, new Date(), { role: "editor", id: "vfar-member" });
    expect(send).toMatchObject({ outcome: "failed", error: VARIANT_UNSIGNED });
    expect(harness.receiver.received.length).toBe(before);
    const preview = await previewAction(input, new Date(), { role: "editor" });
    expect(preview.warnings).toContainEqual(expect.objectContaining({ field: "url", message: VARIANT_UNSIGNED }));
  });
});
