// The signing secret never follows the URL to another host, even when Generate (rotateSigningSecret)
// and a save that moves the URL run at the same moment. Before, a rotation that read the old URL could
// write after the save had moved it: the row ended at the new host holding the old host's secret as
// "previous" (valid 24 hours) and requests to the new host were signed with it, so whoever moved the
// URL got signatures by the old receiver's secret for bodies of their choosing.
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { saveCampaign, getCampaignDraft } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { rotateSigningSecret, SigningSecretError } from "@/lib/campaigns/signing-secrets";
import { loadWebhookTemplate } from "@/lib/campaigns/action-template";
import { renderWebhookRequest } from "@/lib/webhooks/render-request";
import { signatureHeader } from "@/lib/webhooks/sign";
import { decryptSecret } from "@/lib/crypto/secret-box";

const OLD_HOST = "https://crm.example.com/hook";
const NEW_HOST = "https://attacker.example.net/x";

it("a rotation racing a save that moves the URL never leaves the old host's secret signing at the new host", async () => {
  const leaks: string[] = [];
  let refused = 0;
  for (let i = 0; i < 40; i++) {
    const saved = await saveCampaign(campaignDraftSchema.parse({ name: `C${i}`, actions: [{ name: "CRM", url: OLD_HOST }] }), { role: "admin" });
    const [campaignId, actionId] = [saved.id, saved.actionIds[0]!];
    const { secret: x } = await rotateSigningSecret(campaignId, actionId); // the old host's secret
    const draft = (await getCampaignDraft(campaignId, "editor"))!;
    const moved = campaignDraftSchema.parse({ ...draft, actions: draft.actions.map((a) => ({ ...a, url: NEW_HOST })) });
    const delay = i % 4;
    const [rotation] = await Promise.allSettled([
      (async () => {
        for (let k = 0; k < delay; k++) await Promise.resolve();
        return rotateSigningSecret(campaignId, actionId);
      })(),
      saveCampaign(moved, { role: "editor" }),
    ]);
    if (rotation.status === "rejected") {
      // the only way the rotation may fail here: it saw the URL move under it
      expect(rotation.reason).toBeInstanceOf(SigningSecretError);
      expect((rotation.reason as Error).message).toMatch(/changed meanwhile/);
      refused++;
    }
    const row = await db().action.findUniqueOrThrow({ where: { id: actionId } });
    expect(row.urlTemplate).toBe(NEW_HOST);
    const held = [row.signingSecretEnc, row.previousSigningSecretEnc].filter((s): s is string => !!s).map((s) => decryptSecret(s));
    if (held.includes(x)) leaks.push(`#${i}: the new host holds the old host's secret`);
    const now = new Date();
    const r = renderWebhookRequest(loadWebhookTemplate(row, now), { user: { id: "u1", email: null, attributes: {} }, now }, { webhookId: "msg_1", timestamp: now });
    const sig = r.ok ? r.request.headers.find(([n]) => n === "webhook-signature")?.[1] : undefined;
    const byX = signatureHeader([x], "msg_1", Math.floor(now.getTime() / 1000), r.ok ? (r.request.body ?? "") : "");
    if (sig?.split(" ").includes(byX)) leaks.push(`#${i}: a request to ${NEW_HOST} is signed with the old host's secret`);
  }
  expect(leaks).toEqual([]);
  console.log(`rotations refused as "changed meanwhile": ${refused} of 40`);
});

// PostgreSQL, deterministically: the save holds its transaction open (alsoWrite) while a rotation reads the
// old URL and waits on the row for its write. (On SQLite the rotation's read waits for the transaction to
// end, sees the new URL and makes a first secret there, which is right; the loop above races it there.)
it("a rotation that read the URL before a save moved it writes nothing once the save commits", async () => {
  const saved = await saveCampaign(campaignDraftSchema.parse({ name: "Held", actions: [{ name: "CRM", url: OLD_HOST }] }), { role: "admin" });
  const [campaignId, actionId] = [saved.id, saved.actionIds[0]!];
  const { secret: x } = await rotateSigningSecret(campaignId, actionId);
  const draft = (await getCampaignDraft(campaignId, "editor"))!;
  const moved = campaignDraftSchema.parse({ ...draft, actions: draft.actions.map((a) => ({ ...a, url: NEW_HOST })) });
  let rotation: Promise<unknown> | undefined;
  await saveCampaign(moved, { role: "editor" }, async () => {
    rotation ??= rotateSigningSecret(campaignId, actionId).then((r) => r, (err: unknown) => err);
    await new Promise((r) => setTimeout(r, 300));
  });
  const outcome = await rotation;
  const row = await db().action.findUniqueOrThrow({ where: { id: actionId } });
  expect(row.urlTemplate).toBe(NEW_HOST);
  expect(row.previousSigningSecretEnc).toBeNull();
  if (row.signingSecretEnc) expect(decryptSecret(row.signingSecretEnc)).not.toBe(x);
  if (outcome instanceof Error) expect(outcome.message).toMatch(/changed meanwhile/);
  else expect((outcome as { state: { previousValidUntil: string | null } }).state.previousValidUntil).toBeNull();
});
