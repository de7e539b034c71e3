import { describe, expect, it } from "vitest";
import { db } from "../db";
import { decryptSecret } from "../crypto/secret-box";
import { deleteAction, duplicateAction, duplicateCampaign, getCampaignDraft, saveCampaign } from "./campaigns";
import { listCampaigns } from "./campaign-list";
import { SECRET_MASK } from "./limits";
import { previewAction } from "./preview";
import { sampleRequestSchema } from "./preview-input";
import { campaignDraftSchema, fieldErrorsOf, type CampaignDraftInput } from "./schemas";
import { VariantInUseError } from "./variant-rows";
import { startReceiver } from "../delivery/testing/receiver";
import { runTestSend } from "./test-sends";

const draft = (input: CampaignDraftInput) => campaignDraftSchema.parse(input);

const withVariants = () =>
  draft({
    name: "AB",
    actions: [
      {
        url: "https://a.example.com/hook",
        fields: [{ key: "v", value: "A" }],
        splitPercent: 40,
        controlPercent: 20,
        variants: [
          { name: "Bee", url: "https://b.example.com/hook", contentType: "application/x-www-form-urlencoded", fields: [{ key: "v", value: "B" }], headers: [{ name: "X-Key", value: "b-secret", secret: true }], splitPercent: 35 },
          { name: "Sea", url: "https://c.example.com/hook", fields: [{ key: "v", value: "C" }], splitPercent: 25 },
        ],
      },
    ],
  });

