// Activate's dry run and Resume's check render the webhooks for the audience's first users (up to a
// second of yielding renders each): an editor calling them in a loop kept the process busy, unlimited.
// Their renders are held to the member's share of rendering time, the live preview's (preview-rate.ts):
// a member whose share is spent is told to try again in N s before anything renders, and a check's
// renders spend the share as previews do.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { checkActivation, resumeWarnings } from "./lifecycle";
import { createHeavyAudience, createHeavyCampaign } from "../testing/heavy-campaign";
import { RenderTimeExceededError, resetPreviewTime, withinPreviewTime } from "../../campaigns/preview-rate";

const busy = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms);
};

/** Runs `ms` previews for `memberId` until one is refused; how many ran. */
function previewsUntilRefused(memberId: string, ms = 100): number {
  for (let n = 0; n < 100; n++) {
    try {
      withinPreviewTime(memberId, () => busy(ms));
    } catch (err) {
      expect(err).toBeInstanceOf(RenderTimeExceededError);
      return n;
    }
  }
  throw new Error("never refused");
}

beforeEach(() => resetPreviewTime());

describe("Activate's and Resume's sample renders, within the member's share of rendering time", () => {
  it("refuses a member whose previews spent their share, saying when to try again, for the dry run and Resume's check alike", async () => {
    await createHeavyAudience("spent", 5);
    const campaign = await createHeavyCampaign("spent", "https://hooks.example.com/hook");
    const refusal = { retryAfterSeconds: expect.any(Number), message: expect.stringMatching(/try again in \d+ s\b/) };
    // one preview that took 3 s (the thread blocked, not spinning) leaves the member ~1.8 s in debt:
    // refused for ~9.6 s, longer than both asks take on a loaded machine (a share spent to its last
    // few hundred ms refilled while a loaded machine read the campaign)
    withinPreviewTime("m-spent", () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000));
    await expect(checkActivation(campaign.id, { memberId: "m-spent" })).rejects.toMatchObject(refusal);
    await db().campaign.update({ where: { id: campaign.id }, data: { status: "paused" } });
    await expect(resumeWarnings(campaign.id, { memberId: "m-spent" })).rejects.toMatchObject(refusal);
    // another member, and a check no member asked for (the API's), are not held by it
    await expect(resumeWarnings(campaign.id, { memberId: "m-other" })).resolves.toMatchObject({ sampleFailures: [] });
    await expect(resumeWarnings(campaign.id)).resolves.toMatchObject({ sampleFailures: [] });
  }, 60_000);

  it("charges a check's renders to the member: their previews then get less of the share", async () => {
    await createHeavyAudience("charged", 20);
    const campaign = await createHeavyCampaign("charged", "https://hooks.example.com/hook");
    const fresh = previewsUntilRefused("m-fresh");
    expect(await checkActivation(campaign.id, { memberId: "m-checked" })).toMatchObject({ ok: true });
    expect(previewsUntilRefused("m-checked")).toBeLessThan(fresh);
  }, 60_000);
});
