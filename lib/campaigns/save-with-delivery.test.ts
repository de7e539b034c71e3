import { describe, expect, it } from "vitest";
import { db } from "../db";
import { campaignDraftSchema } from "./schemas";
import { actionRef } from "./delivery-refs";
import { saveCampaignWithDelivery } from "./save-with-delivery";

const draft = (name: string, urls: string[], id?: string) =>
  campaignDraftSchema.parse({ id, name, actions: urls.map((url, i) => ({ name: `Hook ${i + 1}`, url })) });

const delivery = (over: Record<string, unknown> = {}) => ({
  rule: { when: "scheduled", sendAt: "2030-01-01T09:00", timeZone: "Europe/Paris" },
  actions: [
    { id: actionRef(0), subDelivery: { kind: "immediate" }, retryPolicy: "none", rateLimitPerSecond: null },
    { id: actionRef(1), subDelivery: { kind: "delay", seconds: 3600 }, retryPolicy: "aggressive", rateLimitPerSecond: 5 },
  ],
  audience: { match: "all", conditions: [] },
  startAt: "",
  endAt: "",
  capExempt: false,
  ...over,
});

describe("saveCampaignWithDelivery (the campaign page's one Save)", () => {
  it("saves a new campaign and its delivery settings together, webhooks named by position", async () => {
    const result = await saveCampaignWithDelivery(draft("Together", ["https://a.example.com", "https://b.example.com"]), delivery());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.deliveryProblem).toBeNull();
    const stored = await db().campaign.findUniqueOrThrow({ where: { id: result.data.id }, include: { actions: { orderBy: { position: "asc" } } } });
    expect(stored.deliveryRule).toMatchObject({ when: "scheduled", sendAt: "2030-01-01T09:00", timeZone: "Europe/Paris" });
    expect(stored.actions.map((a) => [a.id, a.retryPolicy, a.subDelivery, a.rateLimitPerSecond])).toEqual([
      [result.data.actionIds[0], "none", { kind: "immediate" }, null],
      [result.data.actionIds[1], "aggressive", { kind: "delay", seconds: 3600 }, 5],
    ]);
  });

  it("refuses settings that do not parse before writing anything, with errors under delivery.", async () => {
    const before = await db().campaign.count();
    const result = await saveCampaignWithDelivery(draft("Refused", ["https://a.example.com"]), delivery({ rule: { when: "scheduled", sendAt: "", timeZone: "Mars/Olympus" } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.fieldErrors)).toEqual(expect.arrayContaining(["delivery.rule.sendAt", "delivery.rule.timeZone"]));
    expect(await db().campaign.count()).toBe(before);
  });

  it("saves the campaign but says why the settings were not, while it is active", async () => {
    const first = await saveCampaignWithDelivery(draft("Running", ["https://a.example.com"]), undefined);
    if (!first.ok) throw new Error("not saved");
    await db().campaign.update({ where: { id: first.data.id }, data: { status: "active" } });
    const second = await saveCampaignWithDelivery(draft("Running v2", ["https://a.example.com"], first.data.id), delivery({ actions: [] }));
    expect(second.ok && second.data.deliveryProblem).toMatch(/Pause the campaign/);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: first.data.id } })).name).toBe("Running v2");
  });

  it("a paused campaign's refused send time saves nothing, the campaign and a new rate limit included, and names the field", async () => {
    const first = await saveCampaignWithDelivery(draft("Paused", ["https://a.example.com", "https://b.example.com"]), delivery());
    if (!first.ok) throw new Error("not saved");
    await db().campaign.update({ where: { id: first.data.id }, data: { status: "paused", pausedAt: new Date() } });
    const [a, b] = first.data.actionIds;
    const sent = delivery({
      rule: { when: "scheduled", sendAt: "2030-01-01T09:00", timeZone: "Europe/Paris" },
      actions: [
        { id: actionRef(0), subDelivery: { kind: "immediate" }, retryPolicy: "none", rateLimitPerSecond: 9 },
        { id: actionRef(1), subDelivery: { kind: "delay", seconds: 60 }, retryPolicy: "aggressive", rateLimitPerSecond: 5 },
      ],
    });
    const retimed = await saveCampaignWithDelivery(draft("Paused v2", ["https://a.example.com", "https://b.example.com"], first.data.id), sent);
    expect(retimed).toEqual({ ok: false, fieldErrors: { "delivery.actions.1.subDelivery": expect.stringMatching(/^Its deliveries were planned with each webhook's timing/) }, message: expect.stringMatching(/nothing was saved/) });
    const moved = await saveCampaignWithDelivery(draft("Paused v2", ["https://a.example.com", "https://b.example.com"], first.data.id), delivery({ rule: { when: "scheduled", sendAt: "2030-01-01T09:45", timeZone: "Europe/Paris" } }));
    expect(moved).toMatchObject({ ok: false, fieldErrors: { "delivery.rule.sendAt": expect.stringMatching(/^Its deliveries were planned when it was activated/) } });
    const stored = await db().campaign.findUniqueOrThrow({ where: { id: first.data.id }, include: { actions: true } });
    expect(stored.name).toBe("Paused");
    expect(stored.actions.find((x) => x.id === a)!.rateLimitPerSecond).toBeNull();
    expect(stored.actions.find((x) => x.id === b)!.subDelivery).toEqual({ kind: "delay", seconds: 3600 });
  });

  it("keeps nothing when the settings' write fails after the campaign's: a new draft saved again is not saved twice", async () => {
    // the server action refuses such text first (app/define-action.ts); here the write itself fails, as any failure would
    const before = await db().campaign.count();
    const failing = delivery({ rule: { when: "triggered", event: "signed_up\ud800", conditions: [] } });
    await expect(saveCampaignWithDelivery(draft("Half-written", ["https://a.example.com"]), failing)).rejects.toThrow();
    expect(await db().campaign.count()).toBe(before);
    expect(await db().campaign.count({ where: { name: "Half-written" } })).toBe(0);
  });
});
