import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { auth } from "./better-auth";
import { acceptInvite, bootstrapOwner, changeMemberRole, createOwner, findInvite, inviteMember, listPendingInvites, memberFromHeaders, MemberError, removeMember, renewInvite, type Member } from "./members";
import { requireMember } from "./guard";
import { createApiKey, listApiKeys, verifyApiKey } from "./api-keys";

async function signIn(email: string, password: string): Promise<Headers> {
  const res = await auth().api.signInEmail({ body: { email, password }, asResponse: true });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return new Headers({ cookie });
}

/** The owner, as the member who acts in these tests (read from the database: listMembers is for admins). */
async function theOwner(): Promise<Member> {
  const m = await db().member.findFirstOrThrow({ where: { role: "owner" } });
  return { id: m.id, email: m.email, name: m.name, role: "owner" };
}

describe("members", () => {
  it("bootstraps the owner once, who signs in with a secure session cookie", async () => {
    await expect(bootstrapOwner("nocolon")).rejects.toThrow(/email:password/);
    await expect(bootstrapOwner("owner@example.com:short")).rejects.toThrow(/10 to 128/);
    expect(await bootstrapOwner("Owner@Example.com:correct horse battery")).toBe(true);
    expect(await bootstrapOwner("other@example.com:correct horse battery")).toBe(false);
    await expect(createOwner({ email: "x@example.com", password: "0123456789ab" })).rejects.toThrow(/already has an owner/);
    const res = await auth().api.signInEmail({ body: { email: "owner@example.com", password: "correct horse battery" }, asResponse: true });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("hookline.session_token"))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const owner = await memberFromHeaders(await signIn("owner@example.com", "correct horse battery"));
    expect(owner).toMatchObject({ email: "owner@example.com", role: "owner" });
    const account = await db().memberAccount.findFirstOrThrow({ where: { userId: owner!.id } });
    expect(account.password).not.toContain("correct horse");
    const wrong = await auth().api.signInEmail({ body: { email: "owner@example.com", password: "wrong password!" }, asResponse: true });
    expect(wrong.status).toBe(401);
  });

  it("invites by a link that works once, with the role given, then roles change and members go", async () => {
    const owner = await theOwner();
    const { token } = await inviteMember({ email: "viewer@example.com", role: "viewer" }, owner);
    expect(JSON.stringify(await db().memberInvite.findMany())).not.toContain(token);
    expect(await findInvite("nope")).toBeNull();
    const viewer = await acceptInvite(token, { name: "Vi", password: "viewer password" });
    expect(viewer.role).toBe("viewer");
    await expect(acceptInvite(token, { name: "Again", password: "viewer password" })).rejects.toThrow(/invalid, used or expired/);
    const headers = await signIn("viewer@example.com", "viewer password");
    await expect(requireMember(headers, "viewer")).resolves.toMatchObject({ role: "viewer" });
    await expect(requireMember(headers, "editor")).rejects.toMatchObject({ status: 403 });
    await changeMemberRole(viewer.id, "editor", owner);
    await expect(requireMember(headers, "editor")).resolves.toMatchObject({ role: "editor" });
    await expect(changeMemberRole(owner.id, "viewer", owner)).rejects.toThrow(/owner/);
    await removeMember(viewer.id, owner);
    expect(await memberFromHeaders(headers)).toBeNull();
    const expired = await inviteMember({ email: "late@example.com", role: "editor" }, owner, new Date(Date.now() - 8 * 86_400_000));
    await expect(acceptInvite(expired.token, { name: "L", password: "late password" })).rejects.toThrow(/expired/);
    const actions = (await db().auditLog.findMany({ orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["member.owner_created", "member.invited", "member.joined", "member.role_changed", "member.removed"]));
  });

  it("keeps an invitation 7 days to the millisecond: listed and accepted until then, neither from then", async () => {
    const owner = await theOwner();
    const t0 = new Date("2026-12-05T10:00:00Z");
    const week = 7 * 86_400_000;
    const late = await inviteMember({ email: "edge-late@example.com", role: "viewer" }, owner, t0);
    const onTime = await inviteMember({ email: "edge-ontime@example.com", role: "viewer" }, owner, t0);
    expect(late.expiresAt.toISOString()).toBe("2026-12-12T10:00:00.000Z");
    const pending = async (at: number) => (await listPendingInvites(owner, new Date(at))).map((i) => i.email).filter((e) => e.startsWith("edge-")).sort();
    expect(await pending(t0.getTime() + week - 1)).toEqual(["edge-late@example.com", "edge-ontime@example.com"]);
    expect(await pending(t0.getTime() + week)).toEqual([]);
    await expect(acceptInvite(late.token, { name: "L", password: "late password 1" }, new Date(t0.getTime() + week))).rejects.toThrow(/expired/);
    await expect(acceptInvite(onTime.token, { name: "O", password: "ontime password 1" }, new Date(t0.getTime() + week - 1))).resolves.toMatchObject({ role: "viewer" });
  });

  it("refuses a name neither database can store at the name, and the invitation still works after (it was used up first)", async () => {
    const owner = await theOwner();
    const { token } = await inviteMember({ email: "named@example.com", role: "editor" }, owner);
    for (const name of ["Ned\u0000", "Ned\ud800"]) {
      const refused = await acceptInvite(token, { name, password: "named password" }).catch((err: unknown) => err);
      expect(refused, JSON.stringify(name)).toBeInstanceOf(MemberError);
      expect(refused).toMatchObject({ field: "name", message: expect.stringMatching(/^A name cannot contain (the NUL character|a broken character)/) });
      expect(await findInvite(token), JSON.stringify(name)).not.toBeNull();
    }
    expect(await db().member.count({ where: { email: "named@example.com" } })).toBe(0);
    expect(await acceptInvite(token, { name: "Ned", password: "named password" })).toMatchObject({ email: "named@example.com", name: "Ned", role: "editor" });
    expect(await findInvite(token)).toBeNull();
  });

  // a name had no bound: a 60,000-character one was stored and shown on every page of the app
  it("refuses a name over 100 characters or holding a control character at the name; trims the one it keeps", async () => {
    const owner = await theOwner();
    const { token } = await inviteMember({ email: "long-name@example.com", role: "viewer" }, owner);
    for (const name of ["A".repeat(60000), "A".repeat(101), "Ann\u0007", "Ann\nBob", "Ann\u009b"]) {
      const refused = await acceptInvite(token, { name, password: "named password" }).catch((err: unknown) => err);
      expect(refused, JSON.stringify(name.slice(0, 20))).toBeInstanceOf(MemberError);
      expect(refused).toMatchObject({ field: "name", message: expect.stringMatching(/^A name (is at most 100 characters|cannot contain a control character)/) });
    }
    expect(await db().member.count({ where: { email: "long-name@example.com" } })).toBe(0);
    expect(await acceptInvite(token, { name: `  ${"é".repeat(100)}  `, password: "named password" })).toMatchObject({ name: "é".repeat(100) });
  });

  it("leaves the invitation unused when creating the member fails for another reason (the claim and the member are one transaction)", async () => {
    const owner = await theOwner();
    const { token } = await inviteMember({ email: "twice@example.com", role: "viewer" }, owner);
    // the same person joined by another way between the invitation and its acceptance
    await db().member.create({ data: { id: "twice-member", email: "twice@example.com", name: "Twice", role: "viewer", emailVerified: true } });
    await expect(acceptInvite(token, { name: "Twice", password: "twice password" })).rejects.toMatchObject({ field: "email" });
    expect(await findInvite(token)).not.toBeNull();
  });

  it("two invitations for one email accepted at once make one member; the other is told so at the email, never a server error", async () => {
    const owner = await theOwner();
    const first = await inviteMember({ email: "race@example.com", role: "viewer" }, owner);
    // a second invitation made at the same moment (inviting again withdraws the earlier link, so it is written here)
    const second = { token: "race-second-token" };
    await db().memberInvite.create({
      data: { tokenHash: createHash("sha256").update(second.token).digest("hex"), email: "race@example.com", role: "editor", invitedBy: owner.email, expiresAt: new Date(Date.now() + 86_400_000) },
    });
    expect(await findInvite(second.token)).not.toBeNull();
    const results = await Promise.allSettled([
      acceptInvite(first.token, { name: "One", password: "race password 1" }),
      acceptInvite(second.token, { name: "Two", password: "race password 2" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(MemberError);
    expect(refused.reason).toMatchObject({ field: "email" });
    expect(await db().member.count({ where: { email: "race@example.com" } })).toBe(1);
  });

  it("inviting an address again, or New link, withdraws its earlier link: one pending invitation per address, with its role", async () => {
    const owner = await theOwner();
    const lost = await inviteMember({ email: "Lost.Link@example.com", role: "viewer" }, owner);
    expect(lost.email).toBe("lost.link@example.com");
    const pending = () => listPendingInvites(owner).then((all) => all.filter((i) => i.email === "lost.link@example.com"));
    const [invite] = await pending();
    const renewed = await renewInvite(invite!.id, owner);
    expect(renewed.email).toBe("lost.link@example.com");
    expect(await findInvite(lost.token)).toBeNull();
    expect(await pending()).toMatchObject([{ role: "viewer" }]);
    // the old row is withdrawn: renewing it again is refused in words, not a second link
    await expect(renewInvite(invite!.id, owner)).rejects.toThrow(/already used or withdrawn/);
    // inviting the address again with another role replaces the pending one
    const again = await inviteMember({ email: "lost.link@example.com", role: "editor" }, owner);
    expect(await findInvite(renewed.token)).toBeNull();
    expect(await pending()).toMatchObject([{ role: "editor" }]);
    expect(await acceptInvite(again.token, { name: "Found", password: "found password 1" })).toMatchObject({ role: "editor" });
    expect(await pending()).toEqual([]);
    // an editor cannot make links
    const editor = await db().member.findUniqueOrThrow({ where: { email: "lost.link@example.com" } });
    const other = await inviteMember({ email: "other-lost@example.com", role: "viewer" }, owner);
    const [otherInvite] = await listPendingInvites(owner).then((all) => all.filter((i) => i.email === "other-lost@example.com"));
    await expect(renewInvite(otherInvite!.id, { id: editor.id, email: editor.email, name: editor.name, role: "editor" })).rejects.toThrow();
    expect(await findInvite(other.token)).not.toBeNull();
  });

  it("a removed or demoted admin keeps no way back in: their invitations are withdrawn, their keys that outrank them revoked", async () => {
    const owner = await theOwner();
    const join = async (email: string, role: "admin" | "editor") =>
      acceptInvite((await inviteMember({ email, role }, owner)).token, { name: email.split("@")[0]!, password: "rogue password 1" });
    // while an admin, the rogue invites a second mailbox of theirs and makes keys of each role
    const rogue = await join("rogue@example.com", "admin");
    const spare = await inviteMember({ email: "rogue+spare@example.net", role: "admin" }, rogue);
    const keys = {} as Record<"admin" | "editor" | "viewer", string>;
    for (const role of ["admin", "editor", "viewer"] as const) keys[role] = (await createApiKey({ name: `rogue ${role}`, role }, rogue)).key;
    const ownersKey = (await createApiKey({ name: "owner's", role: "admin" }, owner)).key;
    expect((await listApiKeys(owner)).find((k) => k.name === "rogue admin")?.createdBy).toBe("rogue@example.com");

    // demoted to editor: the invitation is void, the admin key revoked, the others stay
    await changeMemberRole(rogue.id, "editor", owner);
    await expect(acceptInvite(spare.token, { name: "back", password: "back password 1" })).rejects.toThrow(/invalid, used or expired|no longer an admin/);
    expect(await verifyApiKey(keys.admin)).toBeNull();
    expect((await verifyApiKey(keys.editor))?.role).toBe("editor");
    expect((await verifyApiKey(keys.viewer))?.role).toBe("viewer");

    // removed: every key they made is revoked; the owner's stays
    await removeMember(rogue.id, owner);
    expect(await verifyApiKey(keys.editor)).toBeNull();
    expect(await verifyApiKey(keys.viewer)).toBeNull();
    expect((await verifyApiKey(ownersKey))?.role).toBe("admin");
    expect(await db().member.count({ where: { email: "rogue+spare@example.net" } })).toBe(0);
    const audit = await db().auditLog.findMany({ where: { target: "rogue@example.com", action: { in: ["member.role_changed", "member.removed"] } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      ["member.role_changed", { from: "admin", to: "editor", invitationsWithdrawn: 1, apiKeysRevoked: 1 }],
      ["member.removed", { apiKeysRevoked: 2 }],
    ]);

    // a key made in the moment of a removal (after the revocation ran, by the request that still saw them an admin) speaks for no one
    const late = (await createApiKey({ name: "late", role: "viewer" }, rogue)).key;
    expect(await verifyApiKey(late)).toBeNull();

    // an invitation from before this rule (not withdrawn) is refused once its sender lost the role
    const editor = await join("ed@example.com", "admin");
    const old = await inviteMember({ email: "old@example.com", role: "admin" }, editor);
    await db().member.update({ where: { id: editor.id }, data: { role: "editor" } });
    await expect(acceptInvite(old.token, { name: "old", password: "old password 1" })).rejects.toThrow(/no longer an admin/);
    expect(await findInvite(old.token)).not.toBeNull(); // refused, not used up
  });
});
