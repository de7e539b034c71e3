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

  it("covers every server action file but sign-in's", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name) && !name.endsWith(".test.ts") && /^\s*["']use server["']/.test(readFileSync(full, "utf8"))) files.push(path.relative(path.dirname(import.meta.dirname), full));
      }
    };
    walk(import.meta.dirname);
    expect(files.filter((f) => f !== "app/sign-in/actions.ts").sort()).toEqual(Object.keys(modules).sort());
    expect(actions.length).toBeGreaterThanOrEqual(19);
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
