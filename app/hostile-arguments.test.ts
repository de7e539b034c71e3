// Every server action, fed what a browser would never send, by each role and by nobody: each
// argument of a well-formed call (and each value nested in it) replaced by a wrong type, a 10 MB
// string, 100,000 items, 100 levels of nesting, a cycle, NaN, Infinity, a BigInt, a Map, a Set, a
// Blob, dates at either end of time (all of which React's reply decoder hands an action: "$NaN",
// "$Infinity", "$n1", "$D…", "$Q", "$W", "$B", and "$1" twice for a shared or cyclic object); each
// field left out; an extra field, "__proto__" and "constructor" beside each; ids of another campaign's
// webhook. Each answers the one ActionResult (never a throw), a refusal writes nothing and names no
// server problem, and only a member holding the action's role ever gets ok: true.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import type { Role } from "@/lib/auth/roles";
import { acceptInvite, inviteMember, type Member } from "@/lib/auth/members";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.setConfig({ testTimeout: 600_000 });

const campaigns = await import("./campaigns/actions");
const signing = await import("./campaigns/signing-actions");
const goals = await import("./campaigns/goal-actions");
const lifecycle = await import("./campaigns/[id]/deliveries/actions");
const settings = await import("./settings/actions");
const destinations = await import("./settings/allowed-destinations-actions");
const templates = await import("./settings/webhook-template-actions");

type Result = { ok: boolean; message?: string; fieldErrors?: Record<string, string>; data?: unknown };
type AnyAction = (...args: unknown[]) => Promise<Result>;
type Who = "nobody" | Role | "owner";
const RANK: Record<Who, number> = { nobody: 0, viewer: 1, editor: 2, admin: 3, owner: 4 };

// the rows of another campaign, and the ones each action's well-formed call names
const f = { campaign: "", action: "", other: "", otherAction: "", active: "", paused: "", delivery: "", key: "", member: "", invite: "", destination: "", template: "" };
let cookies: Record<Exclude<Who, "nobody">, string>;
let owner: Member;

