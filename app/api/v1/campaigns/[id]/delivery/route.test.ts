// A campaign's delivery settings through the API: what the campaign page's Delivery section sets
// (rule, audience, dates, each webhook's sub-delivery), validated and saved the same way, by role.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { deliverySettingsSchema, saveDeliverySettings, writeDeliverySettings } from "@/lib/delivery/forms/settings";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { POST as create } from "../../route";
import { PUT as putCampaign } from "../route";
import { POST as activate } from "../activate/route";
import { POST as pause } from "../pause/route";
import { POST as resume } from "../resume/route";
import { POST as track } from "../../../events/route";
import { POST as upsertUsers } from "../../../users/route";
import { GET, PUT } from "./route";

let editor: Record<string, string>;
let viewer: Record<string, string>;
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  viewer = await apiKeyHeaders("viewer");
});

const webhook = (name: string) => ({ name, url: "https://crm.example.com/hook/{{user.id}}", fields: [{ key: "email", value: "{{user.email}}" }] });
const draft = { name: "Delivery API", actions: [webhook("First"), webhook("Second")] };

async function newCampaign(body: object = draft) {
  const res = await create(apiRequest("POST", "/campaigns", editor, body));
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; actions: { id: string }[] };
}
const getSettings = async (id: string, key = viewer) => GET(apiRequest("GET", `/campaigns/${id}/delivery`, key), routeParams(id));
const putSettings = async (id: string, body: unknown, key = editor) => PUT(apiRequest("PUT", `/campaigns/${id}/delivery`, key, body), routeParams(id));

