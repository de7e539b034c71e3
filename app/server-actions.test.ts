// Every server action is a public endpoint: anyone can POST any JSON as its arguments. Each one,
// called by the owner (so the role never stops it) with garbage, answers { ok: false } and changes
// nothing; with well-formed ids that name nothing, it never throws. The pause-all repro of issue 11
// (`pauseAction({ not: "zzz" })` paused every active campaign) is the first test.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const modules: Record<string, Record<string, unknown>> = {
  "app/campaigns/actions.ts": await import("./campaigns/actions"),
  "app/campaigns/signing-actions.ts": await import("./campaigns/signing-actions"),
  "app/campaigns/goal-actions.ts": await import("./campaigns/goal-actions"),
  "app/campaigns/[id]/deliveries/actions.ts": await import("./campaigns/[id]/deliveries/actions"),
  "app/settings/actions.ts": await import("./settings/actions"),
  "app/settings/allowed-destinations-actions.ts": await import("./settings/allowed-destinations-actions"),
  "app/settings/webhook-template-actions.ts": await import("./settings/webhook-template-actions"),
  "app/sign-in/actions.ts": await import("./sign-in/actions"),
};
const deliveries = modules["app/campaigns/[id]/deliveries/actions.ts"] as typeof import("./campaigns/[id]/deliveries/actions");

type AnyAction = (...args: unknown[]) => Promise<{ ok: boolean; message?: string; fieldErrors?: Record<string, string> }>;
const actions: [string, AnyAction][] = Object.entries(modules).flatMap(([file, mod]) =>
  Object.entries(mod)
    .filter(([name, fn]) => name.endsWith("Action") && typeof fn === "function")
    .map(([name, fn]) => [`${file} ${name}`, fn as AnyAction] as [string, AnyAction]),
);

const GARBAGE: unknown[] = [{ not: "zzz" }, { id: { not: "zzz" } }, { in: [] }, {}, [], ["a", "b"], null, undefined, "", "x".repeat(65), 42, true, { __proto__: { admin: true } }];

async function campaign(name: string, status: string) {
  return db().campaign.create({ data: { name, status, deliveryRule: { when: "immediate" } } });
}

/** Everything an action could write: rows per table and each campaign's status. */
async function snapshot() {
  const d = db();
  const [campaigns, actionRows, deliveryRows, audit, keys, members, invites, settings] = await Promise.all([
    d.campaign.findMany({ select: { id: true, status: true, name: true, updatedAt: true }, orderBy: { id: "asc" } }),
    d.action.count(),
    d.delivery.count(),
    d.auditLog.count(),
    d.apiKey.findMany({ select: { id: true, revokedAt: true } }),
    d.member.findMany({ select: { id: true, role: true } }),
    d.memberInvite.count(),
    d.setting.findMany(),
  ]);
  return { campaigns, actionRows, deliveryRows, audit, keys, members, invites, settings };
}

beforeAll(async () => {
  const cookies = await memberCookies();
  requestHeaders = new Headers({ cookie: cookies.owner });
  await campaign("Live one", "active");
  await campaign("Live two", "active");
  await campaign("Resting", "paused");
  await campaign("Draft", "draft");
});