/** A well-formed call of each action: its least role, and its arguments. */
const table: { name: string; role: Role; fn: AnyAction; args: () => unknown[] }[] = [
  { name: "saveCampaignAction", role: "editor", fn: campaigns.saveCampaignAction as AnyAction, args: () => [{ id: f.campaign, name: "Mine", goalEvent: "bought", goalWindowHours: "24", actions: [{ id: f.action, url: "https://a.example.com/hook", method: "POST", fields: [{ key: "k", value: "{{user.id}}" }], headers: [{ name: "X-A", value: "b", secret: false }] }] }, { rule: { when: "immediate" }, actions: [], audience: null, startAt: "2027-01-01T00:00:00Z" }] },
  { name: "deleteCampaignAction", role: "editor", fn: campaigns.deleteCampaignAction as AnyAction, args: () => [f.campaign] },
  { name: "duplicateCampaignAction", role: "editor", fn: campaigns.duplicateCampaignAction as AnyAction, args: () => [f.campaign] },
  { name: "deleteActionAction", role: "editor", fn: campaigns.deleteActionAction as AnyAction, args: () => [f.campaign, f.action] },
  { name: "rotateSigningSecretAction", role: "editor", fn: signing.rotateSigningSecretAction as AnyAction, args: () => [f.campaign, f.action] },
  { name: "removeSigningSecretAction", role: "editor", fn: signing.removeSigningSecretAction as AnyAction, args: () => [f.campaign, f.action] },
  { name: "saveCampaignGoalAction", role: "editor", fn: goals.saveCampaignGoalAction as AnyAction, args: () => [f.campaign, { goalEvent: "bought", goalWindowHours: 48 }] },
  { name: "activateAction", role: "editor", fn: lifecycle.activateAction as AnyAction, args: () => [f.campaign, { rule: { when: "scheduled", at: "2027-01-01T00:00:00Z" }, actions: [{ id: f.action, subDelivery: null, rateLimitPerSecond: 5 }], startAt: "2026-12-31T00:00:00Z", endAt: null, capExempt: false, audience: { match: "all", conditions: [{ key: "plan", operator: "equals", value: "pro" }] } }] },
  { name: "checkActivationAction", role: "editor", fn: lifecycle.checkActivationAction as AnyAction, args: () => [f.campaign, { rule: { when: "immediate" }, actions: [{ id: f.action, subDelivery: null, rateLimitPerSecond: 5 }], startAt: null, endAt: null, capExempt: false, audience: null }] },
  { name: "pauseAction", role: "editor", fn: lifecycle.pauseAction as AnyAction, args: () => [f.active] },
  { name: "resumeAction", role: "editor", fn: lifecycle.resumeAction as AnyAction, args: () => [f.paused, { catchUp: false }] },
  { name: "resumeWarningsAction", role: "editor", fn: lifecycle.resumeWarningsAction as AnyAction, args: () => [f.paused] },
  { name: "retryDeliveryAction", role: "editor", fn: lifecycle.retryDeliveryAction as AnyAction, args: () => [f.delivery] },
  { name: "retryAllFailedAction", role: "editor", fn: lifecycle.retryAllFailedAction as AnyAction, args: () => [f.active] },
  { name: "cancelScheduledAction", role: "editor", fn: lifecycle.cancelScheduledAction as AnyAction, args: () => [f.active] },
  { name: "createApiKeyAction", role: "admin", fn: settings.createApiKeyAction as AnyAction, args: () => [{ name: "Key", role: "viewer" }] },
  { name: "revokeApiKeyAction", role: "admin", fn: settings.revokeApiKeyAction as AnyAction, args: () => [f.key] },
  { name: "inviteMemberAction", role: "admin", fn: settings.inviteMemberAction as AnyAction, args: () => [{ email: "new@example.com", role: "viewer" }] },
  { name: "changeRoleAction", role: "admin", fn: settings.changeRoleAction as AnyAction, args: () => [f.member, "editor"] },
  { name: "removeMemberAction", role: "admin", fn: settings.removeMemberAction as AnyAction, args: () => [f.member] },
  { name: "revokeInviteAction", role: "admin", fn: settings.revokeInviteAction as AnyAction, args: () => [f.invite] },
  { name: "saveFrequencyCapAction", role: "admin", fn: settings.saveFrequencyCapAction as AnyAction, args: () => [{ perDay: "3", perWeek: "" }] },
  { name: "addAllowedDestinationAction", role: "admin", fn: destinations.addAllowedDestinationAction as AnyAction, args: () => [{ entry: "hooks.internal.example", note: "n" }] },
  { name: "removeAllowedDestinationAction", role: "admin", fn: destinations.removeAllowedDestinationAction as AnyAction, args: () => [f.destination] },
  { name: "saveTemplateAction", role: "editor", fn: templates.saveTemplateAction as AnyAction, args: () => [{ name: "T", description: "d", webhook: { url: "https://a.example.com/t", method: "POST", fields: [{ key: "k", value: "v" }] } }] },
  { name: "updateTemplateAction", role: "editor", fn: templates.updateTemplateAction as AnyAction, args: () => [f.template, { name: "Renamed", secretNote: "s" }] },
  { name: "deleteTemplateAction", role: "editor", fn: templates.deleteTemplateAction as AnyAction, args: () => [f.template] },
];

function nested(depth: number, leaf: unknown = "x"): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}
function cycle() {
  const o: Record<string, unknown> = { a: "x" };
  o.self = o;
  o.list = [o];
  return o;
}
// One object named from many places, as "$1" repeated makes it: 200 x 200 references to 200 values.
function shared() {
  const row = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: "v", name: "n", id: "i", url: "https://a.example.com" }));
  return Array.from({ length: 200 }, () => row);
}

