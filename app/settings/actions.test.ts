// Settings' server actions hold the caller to admin on the server: each one, called as an editor,
// a viewer or without a session, is refused and changes nothing. The request's headers are the one
// thing supplied from outside (a server action reads them from Next's request scope).
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { getFrequencyCap, setFrequencyCap } from "@/lib/delivery/store/frequency-cap-setting";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const actions = await import("./actions");
type Who = "owner" | "admin" | "editor" | "viewer" | "none";
let cookies: Record<Who, string>;
const as = (who: Who) => (requestHeaders = new Headers(cookies[who] ? { cookie: cookies[who] } : {}));

beforeAll(async () => {
  const members = await memberCookies();
  cookies = { owner: members.owner, admin: members.admin, editor: members.editor, viewer: members.viewer, none: "" };
});
beforeEach(() => setFrequencyCap(null, { role: "admin" }));

const settingsActions: Record<string, () => Promise<{ ok: boolean; message?: string }>> = {
  createApiKeyAction: () => actions.createApiKeyAction({ name: "k", role: "viewer" }),
  revokeApiKeyAction: () => actions.revokeApiKeyAction("none"),
  inviteMemberAction: () => actions.inviteMemberAction({ email: "x@example.com", role: "viewer" }),
  changeRoleAction: () => actions.changeRoleAction("none", "viewer"),
  removeMemberAction: () => actions.removeMemberAction("none"),
  revokeInviteAction: () => actions.revokeInviteAction("none"),
  renewInviteAction: () => actions.renewInviteAction("none"),
  saveFrequencyCapAction: () => actions.saveFrequencyCapAction({ perDay: "2", perWeek: "" }),
};

describe("settings actions: admin only, checked on the server", () => {
  it("lists every action the module exports", () => {
    expect(Object.keys(actions).filter((k) => k.endsWith("Action")).sort()).toEqual(Object.keys(settingsActions).sort());
  });

  for (const [name, call] of Object.entries(settingsActions)) {
    it(`${name} refuses editors, viewers and requests without a session`, async () => {
      const audit = await db().auditLog.count();
      const keys = await db().apiKey.count();
      for (const who of ["editor", "viewer", "none"] as const) {
        as(who);
        const res = await call();
        expect(res.ok, who).toBe(false);
        expect(res.message, who).toMatch(who === "none" ? /Sign in/ : /needs admin/);
      }
      expect(await db().auditLog.count()).toBe(audit);
      expect(await db().apiKey.count()).toBe(keys);
      expect(await getFrequencyCap()).toBeNull();
    });
  }
});

describe("revokeInviteAction", () => {
  it("withdraws a pending invitation for an admin: its link stops working, once, audited", async () => {
    const { findInvite } = await import("@/lib/auth/members");
    as("admin");
    const invited = await actions.inviteMemberAction({ email: "typo@exampel.com", role: "editor" });
    expect(invited.ok).toBe(true);
    const token = (invited as { data: { link: string } }).data.link.split("/").pop()!;
    const invite = await findInvite(token);
    expect(invite?.email).toBe("typo@exampel.com");
    expect(await actions.revokeInviteAction(invite!.id)).toEqual({ ok: true, data: undefined });
    expect(await findInvite(token)).toBeNull();
    expect(await actions.revokeInviteAction(invite!.id)).toMatchObject({ ok: false, message: "This invitation was already used or withdrawn" });
    expect(await db().auditLog.findFirst({ where: { action: "member.invite_revoked" } })).toMatchObject({ actor: "admin@example.com", target: "typo@exampel.com" });
  });
});

describe("renewInviteAction", () => {
  it("gives an admin a new link for a pending invitation, for the same address and role; the old link stops working", async () => {
    const { findInvite } = await import("@/lib/auth/members");
    as("admin");
    const invited = await actions.inviteMemberAction({ email: "Lost@Example.com", role: "editor" });
    expect(invited).toMatchObject({ ok: true, data: { email: "lost@example.com" } });
    const oldToken = (invited as { data: { link: string } }).data.link.split("/").pop()!;
    const invite = await findInvite(oldToken);
    const renewed = await actions.renewInviteAction(invite!.id);
    expect(renewed).toMatchObject({ ok: true, data: { email: "lost@example.com", link: expect.stringMatching(/^\/invite\//) } });
    const newToken = (renewed as { data: { link: string } }).data.link.split("/").pop()!;
    expect(await findInvite(oldToken)).toBeNull();
    expect(await findInvite(newToken)).toMatchObject({ email: "lost@example.com", role: "editor" });
    expect(await actions.renewInviteAction(invite!.id)).toMatchObject({ ok: false, message: "This invitation was already used or withdrawn" });
  });
});

describe("saveFrequencyCapAction", () => {
  it("saves the cap for an admin and records who changed it from what to what", async () => {
    as("admin");
    expect(await actions.saveFrequencyCapAction({ perDay: "3", perWeek: "" })).toEqual({ ok: true, data: { perDay: "3", perWeek: "" } });
    expect(await getFrequencyCap()).toEqual({ perDay: 3, perWeek: null });
    as("owner");
    expect(await actions.saveFrequencyCapAction({ perDay: "", perWeek: "" })).toEqual({ ok: true, data: { perDay: "", perWeek: "" } });
    expect(await getFrequencyCap()).toBeNull();
    const entries = await db().auditLog.findMany({ where: { action: "frequency_cap.updated" }, orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => [e.actor, e.details])).toEqual([
      ["admin@example.com", { from: null, to: { perDay: 3, perWeek: null } }],
      ["owner@example.com", { from: { perDay: 3, perWeek: null }, to: null }],
    ]);
  });

  it("answers bad input with an error per field and keeps the saved cap", async () => {
    as("admin");
    await setFrequencyCap({ perDay: 5 }, { role: "admin" });
    const res = await actions.saveFrequencyCapAction({ perDay: "0", perWeek: "lots" });
    expect(res).toEqual({
      ok: false,
      message: "Check the limits: each is a whole number, or blank for no cap.",
      fieldErrors: { perDay: "At least 1, or blank for no cap", perWeek: "A whole number, or blank for no cap" },
    });
    expect(await actions.saveFrequencyCapAction({ nonsense: true } as never)).toMatchObject({ ok: false });
    expect(await getFrequencyCap()).toEqual({ perDay: 5 });
  });
});