describe("saving variants", () => {
  it("writes variant rows under the step, loads them back masked, and lists only steps", async () => {
    const { id, actionIds } = await saveCampaign(withVariants());
    const rows = await db().action.findMany({ where: { campaignId: id }, orderBy: [{ variantOfId: "asc" }, { position: "asc" }] });
    expect(rows).toHaveLength(3);
    const step = rows.find((r) => r.id === actionIds[0])!;
    expect(step).toMatchObject({ variantOfId: null, splitPercent: 40, controlPercent: 20 });
    const variants = rows.filter((r) => r.variantOfId === step.id).sort((a, b) => a.position - b.position);
    expect(variants.map((v) => [v.name, v.splitPercent, v.position])).toEqual([["Bee", 35, 0], ["Sea", 25, 1]]);
    const stored = (variants[0]!.headers as { value: string }[])[0]!.value;
    expect(stored).not.toContain("b-secret");
    expect(decryptSecret(stored)).toBe("b-secret");

    const shown = (await getCampaignDraft(id, "admin"))!;
    expect(shown.actions).toHaveLength(1);
    expect(shown.actions[0]).toMatchObject({ splitPercent: 40, controlPercent: 20 });
    expect(shown.actions[0]!.variants.map((v) => [v.id, v.name, v.splitPercent])).toEqual([[variants[0]!.id, "Bee", 35], [variants[1]!.id, "Sea", 25]]);
    expect(shown.actions[0]!.variants[0]!.headers![0]!.value).toBe(SECRET_MASK);
    expect(JSON.stringify(shown)).not.toContain("b-secret");
    expect((await listCampaigns()).campaigns.find((c) => c.id === id)?.actionCount).toBe(1);
  });

  it("keeps a variant's masked secret for that variant row only; the step's draft naming it gets nothing", async () => {
    const { id } = await saveCampaign(withVariants());
    // saved twice from one reading: without its version (each save judged on its own)
    const { version: _version, ...shown } = (await getCampaignDraft(id, "admin"))!;
    // saved again as shown: the masked header is the variant's own, kept
    await saveCampaign(draft(shown));
    const b = await db().action.findFirstOrThrow({ where: { campaignId: id, name: "Bee" } });
    expect(decryptSecret((b.headers as { value: string }[])[0]!.value)).toBe("b-secret");

    // a variant that names the step's row (not a variant of it) is refused at the save's schema now (one id,
    // one webhook): it can reuse no secret, and nothing is written
    const step = shown.actions[0]!;
    const moved = { ...step, variants: [{ ...step.variants[0]!, id: step.id }, step.variants[1]!] };
    const refused = campaignDraftSchema.safeParse({ ...shown, actions: [moved] });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["actions.0.variants.0.id", `A webhook and a variant have the id ${step.id}`]]);
    const after = await db().action.findMany({ where: { campaignId: id } });
    expect(after.find((r) => r.id === b.id)).toMatchObject({ variantOfId: step.id, name: "Bee" });
  });

  it("refuses splits that do not add up to 100, a control over 90 and a 16th extra variant", () => {
    const bad = campaignDraftSchema.safeParse({ name: "x", actions: [{ url: "https://a.example.com", splitPercent: 50, controlPercent: 95, variants: [{ url: "https://b.example.com", splitPercent: 30 }] }] });
    expect(bad.success).toBe(false);
    const errors = fieldErrorsOf(bad.error!);
    expect(errors["actions.0.splitPercent"]).toBe("The variants' splits add up to 80%; they must add up to 100%");
    expect(errors["actions.0.controlPercent"]).toBe("The control group is at most 90%");
    const many = Array.from({ length: 16 }, () => ({ url: "https://b.example.com", splitPercent: 1 }));
    const tooMany = campaignDraftSchema.safeParse({ name: "x", actions: [{ url: "https://a.example.com", splitPercent: 84, variants: many }] });
    expect(fieldErrorsOf(tooMany.error!)["actions.0.variants"]).toMatch(/at most 16 variants/);
  });

  it("refuses to remove a variant that has deliveries", async () => {
    const { id, actionIds } = await saveCampaign(withVariants());
    const b = await db().action.findFirstOrThrow({ where: { campaignId: id, name: "Bee" } });
    await db().user.create({ data: { id: "vr-user", attributes: {} } });
    await db().delivery.create({ data: { webhookId: "msg_vr", campaignId: id, actionId: actionIds[0]!, variantActionId: b.id, variant: "B", userId: "vr-user", triggerKey: "activation", plannedAt: new Date(), dueAt: new Date() } });
    const shown = (await getCampaignDraft(id, "admin"))!;
    const step = shown.actions[0]!;
    await expect(saveCampaign(draft({ ...shown, actions: [{ ...step, splitPercent: 75, variants: [step.variants[1]!] }] }))).rejects.toBeInstanceOf(VariantInUseError);
    expect(await db().action.count({ where: { variantOfId: actionIds[0]! } })).toBe(2);
    // nor through "Delete webhook" naming the variant row (it would take B's deliveries and leave A + C at 65%)
    await expect(deleteAction(id, b.id, "editor@example.com")).rejects.toThrow(/not in this campaign/);
    expect(await db().action.count({ where: { variantOfId: actionIds[0]! } })).toBe(2);
    expect(await db().delivery.count({ where: { variantActionId: b.id } })).toBe(1);
  });

  it("duplicating a campaign or a webhook copies its variants (an editor's copy without secrets)", async () => {
    const { id, actionIds } = await saveCampaign(withVariants());
    const copyId = (await duplicateCampaign(id))!;
    const copied = await db().action.findMany({ where: { campaignId: copyId } });
    const step = copied.find((a) => !a.variantOfId)!;
    expect(step).toMatchObject({ splitPercent: 40, controlPercent: 20 });
    const variants = copied.filter((a) => a.variantOfId === step.id);
    expect(variants.map((v) => v.name).sort()).toEqual(["Bee", "Sea"]);
    expect((variants.find((v) => v.name === "Bee")!.headers as { value: string }[])[0]!.value).toBe("");

    const stepCopy = (await duplicateAction(actionIds[0]!))!;
    expect(await db().action.count({ where: { variantOfId: stepCopy } })).toBe(2);
    const shown = (await getCampaignDraft(id, "admin"))!;
    expect(shown.actions).toHaveLength(2);
  });

  it("previews variant B with B's content and its own secret", async () => {
    const { id } = await saveCampaign(withVariants());
    await db().user.create({ data: { id: "vr-preview", attributes: {} } });
    const shown = (await getCampaignDraft(id, "admin"))!;
    const input = (variant?: string) => sampleRequestSchema.parse({ action: shown.actions[0], campaign: { id, name: "AB" }, userId: "vr-preview", variant });
    const a = await previewAction(input());
    expect(a.request?.url).toBe("https://a.example.com/hook");
    const b = await previewAction(input("B"));
    expect(b.request?.url).toBe("https://b.example.com/hook");
    expect(b.request?.body).toBe("v=B");
    expect(b.warnings).toEqual([]);
    expect(sampleRequestSchema.safeParse({ action: shown.actions[0], campaign: { id, name: "AB" }, variant: "D" }).success).toBe(false);
  });

  it("test-sends variant B: B's URL, content and secret header reach the receiver; the send is B's", async () => {
    const receiver = await startReceiver();
    try {
      const base = draft({
        name: "AB send",
        actions: [{ url: `${receiver.url}/a`, splitPercent: 50, variants: [{ name: "Bee", url: `${receiver.url}/b`, fields: [{ key: "v", value: "B" }], headers: [{ name: "X-Key", value: "b-secret", secret: true }], splitPercent: 50 }] }],
      });
      const { id } = await saveCampaign(base);
      await db().user.create({ data: { id: "vr-send", attributes: {} } });
      const shown = (await getCampaignDraft(id, "admin"))!;
      const send = await runTestSend(sampleRequestSchema.parse({ action: shown.actions[0], campaign: { id, name: "AB send" }, userId: "vr-send", variant: "B" }));
      expect(send.outcome).toBe("delivered");
      const got = receiver.received.at(-1)!;
      expect(got.path).toBe("/b");
      expect(got.headers["x-key"]).toBe("b-secret");
      expect(JSON.parse(got.body)).toEqual({ v: "B" });
      const row = await db().testSend.findFirstOrThrow({ where: { id: send.id } });
      expect(row.actionId).toBe(shown.actions[0]!.variants[0]!.id);
    } finally {
      await receiver.close();
    }
  });
});