describe("GET and PUT /api/v1/campaigns/{id}/delivery", () => {
  it("a new draft sends at once to everyone; a viewer reads the settings in the shape PUT takes back unchanged", async () => {
    const campaign = await newCampaign();
    const res = await getSettings(campaign.id);
    expect(res.status).toBe(200);
    const settings = await res.json();
    expect(settings).toEqual({
      rule: { when: "immediate" },
      audience: null,
      actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" }, retryPolicy: "default", rateLimitPerSecond: null })),
      startAt: null,
      endAt: null,
      capExempt: false,
    });
    const back = await putSettings(campaign.id, settings);
    expect(back.status).toBe(200);
    expect(await back.json()).toEqual(settings);
  });

  it("sets a scheduled rule, an audience, dates and one webhook's delay, keeping what is left out; audited", async () => {
    const campaign = await newCampaign();
    const [first, second] = campaign.actions;
    const res = await putSettings(campaign.id, {
      rule: { when: "scheduled", sendAt: "2027-01-05T09:00", timeZone: "Europe/Paris", inUserTimeZone: true },
      audience: { match: "any", conditions: [{ key: "plan", operator: "equals", value: "pro" }] },
      actions: [{ id: second!.id, subDelivery: { kind: "delay", seconds: 600 }, retryPolicy: "none", rateLimitPerSecond: 20 }],
      startAt: "2027-01-01T00:00:00Z",
    });
    expect(res.status).toBe(200);
    const saved = await res.json();
    expect(saved).toMatchObject({
      rule: { when: "scheduled", sendAt: "2027-01-05T09:00", timeZone: "Europe/Paris", inUserTimeZone: true, whenPassed: "sendNow" },
      audience: { match: "any", conditions: [{ key: "plan", operator: "equals", value: "pro" }] },
      startAt: "2027-01-01T00:00:00.000Z",
      endAt: null,
      capExempt: false,
    });
    expect(saved.actions).toEqual([
      { id: first!.id, subDelivery: { kind: "immediate" }, retryPolicy: "default", rateLimitPerSecond: null },
      { id: second!.id, subDelivery: { kind: "delay", seconds: 600 }, retryPolicy: "none", rateLimitPerSecond: 20 },
    ]);

    // only the rule: the audience, the dates, the exemption and the webhooks keep theirs
    const kept = await (await putSettings(campaign.id, { rule: { when: "immediate" } })).json();
    expect(kept).toEqual({ ...saved, rule: { when: "immediate" } });
    // null audience: everyone
    expect((await (await putSettings(campaign.id, { rule: { when: "immediate" }, audience: null })).json()).audience).toBeNull();

    const audit = await db().auditLog.findMany({ where: { target: campaign.id, action: "campaign.delivery_changed" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.actor, (a.details as { when: string }).when])).toEqual([
      ['API key "test editor"', "scheduled"],
      ['API key "test editor"', "immediate"],
      ['API key "test editor"', "immediate"],
    ]);
    expect(audit.map((a) => (a.details as { changed: string[] }).changed)).toEqual([["rule", "audience", "startAt", `actions.${second!.id}`], ["rule"], ["audience"]]);
    // sent back unchanged (as the editor's Save does with every campaign save): nothing to record
    expect((await putSettings(campaign.id, await (await getSettings(campaign.id)).json())).status).toBe(200);
    expect(await db().auditLog.count({ where: { target: campaign.id, action: "campaign.delivery_changed" } })).toBe(3);
    // the campaign page's Delivery section saves through the same function, as its member
    await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { when: "triggered", event: "page" } }), { actor: "ann@example.com" });
    expect(await db().auditLog.findFirst({ where: { target: campaign.id, actor: "ann@example.com" } })).toMatchObject({ action: "campaign.delivery_changed", details: { when: "triggered", changed: ["rule"] } });
  });

  // The frequency cap is an admin's setting (README "Frequency cap"): an editor's key or form could
  // exempt their own campaign from it.
  it("changing capExempt needs an admin: an editor's change is a 403 naming it and saves nothing; sent back unchanged or left out, it is the editor's", async () => {
    const admin = await apiKeyHeaders("admin");
    const campaign = await newCampaign();
    const refused = await putSettings(campaign.id, { rule: { when: "triggered", event: "signup" }, capExempt: true });
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body.error).toMatchObject({ code: "forbidden", message: expect.stringContaining("capExempt"), details: [{ path: "capExempt" }] });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { capExempt: true, deliveryRule: true } })).toMatchObject({ capExempt: false, deliveryRule: { when: "immediate" } });

    expect((await (await putSettings(campaign.id, { rule: { when: "immediate" }, capExempt: true }, admin)).json()).capExempt).toBe(true);
    // the editor may save the rest, the exemption sent back as it is or left out
    expect((await putSettings(campaign.id, { rule: { when: "triggered", event: "signup" }, capExempt: true })).status).toBe(200);
    expect((await putSettings(campaign.id, { rule: { when: "immediate" } })).status).toBe(200);
    expect((await putSettings(campaign.id, { rule: { when: "immediate" }, capExempt: false })).status).toBe(403);
    expect((await (await getSettings(campaign.id)).json()).capExempt).toBe(true);

    // the campaign page's Save and Delivery section go through the same function, with the member's role
    const settings = deliverySettingsSchema.parse({ rule: { when: "immediate" }, capExempt: false });
    await expect(saveDeliverySettings(campaign.id, settings, { actor: "ed@example.com", role: "editor" })).rejects.toThrow(/capExempt|frequency cap/);
    await expect(saveDeliverySettings(campaign.id, settings, { actor: "ed@example.com" })).rejects.toThrow(/frequency cap/);
    expect(await saveDeliverySettings(campaign.id, settings, { actor: "own@example.com", role: "owner" })).toMatchObject({ ok: true });

    // a new campaign made by an editor's key cannot start exempt, and nothing of it is kept
    const before = await db().campaign.count();
    const created = await create(apiRequest("POST", "/campaigns", editor, { ...draft, name: "Born exempt", delivery: { rule: { when: "immediate" }, capExempt: true } }));
    expect(created.status).toBe(403);
    expect((await created.json()).error).toMatchObject({ code: "forbidden", details: [{ path: "capExempt" }] });
    expect(await db().campaign.count()).toBe(before);
    const byAdmin = await create(apiRequest("POST", "/campaigns", admin, { ...draft, name: "Born exempt", delivery: { rule: { when: "immediate" }, capExempt: true } }));
    expect(byAdmin.status).toBe(201);
    expect((await byAdmin.json()).delivery.capExempt).toBe(true);
  });

  it("stores a rule's time zone as the IANA database spells it", async () => {
    const campaign = await newCampaign();
    const res = await putSettings(campaign.id, { rule: { when: "scheduled", sendAt: "2027-01-05T09:00", timeZone: "america/new_york" } });
    expect((await res.json()).rule.timeZone).toBe("America/New_York");
  });

  it.each([
    [{ rule: { when: "scheduled", sendAt: "2027-01-05T09:00", timeZone: "Mars/Olympus" } }, "rule.timeZone"],
    [{ rule: { when: "triggered", event: "" } }, "rule.event"],
    [{ rule: { when: "recurring", frequency: "cron", cron: "0 9 * * *", timeZone: "UTC", inUserTimeZone: true } }, "rule.inUserTimeZone"],
    // sendAt is a wall-clock time in timeZone: an instant is refused saying so (not "Choose a date and time")
    [{ rule: { when: "scheduled", sendAt: "2027-01-05T09:00:00Z", timeZone: "UTC" } }, '"rule.sendAt: Use a local date and time without a zone'],
    [{ rule: { when: "scheduled", sendAt: "", timeZone: "UTC" } }, '"rule.sendAt: Choose a date and time"'],
    [{ rule: { when: "sometimes" } }, "rule.when"],
    // refused when saved (it was only at activation, a 409 far from the field)
    [{ rule: { when: "recurring", frequency: "cron", cron: "not a cron", timeZone: "UTC" } }, '"rule.cron: Not a valid cron expression'],
    [{ rule: { when: "immediate" }, startAt: "2027-02-01", endAt: "2027-01-01" }, "endAt"],
    [{ rule: { when: "immediate" }, startAt: "next tuesday" }, "startAt"],
    [{ rule: { when: "immediate" }, endAt: "Jan 5 2027 09:00" }, "endAt: Not an ISO-8601 date"],
    [{ rule: { when: "immediate" }, audience: { conditions: [{ key: "plan", operator: "like" }] } }, "audience.conditions.0.operator"],
    [{ rule: { when: "immediate" }, extra: 1 }, "extra"],
    // each passed the schema, then was a 500: at activation (no such day, on a day with users), or at the write
    [{ rule: { when: "scheduled", sendAt: "2027-02-30T09:00", timeZone: "UTC" } }, "rule.sendAt"],
    [{ rule: { when: "recurring", frequency: "cron", cron: "every day", timeZone: "UTC" } }, "rule.cron"],
    // and this one ran on forever: an end date that is no day never comes
    [{ rule: { when: "recurring", frequency: "daily", timeZone: "UTC", endsOn: "2027-02-30" } }, "rule.endsOn"],
    [{ rule: { when: "immediate" }, startAt: "-200000-01-01T00:00:00Z" }, "startAt"],
    [{ rule: { when: "immediate" }, endAt: "+200000-01-01T00:00:00Z" }, "endAt"],
    // Date.parse took these for 2 March and for 2001
    [{ rule: { when: "immediate" }, endAt: "2027-02-30" }, "endAt"],
    [{ rule: { when: "immediate" }, startAt: "1" }, "startAt"],
    [{}, "rule"],
  ])("refuses %j with a 400 naming %s, and changes nothing", async (body, field) => {
    const campaign = await newCampaign();
    const before = await (await getSettings(campaign.id)).json();
    const res = await putSettings(campaign.id, body);
    expect(res.status).toBe(400);
    const error = (await res.json()).error;
    expect(error.code).toBe("validation_error");
    expect(JSON.stringify(error)).toContain(field);
    expect(await (await getSettings(campaign.id)).json()).toEqual(before);
  });

  it("sets a recurring rule in each user's time zone and reads it back", async () => {
    const campaign = await newCampaign();
    const rule = { when: "recurring", frequency: "weekly", time: "09:00", weekdays: [1, 3], timeZone: "Europe/Paris", inUserTimeZone: true, endsOn: "2099-03-01", maxOccurrences: null };
    const res = await putSettings(campaign.id, { rule });
    expect(res.status).toBe(200);
    expect((await (await getSettings(campaign.id)).json()).rule).toMatchObject(rule);
  });

  it("reads a date and time without a zone as UTC, as the Delivery section sends them, whatever the server's zone", async () => {
    const campaign = await newCampaign();
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      const res = await putSettings(campaign.id, { rule: { when: "immediate" }, startAt: "2027-01-05T09:00", endAt: "2027-01-06" });
      expect(await res.json()).toMatchObject({ startAt: "2027-01-05T09:00:00.000Z", endAt: "2027-01-06T00:00:00.000Z" });
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("refuses a webhook id that is not one of this campaign's (another campaign's, a variant's, made up) with a 400, changing nothing", async () => {
    const mine = await newCampaign();
    const theirs = await newCampaign({ name: "Someone else's", actions: [webhook("Theirs")] });
    const withVariant = await newCampaign({ name: "A/B", actions: [{ ...webhook("AB"), splitPercent: 50, variants: [{ ...webhook("AB B"), splitPercent: 50 }] }] });
    const variant = await db().action.findFirstOrThrow({ where: { campaignId: withVariant.id, variantOfId: { not: null } } });
    for (const [campaignId, actionId] of [[mine.id, theirs.actions[0]!.id], [withVariant.id, variant.id], [mine.id, "nope"]] as const) {
      const before = await (await getSettings(campaignId)).json();
      const res = await putSettings(campaignId, { rule: { when: "triggered", event: "x" }, actions: [{ id: actionId, subDelivery: { kind: "delay", seconds: 5 } }] });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toBe(`actions.0.id: This campaign has no webhook with id ${JSON.stringify(actionId)}`);
      expect(await (await getSettings(campaignId)).json()).toEqual(before);
    }
    expect((await db().action.findUniqueOrThrow({ where: { id: theirs.actions[0]!.id } })).subDelivery).not.toEqual({ kind: "delay", seconds: 5 });
  });

  it("by role and state: a viewer cannot change them (403), an unknown campaign is a 404, an active one a 409 until paused", async () => {
    const campaign = await newCampaign();
    const rule = { rule: { when: "triggered", event: "signed_up" } };
    expect((await putSettings(campaign.id, rule, viewer)).status).toBe(403);
    expect((await putSettings("no-such-campaign", rule)).status).toBe(404);
    expect((await getSettings("no-such-campaign")).status).toBe(404);
    expect((await GET(apiRequest("GET", `/campaigns/${campaign.id}/delivery`, {}), routeParams(campaign.id))).status).toBe(401);

    expect((await putSettings(campaign.id, rule)).status).toBe(200);
    expect((await activate(apiRequest("POST", `/campaigns/${campaign.id}/activate`, editor), routeParams(campaign.id))).status).toBe(200);
    const refused = await putSettings(campaign.id, { rule: { when: "immediate" } });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toBe("The campaign is active: pause it before changing how it delivers");
    expect((await (await getSettings(campaign.id)).json()).rule).toMatchObject({ when: "triggered", event: "signed_up" });

    expect((await pause(apiRequest("POST", `/campaigns/${campaign.id}/pause`, editor), routeParams(campaign.id))).status).toBe(200);
    expect((await putSettings(campaign.id, { rule: { when: "triggered", event: "upgraded" } })).status).toBe(200);
  });

  it("a finished campaign's are locked as the Delivery section locks them (409): a retry by hand reopens it, under whatever rule it was given", async () => {
    const campaign = await newCampaign();
    await db().campaign.update({ where: { id: campaign.id }, data: { status: "finished" } });
    const res = await putSettings(campaign.id, { rule: { when: "triggered", event: "signed_up" } });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toBe("The campaign has finished: duplicate it to send it again.");
    expect((await (await getSettings(campaign.id)).json()).rule).toEqual({ when: "immediate" });
  });

  const onPostgres = env().database.provider === "postgresql";
  const later = () => {
    let release!: () => void;
    return { promise: new Promise<void>((r) => (release = r)), release: () => release() };
  };

  // PostgreSQL reads what is committed without waiting, so each side could act on a state the other was changing
  it.skipIf(!onPostgres)("a PUT racing an activation that commits first is a 409, not a change to the now active campaign (PostgreSQL)", async () => {
    const campaign = await newCampaign();
    const [claimed, released] = [later(), later()];
    const activation = db().$transaction(async (tx) => {
      await tx.campaign.update({ where: { id: campaign.id }, data: { status: "active" } });
      claimed.release();
      await released.promise;
    });
    await claimed.promise;
    const put = putSettings(campaign.id, { rule: { when: "triggered", event: "meanwhile" } });
    await new Promise((r) => setTimeout(r, 500));
    released.release();
    await activation;
    expect((await put).status).toBe(409);
    expect((await (await getSettings(campaign.id)).json()).rule).toEqual({ when: "immediate" });
  });

  it.skipIf(!onPostgres)("an activation that read the campaign before a settings save committed activates nothing (PostgreSQL)", async () => {
    const campaign = await newCampaign();
    const [written, released] = [later(), later()];
    const settings = deliverySettingsSchema.parse({ rule: { when: "triggered", event: "meanwhile" } });
    const save = db().$transaction(async (tx) => {
      expect(await writeDeliverySettings(tx, campaign.id, settings)).toMatchObject({ ok: true });
      written.release();
      await released.promise;
    });
    await written.promise;
    // it reads the committed "immediate" rule, checks it, then waits for the row to claim it
    const activation = activateCampaign(campaign.id);
    await new Promise((r) => setTimeout(r, 500));
    released.release();
    await save;
    expect(await activation).toMatchObject({ ok: false, problems: ["The campaign was changed or activated by someone else meanwhile: check it and activate again."] });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { status: true } })).toEqual({ status: "draft" });
  });
});

