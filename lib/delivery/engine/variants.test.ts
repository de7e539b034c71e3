// Variants and a control group end to end on the real database and a real receiver: activation
// assigns each user (control rows, deliveries per variant), the engine sends each variant's content.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { trackEvents } from "../triggers";
import { waitFor } from "../testing/receiver";
import { createCampaign, createUsers } from "../testing/fixtures";
import { assignVariant } from "../../campaigns/variants";
import { runDueOccurrences } from "../store/recurring";
import { listDeliveries } from "../store/log-queries";
import { deliveryCsvChunks } from "../store/log-export";
import { engineHarness } from "../testing/engine-harness";
import { campaignResults } from "../../campaigns/conversion-results";
import type { Prisma } from "../../db";

// the walkthrough's CRM: /crm/ answers the contact's id (saved as crmRef), /followup/ anything
const harness = engineHarness((req) =>
  req.path.startsWith("/crm/") ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: `ref-${req.path.split("/").pop()}` }) } : { status: 200 },
);

async function startEngine() {
  await harness.startEngine({ retryScheduleMs: [100, 100, 100] }, {
    concurrency: 50,
    hostConcurrency: 20,
    leaseMs: 30_000,
    idlePollMs: 100,
  });
}

/** A campaign whose one step is variant A (50%), with variant B (50%) and a 20% control group. */
async function campaignWithVariants(prefix: string, options: { rule?: object } = {}) {
  const campaign = await createCampaign({
    url: `${harness.receiver.url}/${prefix}/A/{{user.id}}`,
    rule: options.rule,
    audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: prefix }] },
    fields: [{ key: "variant", value: "A", type: "text" }, { key: "name", value: "{{userAttribute.firstName}}", type: "text" }],
  });
  const step = campaign.actions[0]!;
  await db().action.update({ where: { id: step.id }, data: { splitPercent: 50, controlPercent: 20 } });
  const b = await db().action.create({
    data: {
      campaignId: campaign.id,
      variantOfId: step.id,
      position: 0,
      splitPercent: 50,
      name: "Hook B",
      urlTemplate: `${harness.receiver.url}/${prefix}/B/{{user.id}}`,
      contentType: "application/x-www-form-urlencoded",
      fields: [{ key: "variant", value: "B", type: "text" }, { key: "greeting", value: "Hi {{userAttribute.firstName}}", type: "text" }],
      headers: [{ name: "X-Variant", value: "B", secret: false }],
      timeoutMs: 5000,
    },
  });
  return { campaign, step, b };
}

const config = { controlPercent: 20, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] };