describe("server actions parse their input before anything runs", () => {
  it("pauseAction({ not: 'zzz' }) pauses nothing and answers ok: false (issue 11, hole 7)", async () => {
    const before = await snapshot();
    const res = await deliveries.pauseAction({ not: "zzz" } as never);
    expect(res.ok).toBe(false);
    expect(await db().campaign.count({ where: { status: "active" } })).toBe(2);
    expect(await snapshot()).toEqual(before);
    for (const other of [deliveries.resumeAction, deliveries.retryAllFailedAction, deliveries.cancelScheduledAction] as AnyAction[]) {
      expect((await other({ not: "zzz" })).ok).toBe(false);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("covers every server action file", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name) && !name.endsWith(".test.ts") && /^\s*["']use server["']/.test(readFileSync(full, "utf8"))) files.push(path.relative(path.dirname(import.meta.dirname), full));
      }
    };
    walk(import.meta.dirname);
    expect(files.sort()).toEqual(Object.keys(modules).sort());
    expect(actions.length).toBeGreaterThanOrEqual(23);
  });

  it("the visitors' forms (sign-in, owner set-up, invitation) answer a form of wrong or missing fields with a message, never a throw", async () => {
    const forms = modules["app/sign-in/actions.ts"] as typeof import("./sign-in/actions");
    const form = (fields: Record<string, string | Blob>) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(fields)) data.append(name, value);
      return data;
    };
    const before = await snapshot();
    const calls: [string, Promise<unknown>][] = [
      ["signIn, nothing", forms.signInAction(null, form({}))],
      ["signIn, a file for the email", forms.signInAction(null, form({ email: new Blob(["x"]), password: "p" }))],
      ["createOwner, nothing", forms.createOwnerAction(null, form({}))],
      ["createOwner, an owner exists", forms.createOwnerAction(null, form({ email: "second@example.com", password: "second-password" }))],
      ["createOwner, a 200-character password", forms.createOwnerAction(null, form({ email: "x@example.com", password: "p".repeat(200) }))],
      ["acceptInvite, no such token", forms.acceptInviteAction(null, form({ token: "nope", password: "invitee-password" }))],
      ["acceptInvite, no token at all", forms.acceptInviteAction(null, form({ password: "invitee-password" }))],
      ["signIn, fields named __proto__ and constructor", forms.signInAction(null, form({ ["__proto__"]: "x", constructor: "y", email: "owner@example.com", password: "wrong-password" }))],
    ];
    for (const [what, call] of calls) expect(await call, what).toMatchObject({ ok: false, message: expect.any(String), fieldErrors: expect.any(Object) });
    expect(await forms.createOwnerAction(null, form({}))).toMatchObject({ fieldErrors: { email: "Enter a valid email address", password: "Use at least 10 characters" } });
    // nothing else changes; the failed sign-ins are audited, as they must be
    expect({ ...(await snapshot()), audit: 0 }).toEqual({ ...before, audit: 0 });
  });

  for (const [name, action] of actions) {
    it(`${name}: garbage in any argument is ok: false and changes nothing`, async () => {
      const before = await snapshot();
      for (const g of GARBAGE) {
        for (const args of [[g], [g, g], [g, "viewer"], ["x".repeat(65), g]]) {
          const res = await action(...args);
          expect(res.ok, `${name}(${JSON.stringify(args)?.slice(0, 80)})`).toBe(false);
          expect(typeof res.message).toBe("string");
          expect(res.fieldErrors).toBeTypeOf("object");
        }
      }
      expect(await snapshot()).toEqual(before);
    });
  }

  it("well-formed ids that name nothing never throw (a missing row is a message, not a 500 page)", async () => {
    const calls: [string, () => Promise<{ ok: boolean; message?: string }>][] = [
      ["deleteCampaignAction", () => (modules["app/campaigns/actions.ts"].deleteCampaignAction as AnyAction)("nope")],
      ["duplicateCampaignAction", () => (modules["app/campaigns/actions.ts"].duplicateCampaignAction as AnyAction)("nope")],
      ["deleteActionAction", () => (modules["app/campaigns/actions.ts"].deleteActionAction as AnyAction)("nope", "nope")],
      ["rotateSigningSecretAction", () => (modules["app/campaigns/signing-actions.ts"].rotateSigningSecretAction as AnyAction)("nope", "nope")],
      ["removeSigningSecretAction", () => (modules["app/campaigns/signing-actions.ts"].removeSigningSecretAction as AnyAction)("nope", "nope")],
      ["saveCampaignGoalAction", () => (modules["app/campaigns/goal-actions.ts"].saveCampaignGoalAction as AnyAction)("nope", { goalEvent: "purchase", goalWindowHours: 24 })],
      ["pauseAction", () => deliveries.pauseAction("nope")],
      ["resumeAction", () => deliveries.resumeAction("nope")],
      ["retryDeliveryAction", () => deliveries.retryDeliveryAction("nope")],
      ["activateAction", () => deliveries.activateAction("nope", { rule: { when: "immediate" } })],
      ["changeRoleAction", () => (modules["app/settings/actions.ts"].changeRoleAction as AnyAction)("nope", "viewer")],
      ["removeMemberAction", () => (modules["app/settings/actions.ts"].removeMemberAction as AnyAction)("nope")],
      ["updateTemplateAction", () => (modules["app/settings/webhook-template-actions.ts"].updateTemplateAction as AnyAction)("nope", { name: "Renamed" })],
      ["deleteTemplateAction", () => (modules["app/settings/webhook-template-actions.ts"].deleteTemplateAction as AnyAction)("nope")],
    ];
    const before = await snapshot();
    for (const [name, call] of calls) {
      const res = await call();
      // Deleting what is already gone is done (idempotent); everything else says what is missing.
      if (!/^(deleteActionAction|removeSigningSecretAction)$/.test(name)) expect(res.ok, name).toBe(false);
      expect(res.message ?? "", name).not.toMatch(/server problem/);
    }
    expect((await snapshot()).campaigns).toEqual(before.campaigns);
  });
});