describe("a paused campaign's delivery settings", () => {
  async function pausedWith(delivery: object) {
    const campaign = await newCampaign({ ...draft, delivery: { audience: { conditions: [{ key: "id", operator: "equals", value: "nobody" }] }, ...delivery } });
    expect((await activate(apiRequest("POST", `/campaigns/${campaign.id}/activate`, editor), routeParams(campaign.id))).status).toBe(200);
    expect((await pause(apiRequest("POST", `/campaigns/${campaign.id}/pause`, editor), routeParams(campaign.id))).status).toBe(200);
    return campaign;
  }

  it("keeps its kind of rule: triggered to at once would resume planning nothing (409, nothing changed)", async () => {
    const campaign = await pausedWith({ rule: { when: "triggered", event: "signed_up" } });
    const res = await putSettings(campaign.id, { rule: { when: "immediate" } });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toBe("A paused campaign keeps its kind of delivery (on an event): duplicate it to send at once.");
    expect((await (await getSettings(campaign.id)).json()).rule).toMatchObject({ when: "triggered", event: "signed_up" });
    // within its kind: another event, conditions, quiet hours
    expect((await putSettings(campaign.id, { rule: { when: "triggered", event: "upgraded", quietHours: { start: "22:00", end: "07:00" } } })).status).toBe(200);
  });

  it("planned once at activation: a new send time or audience is refused, quiet hours and the webhooks' settings are not", async () => {
    const rule = { when: "scheduled", sendAt: "2099-01-01T09:00", timeZone: "UTC" };
    const campaign = await pausedWith({ rule });
    const changes = [
      [{ rule: { ...rule, sendAt: "2099-02-01T09:00" } }, "rule.sendAt"],
      [{ rule: { ...rule, timeZone: "Europe/Paris" } }, "rule.timeZone"],
      [{ rule, audience: null }, "audience"],
      [{ rule, audience: { conditions: [{ key: "plan", operator: "equals", value: "pro" }] } }, "audience"],
    ] as const;
    for (const [change, path] of changes) {
      const res = await putSettings(campaign.id, change);
      expect(res.status).toBe(409);
      const { error } = await res.json();
      expect(error.message).toMatch(/^Its deliveries were planned when it was activated/);
      // the refused field is named, as a validation error's would be
      expect(error.details).toEqual([{ path, message: error.message }]);
    }
    const same = await putSettings(campaign.id, { rule: { ...rule, quietHours: { start: "22:00", end: "07:00" } }, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "nobody" }] }, actions: [{ id: campaign.actions[0]!.id, subDelivery: { kind: "immediate" }, retryPolicy: "none" }] });
    expect(same.status).toBe(200);
  });

  it("takes back the same send time however it is spelt: with seconds (as the Delivery section's date input may give it) or without", async () => {
    const campaign = await pausedWith({ rule: { when: "scheduled", sendAt: "2099-01-01T09:00:00", timeZone: "UTC" } });
    expect((await putSettings(campaign.id, { rule: { when: "scheduled", sendAt: "2099-01-01T09:00", timeZone: "UTC" } })).status).toBe(200);
    expect((await putSettings(campaign.id, { rule: { when: "scheduled", sendAt: "2099-01-01T09:00:00", timeZone: "UTC" } })).status).toBe(200);
    expect((await putSettings(campaign.id, { rule: { when: "scheduled", sendAt: "2099-01-01T09:00:01", timeZone: "UTC" } })).status).toBe(409);
  });
});