describe("variants and a control group", () => {
  it("activates 2,000 users: control rows for the held out, each variant's content sent to its users", async () => {
    const users = await createUsers(2000, "vab");
    const { campaign, step, b } = await campaignWithVariants("vab");
    const expected = new Map(users.map((u) => [u.id, assignVariant({ campaignId: campaign.id, actionId: step.id, userId: u.id }, config)]));
    const count = (k: string) => [...expected.values()].filter((v) => v === k).length;
    // the hash gives about 20/40/40
    expect(Math.abs(count("control") - 400)).toBeLessThan(80);

    const result = await activateCampaign(campaign.id);
    expect(result).toMatchObject({ ok: true, counts: { scheduled: count("A") + count("B"), control: count("control") } });

    const control = await db().controlGroupMember.findMany({ where: { campaignId: campaign.id } });
    expect(control).toHaveLength(count("control"));
    expect(control.every((c) => c.actionId === step.id && c.triggerKey === "activation" && expected.get(c.userId) === "control")).toBe(true);

    const deliveries = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { userId: true, actionId: true, variant: true, variantActionId: true } });
    expect(deliveries).toHaveLength(count("A") + count("B"));
    for (const d of deliveries) {
      expect(d.actionId).toBe(step.id);
      expect(d.variant).toBe(expected.get(d.userId));
      expect(d.variantActionId).toBe(d.variant === "B" ? b.id : null);
    }

    // the log and its export name each delivery's variant
    const page = await listDeliveries({ campaignId: campaign.id });
    expect(page.items.every((d) => d.variant === expected.get(d.userId))).toBe(true);
    let csv = "";
    for await (const chunk of deliveryCsvChunks({ campaignId: campaign.id })) csv += chunk;
    const lines = csv.trim().split("\r\n");
    expect(lines[0]!.split(",").at(-1)).toBe("variant");
    expect(lines.slice(1).every((l) => expected.get(l.split(",")[4]!) === l.split(",").at(-1))).toBe(true);

    await startEngine();
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === deliveries.length, 90_000, 200);
    const got = harness.receiver.received.filter((r) => r.path.startsWith("/vab/"));
    expect(got).toHaveLength(deliveries.length);
    for (const r of got) {
      const [, , variant, userId] = r.path.split("/");
      expect(expected.get(userId!)).toBe(variant);
      if (variant === "A") {
        expect(r.headers["content-type"]).toContain("application/json");
        expect(JSON.parse(r.body)).toMatchObject({ variant: "A" });
        expect(r.headers["x-variant"]).toBeUndefined();
      } else {
        expect(r.headers["content-type"]).toContain("application/x-www-form-urlencoded");
        const body = new URLSearchParams(r.body);
        expect(body.get("variant")).toBe("B");
        expect(body.get("greeting")).toMatch(/^Hi Name\d+$/);
        expect(r.headers["x-variant"]).toBe("B");
      }
    }
  }, 150_000);

  it("an event gives a user the same variant every time, and a held-out user a control row per trigger", async () => {
    const users = await createUsers(40, "vev");
    const { campaign, step } = await campaignWithVariants("vev", { rule: { when: "triggered", event: "vev_signup", conditions: [] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    const expected = new Map(users.map((u) => [u.id, assignVariant({ campaignId: campaign.id, actionId: step.id, userId: u.id }, config)]));
    for (let round = 0; round < 2; round++) {
      await trackEvents(users.map((u) => ({ userId: u.id, event: "vev_signup" })));
    }
    const deliveries = await db().delivery.findMany({ where: { campaignId: campaign.id } });
    const control = await db().controlGroupMember.findMany({ where: { campaignId: campaign.id } });
    const held = users.filter((u) => expected.get(u.id) === "control").length;
    expect(control).toHaveLength(held * 2);
    expect(deliveries).toHaveLength((users.length - held) * 2);
    for (const d of deliveries) expect(d.variant).toBe(expected.get(d.userId));
  }, 60_000);

  it("a recurring campaign gives each user the same variant (or control) at every occurrence", async () => {
    const users = await createUsers(50, "vrc");
    const { campaign, step } = await campaignWithVariants("vrc", { rule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", maxOccurrences: 2 } });
    expect((await activateCampaign(campaign.id, { now: new Date("2026-07-01T08:00:00Z") })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-07-01T09:00:01Z"));
    await runDueOccurrences(db(), new Date("2026-07-02T09:00:01Z"));
    const expected = new Map(users.map((u) => [u.id, assignVariant({ campaignId: campaign.id, actionId: step.id, userId: u.id }, config)]));
    const held = users.filter((u) => expected.get(u.id) === "control").length;
    const control = await db().controlGroupMember.findMany({ where: { campaignId: campaign.id } });
    expect(control).toHaveLength(held * 2);
    expect(new Set(control.map((c) => c.triggerKey))).toEqual(new Set(["occurrence:2026-07-01T09:00:00.000Z", "occurrence:2026-07-02T09:00:00.000Z"]));
    expect(control.every((c) => c.assignedAt.toISOString().startsWith(c.triggerKey.slice("occurrence:".length, "occurrence:".length + 10)))).toBe(true);
    const deliveries = await db().delivery.findMany({ where: { campaignId: campaign.id } });
    expect(deliveries).toHaveLength((users.length - held) * 2);
    for (const d of deliveries) expect(d.variant).toBe(expected.get(d.userId));
  }, 60_000);

  it("a user held out at step 1 is sent nothing by step 2 either: no follow-up with an empty crmRef, and step 2's control row holds them", async () => {
    const users = await createUsers(40, "vho");
    const campaign = await db().campaign.create({
      data: {
        name: "Held out onwards",
        deliveryRule: { when: "immediate" },
        goalEvent: "vho_purchase",
        goalWindowHours: 24,
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "vho" }] },
        actions: {
          create: [
            {
              position: 0,
              name: "Create contact",
              urlTemplate: `${harness.receiver.url}/crm/{{user.id}}`,
              fields: [{ key: "email", value: "{{user.email}}", type: "text" }],
              headers: [],
              timeoutMs: 5000,
              controlPercent: 20,
              responseMapping: [{ path: "$.id", attribute: "crmRef" }] as Prisma.InputJsonValue,
            },
            {
              position: 1,
              name: "Follow up",
              urlTemplate: `${harness.receiver.url}/followup/{{user.crmRef}}`,
              fields: [],
              headers: [],
              timeoutMs: 5000,
              // from activation: time for step 1's results (and their crmRef) to be recorded first
              subDelivery: { kind: "delay", seconds: 4 },
            },
          ],
        },
      },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    const [first, second] = campaign.actions;
    const held = new Set(users.filter((u) => assignVariant({ campaignId: campaign.id, actionId: first!.id, userId: u.id }, { controlPercent: 20, variants: [] }) === "control").map((u) => u.id));
    expect(held.size).toBeGreaterThan(0);

    const result = await activateCampaign(campaign.id);
    expect(result).toMatchObject({ ok: true, counts: { scheduled: 2 * (users.length - held.size), control: 2 * held.size } });
    const controlRows = await db().controlGroupMember.findMany({ where: { campaignId: campaign.id } });
    for (const step of [first!, second!]) {
      expect(new Set(controlRows.filter((c) => c.actionId === step.id).map((c) => c.userId))).toEqual(held);
    }

    await startEngine();
    const sent = 2 * (users.length - held.size);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === sent, 60_000, 100);
    const followUps = harness.receiver.received.filter((r) => r.path.startsWith("/followup/"));
    expect(followUps).toHaveLength(users.length - held.size);
    // every follow-up carries the id step 1 saved: nobody held out was posted /followup/ with an empty one
    expect(followUps.every((r) => /^\/followup\/ref-vho\d{6}$/.test(r.path))).toBe(true);
    expect(followUps.some((r) => held.has(r.path.slice("/followup/ref-".length)))).toBe(false);

    // the results: step 1 as before; step 2's control row holds step 1's held-out users, and is its baseline
    const results = (await campaignResults(campaign.id, new Date(Date.now() + 60_000)))!;
    const [r1, r2] = results.steps;
    expect(r1!.groups.map((g) => [g.key, g.label, g.reached])).toEqual([["A", "Create contact", users.length - held.size], ["control", "Control", held.size]]);
    expect(r1!.baseline).toBe("control");
    expect(r2!.groups.map((g) => [g.key, g.label, g.reached])).toEqual([["A", "Follow up", users.length - held.size], ["control", "Control (held out at Create contact)", held.size]]);
    expect(r2!.baseline).toBe("control");
  }, 90_000);

  it("an event trigger holds step 1's control users out of step 2 as well", async () => {
    const users = await createUsers(30, "vht");
    const campaign = await createCampaign({ url: `${harness.receiver.url}/vht/one`, rule: { when: "triggered", event: "vht_signup", conditions: [] }, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "vht" }] } });
    const first = campaign.actions[0]!;
    await db().action.update({ where: { id: first.id }, data: { controlPercent: 30 } });
    const second = await db().action.create({ data: { campaignId: campaign.id, position: 1, name: "Two", urlTemplate: `${harness.receiver.url}/vht/two`, fields: [], headers: [], timeoutMs: 5000 } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await trackEvents(users.map((u) => ({ userId: u.id, event: "vht_signup" })));
    const held = new Set(users.filter((u) => assignVariant({ campaignId: campaign.id, actionId: first.id, userId: u.id }, { controlPercent: 30, variants: [] }) === "control").map((u) => u.id));
    expect(held.size).toBeGreaterThan(0);
    const control = await db().controlGroupMember.findMany({ where: { campaignId: campaign.id, actionId: second.id } });
    expect(new Set(control.map((c) => c.userId))).toEqual(held);
    const toSecond = await db().delivery.findMany({ where: { campaignId: campaign.id, actionId: second.id } });
    expect(toSecond).toHaveLength(users.length - held.size);
    expect(toSecond.some((d) => held.has(d.userId))).toBe(false);
  }, 60_000);
});
