// The editor's Activate and Save go through the same domain rules as the API: activateCampaign
// checks that every action renders and records who activated; saveCampaign refuses a template that
// does not compile. The request's headers are the one thing supplied from outside.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { activateAction } = await import("./actions");
const { saveCampaignAction } = await import("../../actions");

beforeAll(async () => {
  requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
});

const settingsOf = (campaign: Awaited<ReturnType<typeof createCampaign>>) => ({
  rule: { when: "triggered", event: "purchase" },
  actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" } })),
});

describe("Activate in the editor", () => {
  it("activates a triggered campaign whose Number field reads an event parameter, recording the member", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", fields: [{ key: "amount", value: "{{event.params.amount}}", type: "number" }] });
    const result = await activateAction(campaign.id, settingsOf(campaign));
    expect(result).toMatchObject({ ok: true });
    const audit = await db().auditLog.findMany({ where: { target: campaign.id, action: "campaign.activated" } });
    expect(audit.map((a) => a.actor)).toEqual(["editor@example.com"]);
  });

  it("refuses a field that can never render, in the editor's words", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", fields: [{ key: "amount", value: "lots", type: "number" }] });
    const result = await activateAction(campaign.id, settingsOf(campaign));
    expect(result).toMatchObject({ ok: false, problems: ['Webhook 1 (Hook): Data field "amount": "lots" is not a number'] });
    expect(await db().auditLog.count({ where: { target: campaign.id, action: "campaign.activated" } })).toBe(0);
  });
});

describe("Save in the editor", () => {
  it("answers a template that does not compile with the field's error, writing nothing", async () => {
    const before = await db().campaign.count();
    const result = await saveCampaignAction({ name: "x", actions: [{ url: "https://a.example.com/", fields: [{ key: "a", value: "{{#if user.plan}}" }] }] } as never);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.fieldErrors["actions.0.fields.0.value"]).toMatch(/line \d+, column \d+/);
    expect(!result.ok && result.message).toMatch(/syntax error/);
    expect(await db().campaign.count()).toBe(before);
  });
});

// The dialog asks the dry run, then Activate saves the settings on screen and activates: the dry run's
// verdict on the audience's first users is sent back (sampleCheck), and they are not rendered for again.
describe("Activate after its dialog's dry run", () => {
  it("carries the dry run's verdict through the settings' save, when nothing else changed", async () => {
    const { checkActivationAction } = await import("./actions");
    await db().user.createMany({ data: [1, 2].map((n) => ({ id: `dialog_${n}`, attributes: { group: "dialog", n } })) });
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", fields: [{ key: "n", value: "{{user.n}}", type: "number" }] });
    const settings = {
      rule: { when: "immediate" },
      audience: { match: "all", conditions: [{ key: "group", operator: "equals", value: "dialog" }] },
      actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" } })),
    };
    const dry = await checkActivationAction(campaign.id, settings);
    expect(dry).toMatchObject({ ok: true, data: { sampleFailures: [], sampleCheck: expect.any(String) } });
    if (!dry.ok) return;
    // broken since: rendered again, the activation would refuse them all
    await db().user.updateMany({ where: { id: { startsWith: "dialog_" } }, data: { attributes: { group: "dialog", n: "x" } } });
    const before = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { version: true, contentVersion: true } });
    expect(await activateAction(campaign.id, settings, dry.data.sampleCheck)).toMatchObject({ ok: true });
    // its save of the audience was a change as any other: both versions moved
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { version: true, contentVersion: true } })).toEqual({ version: before.version + 1, contentVersion: before.version + 1 });
  });

  it("renders again when something else changed between the dry run and Activate's save", async () => {
    const { checkActivationAction } = await import("./actions");
    await db().user.createMany({ data: [1, 2].map((n) => ({ id: `dialog2_${n}`, attributes: { group: "dialog2", n } })) });
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", fields: [{ key: "n", value: "{{user.n}}", type: "number" }] });
    const settings = {
      rule: { when: "immediate" },
      audience: { match: "all", conditions: [{ key: "group", operator: "equals", value: "dialog2" }] },
      actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" } })),
    };
    const dry = await checkActivationAction(campaign.id, settings);
    if (!dry.ok) throw new Error(dry.message);
    await db().user.updateMany({ where: { id: { startsWith: "dialog2_" } }, data: { attributes: { group: "dialog2", n: "x" } } });
    // the description changed elsewhere meanwhile (a save moves both versions): nothing the digest reads itself but contentVersion
    const { version } = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { version: true } });
    await db().campaign.update({ where: { id: campaign.id }, data: { description: "since the dry run", version: version + 1, contentVersion: version + 1 } });
    expect(await activateAction(campaign.id, settings, dry.data.sampleCheck)).toMatchObject({ ok: false, problems: [expect.stringMatching(/for every user tried/)] });
  });
});

// The dry run and Resume's check render for the audience's first users: an editor asking them in a loop
// is held to their share of rendering time (lib: sampleRenderCheck), and told when to try again.
describe("Activate's and Resume's checks, for an editor whose rendering share is spent", () => {
  it("answers 'try again in N s' and checks nothing", async () => {
    const { checkActivationAction, resumeWarningsAction } = await import("./actions");
    const { resetPreviewTime, withinPreviewTime } = await import("@/lib/campaigns/preview-rate");
    const editor = await db().member.findFirstOrThrow({ where: { email: "editor@example.com" } });
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook" });
    const spend = () => {
      for (;;) withinPreviewTime(editor.id, () => spendMs(400)); // leaves ~1.2 s to wait: the refusal holds while the actions read
    };
    try {
      expect(spend).toThrow(/share of rendering time/);
      const refused = { ok: false, message: expect.stringMatching(/try again in \d+ s\b/) };
      expect(await checkActivationAction(campaign.id, { rule: { when: "immediate" }, actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" } })) })).toMatchObject(refused);
      await db().campaign.update({ where: { id: campaign.id }, data: { status: "paused" } });
      expect(await resumeWarningsAction(campaign.id)).toMatchObject(refused);
    } finally {
      resetPreviewTime();
    }
  });
});

function spendMs(ms: number) {
  const t = performance.now();
  while (performance.now() - t < ms);
}