describe("text neither database can store, in any argument of any action", () => {
  type Case = [string, () => Promise<{ ok: boolean; message?: string; fieldErrors?: Record<string, string> }>, string, RegExp];
  const NUL = /^Text cannot contain the NUL character \(U\+0000\)$/;
  const HALF = /^Text cannot contain a broken character \(half of a UTF-16 surrogate pair/;
  const call = (file: string, name: string, ...args: unknown[]) => (modules[file]![name] as AnyAction)(...args);
  const draft = { name: "Triggered", actions: [{ url: "https://a.example.com" }] };
  const delivery = (rule: unknown, over: Record<string, unknown> = {}) => ({ rule, actions: [], audience: null, ...over });
  let templateId = "";
  beforeAll(async () => {
    const saved = await call("app/settings/webhook-template-actions.ts", "saveTemplateAction", { name: "Kept", webhook: { url: "https://a.example.com" } });
    templateId = (saved as unknown as { data: { template: { id: string } } }).data.template.id;
  });

  // Each was a 500 on PostgreSQL (a lone surrogate on both): the campaign save wrote a new draft first, so a retry made another.
  // The delivery settings' errors answer under "delivery.", where the editor shows them (not at the draft's own "actions.0").
  const cases: Case[] = [
    ["API key name", () => call("app/settings/actions.ts", "createApiKeyAction", { name: "key\u0000", role: "viewer" }), "name", NUL],
    ["API key name, half a pair", () => call("app/settings/actions.ts", "createApiKeyAction", { name: "key\ud800", role: "viewer" }), "name", HALF],
    ["allowed destination note", () => call("app/settings/allowed-destinations-actions.ts", "addAllowedDestinationAction", { entry: "hooks.example.com", note: "n\u0000" }), "note", NUL],
    ["template name", () => call("app/settings/webhook-template-actions.ts", "saveTemplateAction", { name: "T\ud800", webhook: { url: "https://a.example.com" } }), "name", HALF],
    ["template description", () => call("app/settings/webhook-template-actions.ts", "saveTemplateAction", { name: "T", description: "d\u0000", webhook: { url: "https://a.example.com" } }), "description", NUL],
    ["template secret note (the second argument)", () => call("app/settings/webhook-template-actions.ts", "updateTemplateAction", templateId, { secretNote: "s\udc00" }), "secretNote", HALF],
    ["trigger event", () => call("app/campaigns/actions.ts", "saveCampaignAction", draft, delivery({ when: "triggered", event: "signed_up\u0000" })), "delivery.rule.event", NUL],
    ["trigger condition", () => call("app/campaigns/actions.ts", "saveCampaignAction", draft, delivery({ when: "triggered", event: "e", conditions: [{ key: "plan", operator: "equals", value: "p\ud800" }] })), "delivery.rule.conditions.0.value", HALF],
    ["cron", () => call("app/campaigns/actions.ts", "saveCampaignAction", draft, delivery({ when: "recurring", frequency: "cron", cron: "0 9 * * *\u0000", timeZone: "UTC" })), "delivery.rule.cron", NUL],
    ["audience", () => call("app/campaigns/actions.ts", "saveCampaignAction", draft, delivery({ when: "immediate" }, { audience: { match: "all", conditions: [{ key: "plan\u0000", operator: "exists" }] } })), "delivery.audience.conditions.0.key", NUL],
    ["sub-delivery key", () => call("app/campaigns/actions.ts", "saveCampaignAction", draft, delivery({ when: "immediate" }, { actions: [{ id: "@0", subDelivery: { kind: "relative", source: "user", key: "trial\u0000" } }] })), "delivery.actions.0.subDelivery.key", NUL],
  ];

  it.each(cases)("%s: a field error at its path, and nothing is written", async (_what, run, path, message) => {
    const before = await snapshot();
    const [destinations, templates] = [await db().allowedDestination.count(), await db().destinationTemplate.findMany({ orderBy: { id: "asc" } })];
    const res = await run();
    expect(res).toEqual({ ok: false, message: "Fix the highlighted field, then save again.", fieldErrors: { [path]: expect.stringMatching(message) } });
    expect(await snapshot()).toEqual(before);
    expect(await db().allowedDestination.count()).toBe(destinations);
    expect(await db().destinationTemplate.findMany({ orderBy: { id: "asc" } })).toEqual(templates);
  });

  it("arguments of more than 50,000 values are refused before any schema or lookup (the walk stays bounded)", async () => {
    const before = await snapshot();
    const huge = { name: "Huge", actions: [{ url: "https://a.example.com", fields: Array.from({ length: 60_000 }, (_, i) => ({ key: `k${i}`, value: "v" })) }] };
    const res = await call("app/campaigns/actions.ts", "saveCampaignAction", huge);
    expect(res).toEqual({ ok: false, message: "Fix the highlighted field, then save again.", fieldErrors: { form: expect.stringMatching(/more than 50,000 values/) } });
    expect(await snapshot()).toEqual(before);
  });

  it("the editor's forms send numbers as typed: the save, the goal and the template coerce them (the API does not)", async () => {
    const typed = { name: "Typed", goalEvent: "bought", goalWindowHours: "36", actions: [{ url: "https://a.example.com", timeoutSeconds: "20", splitPercent: "70", controlPercent: "5", variants: [{ url: "https://b.example.com", splitPercent: "30" }] }] };
    const saved = (await call("app/campaigns/actions.ts", "saveCampaignAction", typed)) as unknown as { ok: true; data: { id: string; draft: { actions: Record<string, unknown>[] } } };
    expect(saved.ok).toBe(true);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: saved.data.id } })).goalWindowHours).toBe(36);
    expect(saved.data.draft.actions[0]).toMatchObject({ timeoutSeconds: 20, splitPercent: 70, controlPercent: 5, variants: [{ splitPercent: 30 }] });
    expect((await call("app/campaigns/goal-actions.ts", "saveCampaignGoalAction", saved.data.id, { goalEvent: "bought", goalWindowHours: "48" })).ok).toBe(true);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: saved.data.id } })).goalWindowHours).toBe(48);
    expect((await call("app/settings/webhook-template-actions.ts", "saveTemplateAction", { name: "Typed template", webhook: { url: "https://a.example.com", timeoutSeconds: "25" } })).ok).toBe(true);
  });

  it("a whole pair is a character like any other", async () => {
    const res = await call("app/settings/actions.ts", "createApiKeyAction", { name: "key \ud83d\ude00", role: "viewer" });
    expect(res.ok).toBe(true);
  });
});