const TEN_MB = "x".repeat(10 * 1024 * 1024);
// [what, value, where]: the costly ones (each takes the server a tenth of a second or more to refuse) go
// where a value of their kind is expected, and in place of each whole argument
type Kind = "string" | "array" | "object";
const HOSTILE: [string, () => unknown, Kind?][] = [
  ["a number", () => 42],
  ["a string", () => "text"],
  ["a boolean", () => true],
  ["null", () => null],
  ["undefined", () => undefined],
  ["an object", () => ({ not: "zzz" })],
  ["an array", () => ["a", "b"]],
  ["100 levels", () => nested(100)],
  ["100,000 items", () => Array.from({ length: 100_000 }, () => "x"), "array"],
  ["10 MB", () => TEN_MB, "string"],
  ["NaN", () => NaN],
  ["Infinity", () => Infinity],
  ["-Infinity", () => -Infinity],
  ["-0", () => -0],
  ["a BigInt", () => 10n ** 30n],
  ["year -271821", () => new Date(-8.64e15)],
  ["year 275760", () => new Date(8.64e15)],
  ["an invalid Date", () => new Date(NaN)],
  ["year 0001 as text", () => "0001-01-01T00:00:00Z"],
  ["year 275760 as text", () => "+275760-09-13T00:00:00.000Z"],
  ["a Map", () => new Map([["a", 1]])],
  ["a Set", () => new Set(["a"])],
  ["a Blob", () => new Blob(["x"])],
  ["a cycle", () => cycle()],
  ["200 x 200 shared", () => shared()],
  ["40,000 levels", () => nested(40_000), "object"],
  ["__proto__ as own key", () => JSON.parse('{"__proto__":{"role":"owner","ok":true},"constructor":{"prototype":{"ok":true}}}')],
];

type Path = (string | number)[];
/** Every position in the arguments: each argument and each value nested in it. */
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length ? [at] : [];
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, Array.isArray(value) ? Number(k) : k]));
  return out;
}
function edit(args: unknown[], path: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown[] {
  const copy = structuredClone(args) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  change(parent, path.at(-1)!);
  return copy as unknown as unknown[];
}
/** Keys set as own properties ("__proto__" too, as JSON.parse and React's decoder make it), not through a setter. */
function ownKeys(target: object, extra: Record<string, unknown>) {
  for (const [k, value] of Object.entries(extra)) Object.defineProperty(target, k, { value, enumerable: true, writable: true, configurable: true });
}
const show = (p: Path) => p.map(String).join(".");

/** Each mutation of a well-formed call: a hostile value at every position, each field left out, extra keys beside each object's own. */
function mutations(args: unknown[], depth = Infinity): [string, unknown[]][] {
  const out: [string, unknown[]][] = [];
  const all = paths(args).filter((p) => p.length <= depth);
  const kindAt = (p: Path): Kind | "other" => {
    const v = p.reduce<unknown>((at, k) => (at as Record<string | number, unknown>)[k], args);
    return typeof v === "string" ? "string" : Array.isArray(v) ? "array" : v && typeof v === "object" ? "object" : "other";
  };
  for (const p of all) {
    for (const [what, make, where] of HOSTILE) if (!where || p.length === 1 || kindAt(p) === where || (where === "object" && kindAt(p) === "array")) out.push([`${show(p)} = ${what}`, edit(args, p, (parent, k) => (parent[k] = make()))]);
    out.push([`${show(p)} left out`, edit(args, p, (parent, k) => (Array.isArray(parent) ? parent.splice(Number(k), 1) : delete parent[k]))]);
  }
  for (const p of all) {
    const at = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], args);
    if (!at || typeof at !== "object" || Array.isArray(at)) continue;
    out.push([`${show(p)} + extra, __proto__, constructor`, edit(args, p, (parent, k) => ownKeys(parent[k] as object, JSON.parse('{"extra":1,"__proto__":{"isAdmin":true},"constructor":{"name":"x"}}')))]);
  }
  out.push(["no arguments", []]);
  out.push(["one argument too many", [...args, { extra: true }]]);
  return out;
}