describe("POST /api/v1/campaigns with delivery", () => {
  it("creates a triggered campaign for an audience in one call, which then sends to matching users only when the event is tracked", async () => {
    const campaign = await newCampaign({
      ...draft,
      name: "Triggered from the API",
      delivery: {
        rule: { when: "triggered", event: "api_signed_up" },
        audience: { conditions: [{ key: "plan", operator: "equals", value: "pro" }] },
        actions: [{ id: "@1", subDelivery: { kind: "delay", seconds: 3600 } }],
      },
    });
    const settings = await (await getSettings(campaign.id)).json();
    // the create's answer carries them as saved (webhooks by id)
    expect((campaign as unknown as { delivery: unknown }).delivery).toEqual(settings);
    expect(settings.rule).toEqual({ when: "triggered", event: "api_signed_up", conditions: [] });
    expect(settings.audience).toEqual({ match: "all", conditions: [{ key: "plan", operator: "equals", value: "pro" }] });
    expect(settings.actions.map((a: { subDelivery: unknown }) => a.subDelivery)).toEqual([{ kind: "immediate" }, { kind: "delay", seconds: 3600 }]);
    // audited as a PUT of the settings would be (in the creation's transaction), with what differs from a new draft's
    const audit = await db().auditLog.findMany({ where: { target: campaign.id } });
    expect(audit.map((a) => [a.action, a.actor, a.details]).sort()).toEqual([
      ["campaign.created", 'API key "test editor"', { name: "Triggered from the API" }],
      ["campaign.delivery_changed", 'API key "test editor"', { when: "triggered", changed: ["rule", "audience", `actions.${campaign.actions[1]!.id}`] }],
    ]);

    expect((await activate(apiRequest("POST", `/campaigns/${campaign.id}/activate`, editor), routeParams(campaign.id))).status).toBe(200);
    // nobody is planned on activation: it waits for the event
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(0);
    const users = { users: [{ userId: "api-pro", attributes: { plan: "pro" } }, { userId: "api-free", attributes: { plan: "free" } }] };
    expect((await upsertUsers(apiRequest("POST", "/users", editor, users))).status).toBe(200);
    const tracked = await track(apiRequest("POST", "/events", editor, { events: [{ userId: "api-pro", event: "api_signed_up" }, { userId: "api-free", event: "api_signed_up" }] }));
    expect(tracked.status).toBe(202);
    const planned = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { userId: true, actionId: true, dueAt: true, createdAt: true } });
    expect(planned.map((d) => d.userId).sort()).toEqual(["api-pro", "api-pro"]);
    const delayed = planned.find((d) => d.actionId === campaign.actions[1]!.id)!;
    expect(delayed.dueAt.getTime() - Date.now()).toBeGreaterThan(3500_000);
  });

  it("refuses a webhook named other than by its position, or past the last, with a 400, creating nothing", async () => {
    const before = await db().campaign.count();
    for (const id of ["@2", "@-1", "first", "@"]) {
      const res = await create(apiRequest("POST", "/campaigns", editor, { ...draft, delivery: { rule: { when: "immediate" }, actions: [{ id, subDelivery: { kind: "immediate" } }] } }));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toBe('delivery.actions.0.id: Name a webhook of this campaign by its position: "@0" to "@1"');
    }
    // not "@0" to "@-1"
    for (const [actions, said] of [[[], "This campaign has no webhooks: leave out delivery.actions"], [[webhook("Only")], 'Name a webhook of this campaign by its position: "@0"']] as const) {
      const res = await create(apiRequest("POST", "/campaigns", editor, { ...draft, actions, delivery: { rule: { when: "immediate" }, actions: [{ id: "@1", subDelivery: { kind: "immediate" } }] } }));
      expect((await res.json()).error.message).toBe(`delivery.actions.0.id: ${said}`);
    }
    const invalid = await create(apiRequest("POST", "/campaigns", editor, { ...draft, delivery: { rule: { when: "recurring", frequency: "weekly", timeZone: "UTC" } } }));
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.message).toContain("delivery.rule.weekdays");
    expect(await db().campaign.count()).toBe(before);
  });

  it("PUT /api/v1/campaigns/{id} does not take delivery (it has its own route)", async () => {
    const campaign = await newCampaign();
    const res = await putCampaign(apiRequest("PUT", `/campaigns/${campaign.id}`, editor, { ...draft, delivery: { rule: { when: "immediate" } } }), routeParams(campaign.id));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("delivery");
  });
});

describe("resuming after the settings changed while paused", () => {
  it("is checked as an activation is: an end date that passed meanwhile is a 409 saying so, and it stays paused until fixed", async () => {
    const campaign = await newCampaign({ ...draft, delivery: { rule: { when: "triggered", event: "resume_check" } } });
    expect((await activate(apiRequest("POST", `/campaigns/${campaign.id}/activate`, editor), routeParams(campaign.id))).status).toBe(200);
    expect((await pause(apiRequest("POST", `/campaigns/${campaign.id}/pause`, editor), routeParams(campaign.id))).status).toBe(200);
    expect((await putSettings(campaign.id, { rule: { when: "triggered", event: "resume_check" }, endAt: "2020-01-01T00:00:00Z" })).status).toBe(200);
    const refused = await resume(apiRequest("POST", `/campaigns/${campaign.id}/resume`, editor), routeParams(campaign.id));
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toBe("It cannot resume yet: The end date has already passed.");
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");
    expect((await putSettings(campaign.id, { rule: { when: "triggered", event: "resume_check" }, endAt: null })).status).toBe(200);
    expect((await resume(apiRequest("POST", `/campaigns/${campaign.id}/resume`, editor), routeParams(campaign.id))).status).toBe(200);
  });
});
