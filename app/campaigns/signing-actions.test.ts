// The signing secret buttons, pressed by an editor in one campaign naming another campaign's webhook:
// refused in words that say so (the webhook is not in this campaign), and the other webhook keeps its
// secret. Removal answered ok before, though it changed nothing.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { rotateSigningSecret } from "@/lib/campaigns/signing-secrets";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { removeSigningSecretAction, rotateSigningSecretAction } = await import("./signing-actions");

beforeAll(async () => {
  requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
});

async function signedCampaign(name: string) {
  const { id } = await saveCampaign(campaignDraftSchema.parse({ name, actions: [{ url: "https://crm.example.com/hook" }] }));
  const action = await db().action.findFirstOrThrow({ where: { campaignId: id } });
  await rotateSigningSecret(id, action.id);
  return { id, actionId: action.id };
}

describe("removeSigningSecretAction", () => {
  it("refuses another campaign's webhook (not ok), and its secret stays", async () => {
    const mine = await signedCampaign("Mine");
    const theirs = await signedCampaign("Theirs");
    const secret = async () => (await db().action.findUniqueOrThrow({ where: { id: theirs.actionId } })).signingSecretEnc;
    const before = await secret();
    const audits = await db().auditLog.count({ where: { target: theirs.actionId } });

    expect(await removeSigningSecretAction(mine.id, theirs.actionId)).toMatchObject({ ok: false, message: expect.stringMatching(/not in this campaign/) });
    expect(await removeSigningSecretAction(mine.id, "no-such-webhook")).toMatchObject({ ok: false, message: expect.stringMatching(/not in this campaign/) });
    expect(await rotateSigningSecretAction(mine.id, theirs.actionId)).toMatchObject({ ok: false, message: expect.stringMatching(/not in this campaign/) });
    expect(await secret()).toBe(before);
    expect(await db().auditLog.count({ where: { target: theirs.actionId } })).toBe(audits);

    // its own webhook's secret goes
    expect(await removeSigningSecretAction(mine.id, mine.actionId)).toEqual({ ok: true, data: undefined });
    expect((await db().action.findUniqueOrThrow({ where: { id: mine.actionId } })).signingSecretEnc).toBeNull();
  });
});