async function snapshot() {
  const d = db();
  const rows = await Promise.all([
    d.campaign.findMany({ orderBy: { id: "asc" } }),
    d.action.findMany({ orderBy: { id: "asc" } }),
    d.delivery.findMany({ orderBy: { id: "asc" }, select: { id: true, state: true, dueAt: true, attempts: true } }),
    d.auditLog.count(),
    d.apiKey.findMany({ orderBy: { id: "asc" } }),
    d.member.findMany({ orderBy: { id: "asc" }, select: { id: true, role: true } }),
    d.memberInvite.findMany({ orderBy: { id: "asc" } }),
    d.setting.findMany({ orderBy: { key: "asc" } }),
    d.allowedDestination.findMany({ orderBy: { id: "asc" } }),
    d.destinationTemplate.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify(rows);
}

const SERVER_PROBLEM = /server problem/;
// what a refusal may never show: a stack, a database's or the runtime's own words, a path on disk
const LEAK = /\n\s+at |prisma|SQLITE|postgres|invocation|TypeError|RangeError|Cannot read|\/tmp\/|node_modules|secret\.key/i;

function expectRefusal(res: Result, what: string) {
  expect(res, what).toMatchObject({ ok: false, message: expect.any(String), fieldErrors: expect.any(Object) });
  expect(res.message, what).not.toMatch(SERVER_PROBLEM);
  expect(JSON.stringify(res).slice(0, 100_000), what).not.toMatch(LEAK);
  // a message to show, not the value sent back (a 10 MB string echoed into every form)
  expect(JSON.stringify(res).length, what).toBeLessThan(20_000);
}

async function as(who: Who) {
  requestHeaders = new Headers(who === "nobody" ? {} : { cookie: cookies[who] });
}

let round = 0;
async function fixtures() {
  round++;
  await as("owner");
  const save = async (name: string, url: string) => {
    const res = (await campaigns.saveCampaignAction({ name, actions: [{ url }] })) as { ok: true; data: { id: string; draft: { actions: { id: string }[] } } };
    return { id: res.data.id, action: res.data.draft.actions[0]!.id };
  };
  const mine = await save("Mine", "https://a.example.com/hook");
  const other = await save("Other", "https://b.example.com/hook");
  await signing.rotateSigningSecretAction(other.id, other.action);
  const active = await save("Live", "https://c.example.com/hook");
  const paused = await save("Resting", "https://d.example.com/hook");
  await db().campaign.update({ where: { id: active.id }, data: { status: "active" } });
  await db().campaign.update({ where: { id: paused.id }, data: { status: "paused" } });
  const user = await db().user.create({ data: { id: `u${round}`, attributes: {} } });
  const at = new Date("2026-12-01T00:00:00Z");
  const delivery = await db().delivery.create({ data: { webhookId: `msg_${round}`, campaignId: active.id, actionId: active.action, userId: user.id, triggerKey: "activation", plannedAt: at, dueAt: at, state: "failed" } });
  await settings.createApiKeyAction({ name: `Kept ${round}`, role: "viewer" });
  await settings.inviteMemberAction({ email: `invited${round}@example.com`, role: "viewer" });
  await destinations.addAllowedDestinationAction({ entry: `kept${round}.internal.example`, note: "" });
  const latest = { orderBy: { createdAt: "desc" as const } };
  const [key, invite, destination] = [await db().apiKey.findFirstOrThrow(latest), await db().memberInvite.findFirstOrThrow(latest), await db().allowedDestination.findFirstOrThrow(latest)];
  const template = (await templates.saveTemplateAction({ name: `Kept ${round}`, webhook: { url: "https://a.example.com/t" } })) as { ok: true; data: { template: { id: string } } };
  // a member of their own for changeRole and remove: the signed-in ones keep their roles
  const { token } = await inviteMember({ email: `spare${round}@example.com`, role: "viewer" }, owner);
  const member = await acceptInvite(token, { name: "Spare", password: "spare-password" });
  Object.assign(f, { campaign: mine.id, action: mine.action, other: other.id, otherAction: other.action, active: active.id, paused: paused.id, delivery: delivery.id, key: key.id, invite: invite.id, destination: destination.id, template: template.data.template.id, member: member.id });
}

beforeAll(async () => {
  const made = await memberCookies();
  cookies = { owner: made.owner, admin: made.admin, editor: made.editor, viewer: made.viewer };
  owner = made.ownerMember;
  await fixtures();
});

describe.each(table)("$name", ({ name, role, fn, args }) => {
  it("a member below its role, or nobody, is refused the well-formed call and every hostile one, and nothing is written", async () => {
    for (const who of ["nobody", "viewer", "editor", "admin"] as Who[]) {
      if (RANK[who] >= RANK[role]) continue;
      await as(who);
      const before = await snapshot();
      // the role is checked before any argument is parsed: a hostile nested value is refused as the well-formed call is
      for (const [what, call] of [["well-formed", args()] as [string, unknown[]], ...mutations(args(), 1)]) {
        const res = await fn(...call);
        expectRefusal(res, `${name} as ${who}: ${what}`);
        // refused for the role, not by the action's own checks (a dry run answers ok: false to anyone)
        expect(res.message, `${name} as ${who}: ${what}`).toMatch(who === "nobody" ? /Sign in to continue/ : /Your role \(\w+\) cannot do this/);
      }
      expect(await snapshot(), `${name} as ${who}`).toEqual(before);
    }
  });

  // every position by the action's own role; its arguments as a whole by the roles above it
  for (const who of (["editor", "admin", "owner"] as Who[]).filter((w) => RANK[w] >= RANK[role])) {
    it(`as ${who}: each hostile call answers an ActionResult; a refusal writes nothing`, async () => {
      await as(who);
      const problems: string[] = [];
      let accepted = false;
      for (const [what, call] of mutations(args(), who === role ? Infinity : 1)) {
        const before = await snapshot();
        let res: Result;
        try {
          res = await fn(...call);
        } catch (err) {
          problems.push(`${what}: threw ${String(err).slice(0, 200)}`);
          continue;
        }
        // what may pass: a field left out that has a default, an extra key dropped, a value that is well-formed after all
        if (res.ok) {
          accepted = true;
          if (!/left out|extra|= (a string|a number|a boolean|null|undefined|year .* as text)$|one argument too many/.test(what)) problems.push(`${what}: accepted`);
          continue;
        }
        try {
          expectRefusal(res, what);
        } catch (err) {
          problems.push(`${what}: ${String(err).split("\n")[0]!.slice(0, 300)}`);
        }
        if ((await snapshot()) !== before) problems.push(`${what}: refused but wrote`);
      }
      expect(problems, `${name} as ${who}`).toEqual([]);
      // the fixtures may be gone (a delete accepted): make them again for the next role
      if (accepted) await fixtures();
    });
  }
});

describe("the role comes before the arguments", () => {
  it("a viewer's or nobody's 10 MB or 60,000-value arguments are refused for the role, never walked or parsed (no field errors of theirs)", async () => {
    const huge = { name: "Huge", actions: [{ url: "https://a.example.com", fields: Array.from({ length: 60_000 }, (_, i) => ({ key: `k${i}`, value: "v" })) }] };
    const before = await snapshot();
    for (const [who, message] of [
      ["viewer", /^Your role \(viewer\) cannot do this; it needs editor or above$/],
      ["nobody", /^Sign in to continue$/],
    ] as [Who, RegExp][]) {
      await as(who);
      for (const [what, args] of [
        ["10 MB name", [{ name: TEN_MB, actions: [] }]],
        ["60,000 values", [huge]],
        ["10 MB NUL text", [{ name: `${TEN_MB}\u0000` }]],
      ] as [string, unknown[]][]) {
        const res = await campaigns.saveCampaignAction(...(args as Parameters<typeof campaigns.saveCampaignAction>));
        expect(res, `${who}: ${what}`).toEqual({ ok: false, message: expect.stringMatching(message), fieldErrors: {} });
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("ids of another campaign's webhook", () => {
  it("are refused in words that say so (a save naming one, a rotation, a removal, draft test sends given to one), and nothing is written", async () => {
    await as("owner");
    const before = await snapshot();
    // the owner's test send of a webhook not saved yet, made after every fixture campaign was saved
    const send = await db().testSend.create({ data: { memberId: owner.id, outcome: "failed", request: {} } });
    const notHere = { ok: false, message: expect.stringMatching(/not in this campaign/) };
    const namedInSave = { ...notHere, fieldErrors: { "actions.0.id": expect.stringMatching(/not in this campaign/) } };
    expect(await campaigns.saveCampaignAction({ id: f.campaign, name: "Mine", actions: [{ id: f.otherAction, url: "https://b.example.com/hook" }] })).toMatchObject(namedInSave);
    expect(await campaigns.saveCampaignAction({ name: "New", actions: [{ url: "https://a.example.com/hook" }, { id: f.otherAction, url: "https://b.example.com/hook" }] })).toMatchObject({
      ...notHere,
      fieldErrors: { "actions.1.id": expect.stringMatching(/not in this campaign/) },
    });
    expect(await signing.rotateSigningSecretAction(f.campaign, f.otherAction)).toMatchObject(notHere);
    expect(await signing.rotateSigningSecretAction(f.campaign, f.otherAction)).not.toMatchObject({ message: expect.stringMatching(/Save the webhook first/) });
    expect(await signing.removeSigningSecretAction(f.campaign, f.otherAction)).toMatchObject(notHere);
    expect(await campaigns.attachDraftTestSendsAction(f.campaign, f.otherAction, "page-key-0123456789abcdef", [send.id])).toMatchObject(notHere);
    expect(await campaigns.attachDraftTestSendsAction(f.other, f.otherAction, "page-key-0123456789abcdef", [send.id])).toMatchObject({ ok: false, message: expect.stringMatching(/only your own test sends/i) });
    expect(await snapshot()).toEqual(before);
    expect(await db().testSend.findUniqueOrThrow({ where: { id: send.id } })).toMatchObject({ actionId: null, campaignId: null });
  });

  it("name nothing of the other campaign: refused or ignored, and the other campaign is unchanged", async () => {
    await as("owner");
    const otherRows = async () => JSON.stringify([await db().campaign.findUnique({ where: { id: f.other } }), await db().action.findMany({ where: { campaignId: f.other }, orderBy: { id: "asc" } })]);
    const before = await otherRows();
    const calls: [string, () => Promise<Result>][] = [
      ["save, my campaign naming its webhook", () => campaigns.saveCampaignAction({ id: f.campaign, name: "Mine", actions: [{ id: f.otherAction, url: "https://b.example.com/hook", headers: [{ name: "Authorization", value: "••••", secret: true }] }] })],
      ["save, a new campaign naming its webhook", () => campaigns.saveCampaignAction({ name: "New", actions: [{ id: f.otherAction, copiedFrom: f.otherAction, url: "https://b.example.com/hook" }] })],
      ["delete it from my campaign", () => campaigns.deleteActionAction(f.campaign, f.otherAction)],
      ["rotate its secret from my campaign", () => signing.rotateSigningSecretAction(f.campaign, f.otherAction)],
      ["remove its secret from my campaign", () => signing.removeSigningSecretAction(f.campaign, f.otherAction)],
      ["activate my campaign with its sub-delivery", () => lifecycle.activateAction(f.campaign, { rule: { when: "immediate" }, actions: [{ id: f.otherAction, subDelivery: null, rateLimitPerSecond: 1 }] })],
      ["retry a delivery as a campaign", () => lifecycle.retryAllFailedAction(f.delivery)],
    ];
    const answers: Record<string, unknown> = {};
    for (const [what, call] of calls) {
      const res = await call();
      answers[what] = res.ok ? "ok" : res.message;
      expect(JSON.stringify(res), what).not.toMatch(LEAK);
      expect(res.message ?? "", what).not.toMatch(SERVER_PROBLEM);
    }
    expect(answers).toMatchObject({ "rotate its secret from my campaign": expect.any(String), "remove its secret from my campaign": expect.any(String), "activate my campaign with its sub-delivery": expect.any(String) });
    expect(await otherRows()).toEqual(before);
    // and its signing secret went nowhere else
    const secret = (await db().action.findUniqueOrThrow({ where: { id: f.otherAction } })).signingSecretEnc;
    expect(secret).toBeTruthy();
    expect(await db().action.count({ where: { signingSecretEnc: secret, id: { not: f.otherAction } } })).toBe(0);
  });
});
