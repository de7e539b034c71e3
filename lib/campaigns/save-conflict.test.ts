// Two people saving the same campaign: a save made from a version someone has saved over since is
// refused (nothing written, the first save's change kept), one made from the fresh version passes.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { recordAudit } from "../auth/audit";
import { CampaignConflictError, getCampaignDraft, saveCampaign } from "./campaigns";
import { campaignDraftSchema, type CampaignDraftInput } from "./schemas";

const draft = (input: CampaignDraftInput) => campaignDraftSchema.parse(input);

async function dailyNudge() {
  const { id } = await saveCampaign(draft({ name: "Daily nudge", actions: [{ url: "https://old.example.com/hook", fields: [{ key: "id", value: "{{user.id}}" }] }] }));
  return (await getCampaignDraft(id, "editor"))!;
}

/** What a tab holds after loading the campaign, as a draft it would save. */
const tabOf = (loaded: NonNullable<Awaited<ReturnType<typeof getCampaignDraft>>>) => ({ ...loaded, actions: loaded.actions.map((a) => ({ ...a })) });

describe("saving from an older version", () => {
  it("refuses the second of two saves made from the same version, and keeps the first's change", async () => {
    const loaded = await dailyNudge();
    expect(loaded.version).toBe(1);
    const a = tabOf(loaded);
    const b = tabOf(loaded);
    await saveCampaign(draft({ ...a, actions: [{ ...a.actions[0]!, url: "https://new.example.com/hook" }] }));
    const refused = saveCampaign(draft({ ...b, description: "Nudges every day" }));
    await expect(refused).rejects.toThrow(CampaignConflictError);
    await expect(refused).rejects.toThrow(/^This campaign was changed at \d{4}-\d\d-\d\d \d\d:\d\d UTC since you opened it\. Copy your changes, then reload to see theirs\.$/);
    const stored = (await getCampaignDraft(loaded.id, "editor"))!;
    expect(stored.actions[0]!.url).toBe("https://new.example.com/hook");
    expect(stored.description).toBe("");
    expect(stored.version).toBe(2);
  });

  it("passes from the fresh version, and again from the version that save returned (a second save from the same tab)", async () => {
    const loaded = await dailyNudge();
    await saveCampaign(draft({ ...tabOf(loaded), name: "Daily nudge 2" }));
    const fresh = (await getCampaignDraft(loaded.id, "editor"))!;
    await saveCampaign(draft({ ...tabOf(fresh), description: "first" }));
    const again = (await getCampaignDraft(loaded.id, "editor"))!;
    expect(again.version).toBe(3);
    await saveCampaign(draft({ ...tabOf(again), description: "second" }));
    const stored = (await getCampaignDraft(loaded.id, "editor"))!;
    expect([stored.name, stored.description, stored.version]).toEqual(["Daily nudge 2", "second", 4]);
  });

  it("names who saved it: a member by name, a key as the API", async () => {
    await db().member.create({ data: { id: "m-ada", name: "Ada Lovelace", email: "ada@example.com", role: "editor" } });
    const loaded = await dailyNudge();
    await saveCampaign(draft({ ...tabOf(loaded), name: "By Ada" }));
    await recordAudit({ actor: "ada@example.com", action: "campaign.updated", target: loaded.id });
    await expect(saveCampaign(draft({ ...tabOf(loaded), name: "Stale" }))).rejects.toThrow(/^This campaign was changed by Ada Lovelace at .* UTC since you opened it/);
    await recordAudit({ actor: 'API key "ci"', action: "campaign.updated", target: loaded.id });
    await expect(saveCampaign(draft({ ...tabOf(loaded), name: "Stale" }))).rejects.toThrow(/changed by the API at /);
    expect((await getCampaignDraft(loaded.id, "editor"))!.name).toBe("By Ada");
  });

  it("without a version (the API without If-Match) the last save wins, and the version still goes up", async () => {
    const loaded = await dailyNudge();
    await saveCampaign(draft({ ...tabOf(loaded), name: "One" }));
    const { version: _v, ...unversioned } = tabOf(loaded);
    await saveCampaign(draft({ ...unversioned, name: "Two" }));
    const stored = (await getCampaignDraft(loaded.id, "editor"))!;
    expect([stored.name, stored.version]).toEqual(["Two", 3]);
  });

  it("refuses two saves racing from the same version: one passes, the other is a conflict", async () => {
    const loaded = await dailyNudge();
    const results = await Promise.allSettled([
      saveCampaign(draft({ ...tabOf(loaded), name: "Racer A" })),
      saveCampaign(draft({ ...tabOf(loaded), name: "Racer B" })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(CampaignConflictError);
    expect((await getCampaignDraft(loaded.id, "editor"))!.version).toBe(2);
  });
});
