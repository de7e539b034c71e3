// An attacker's review: a member signed in twice (and once before), changed their password from one
// session, and the other sessions' cookies still worked: a stolen session cookie outlived the victim's
// password change. Now any write of a member's password ends every session of theirs from before it,
// but the one that made the change (when it is their own). Real better-auth through the real route
// handlers, real database.
import { beforeAll, describe, expect, it } from "vitest";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { GET as listTestSends, POST as testSend } from "@/app/api/test-sends/route";
import { db } from "../db";
import { auth } from "./better-auth";
import { PEER_HEADER } from "./client-address";
import { acceptInvite, changeMemberRole, createOwner, inviteMember, removeMember, type Member } from "./members";

const ORIGIN = "http://localhost:3000";
let owner: Member;

beforeAll(async () => {
  owner = await createOwner({ email: "owner@example.com", password: "owner-password-1" });
});

async function newMember(email: string, password: string, role: "editor" | "viewer" | "admin" = "editor"): Promise<Member> {
  const { token } = await inviteMember({ email, role }, owner);
  return acceptInvite(token, { name: email.split("@")[0]!, password });
}

/** Signs in over HTTP; the session cookie alone (`name=value`). */
async function signIn(email: string, password: string, peer = "192.0.2.10"): Promise<string> {
  const res = await authPost(
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, [PEER_HEADER]: peer },
      body: JSON.stringify({ email, password }),
    }),
  );
  expect(res.status).toBe(200);
  return sessionCookieOf(res)!;
}

function sessionCookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith("hookline.session_token="))?.split(";")[0];
}

function changePassword(cookie: string, body: Record<string, unknown>) {
  return authPost(
    new Request(`${ORIGIN}/api/auth/change-password`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, cookie, [PEER_HEADER]: "192.0.2.11" },
      body: JSON.stringify(body),
    }),
  );
}

/** What the attacker tried with each cookie: an internal route any signed-in member may read. */
async function readsTestSends(cookie: string): Promise<number> {
  return (await listTestSends(new Request(`${ORIGIN}/api/test-sends?actionId=none`, { headers: { cookie } }))).status;
}

const sessionsOf = (memberId: string) => db().memberSession.count({ where: { userId: memberId } });

describe("a password change ends the member's other sessions", () => {
  it("changed from one session over HTTP: that session stays signed in; the member's other sessions, older ones too, answer 401; nobody else's end", async () => {
    const member = await newMember("victim@example.com", "victim-password-1");
    const bystander = await newMember("bystander@example.com", "bystander-password-1");
    const older = await signIn("victim@example.com", "victim-password-1", "192.0.2.20");
    const s1 = await signIn("victim@example.com", "victim-password-1", "192.0.2.21");
    const s2 = await signIn("victim@example.com", "victim-password-1", "192.0.2.22");
    const theirs = await signIn("bystander@example.com", "bystander-password-1");
    for (const cookie of [older, s1, s2, theirs]) expect(await readsTestSends(cookie)).toBe(200);

    const changed = await changePassword(s2, { currentPassword: "victim-password-1", newPassword: "victim-password-2" });
    expect(changed.status).toBe(200);

    expect(await readsTestSends(older)).toBe(401);
    expect(await readsTestSends(s1)).toBe(401);
    expect(await readsTestSends(s2)).toBe(200);
    expect(await readsTestSends(theirs)).toBe(200);
    expect(await sessionsOf(member.id)).toBe(1);
    expect(await sessionsOf(bystander.id)).toBe(1);
    // the new password signs in, as a new session beside the one that changed it
    await signIn("victim@example.com", "victim-password-2");
    expect(await sessionsOf(member.id)).toBe(2);
  });

  it("two members changing at once: each keeps the session they changed from (one write's hook may settle the other's)", async () => {
    const [a, b] = [await newMember("twin-a@example.com", "twin-a-password-1"), await newMember("twin-b@example.com", "twin-b-password-1")];
    const [a1, a2, b1, b2] = [await signIn(a.email, "twin-a-password-1"), await signIn(a.email, "twin-a-password-1"), await signIn(b.email, "twin-b-password-1"), await signIn(b.email, "twin-b-password-1")];
    const changed = await Promise.all([
      changePassword(a2, { currentPassword: "twin-a-password-1", newPassword: "twin-a-password-2" }),
      changePassword(b2, { currentPassword: "twin-b-password-1", newPassword: "twin-b-password-2" }),
    ]);
    expect(changed.map((r) => r.status)).toEqual([200, 200]);
    expect([await readsTestSends(a1), await readsTestSends(a2), await readsTestSends(b1), await readsTestSends(b2)]).toEqual([401, 200, 401, 200]);
  });

  it("with revokeOtherSessions: the changing browser gets a new session that works, and every old one ends", async () => {
    const member = await newMember("rotator@example.com", "rotator-password-1");
    const s1 = await signIn("rotator@example.com", "rotator-password-1");
    const s2 = await signIn("rotator@example.com", "rotator-password-1");
    const changed = await changePassword(s2, { currentPassword: "rotator-password-1", newPassword: "rotator-password-2", revokeOtherSessions: true });
    expect(changed.status).toBe(200);
    const renewed = sessionCookieOf(changed)!;
    expect(renewed).toBeDefined();
    expect(await readsTestSends(renewed)).toBe(200);
    expect(await readsTestSends(s1)).toBe(401);
    expect(await readsTestSends(s2)).toBe(401);
    expect(await sessionsOf(member.id)).toBe(1);
  });

  it("a wrong current password or a refused new one ends nothing", async () => {
    const member = await newMember("stays@example.com", "stays-password-1");
    const s1 = await signIn("stays@example.com", "stays-password-1");
    const s2 = await signIn("stays@example.com", "stays-password-1");
    expect((await changePassword(s2, { currentPassword: "not-the-password", newPassword: "stays-password-2" })).status).toBe(400);
    expect((await changePassword(s2, { currentPassword: "stays-password-1", newPassword: "short" })).status).toBe(400);
    expect(await readsTestSends(s1)).toBe(200);
    expect(await sessionsOf(member.id)).toBe(2);
    await db().signInThrottle.deleteMany();
  });

  it("a password set without the member's session (as an admin's reset would: better-auth's updatePassword) ends all of that member's sessions", async () => {
    const member = await newMember("reset@example.com", "reset-password-1");
    const s1 = await signIn("reset@example.com", "reset-password-1");
    const s2 = await signIn("reset@example.com", "reset-password-1");
    const ownerSession = await signIn("owner@example.com", "owner-password-1");
    const ctx = await auth().$context;
    await ctx.internalAdapter.updatePassword(member.id, await ctx.password.hash("reset-password-2"));
    expect(await readsTestSends(s1)).toBe(401);
    expect(await readsTestSends(s2)).toBe(401);
    expect(await readsTestSends(ownerSession)).toBe(200);
    expect(await sessionsOf(member.id)).toBe(0);
    await signIn("reset@example.com", "reset-password-2");
  });

  it("a password written to the credential account by id (better-auth's updateAccount) ends them too", async () => {
    const member = await newMember("byid@example.com", "byid-password-1");
    const s1 = await signIn("byid@example.com", "byid-password-1");
    const ctx = await auth().$context;
    const account = await db().memberAccount.findFirstOrThrow({ where: { userId: member.id, providerId: "credential" } });
    await ctx.internalAdapter.updateAccount(account.id, { password: await ctx.password.hash("byid-password-2") });
    expect(await readsTestSends(s1)).toBe(401);
    expect(await sessionsOf(member.id)).toBe(0);
  });

  it("a first password set from a signed-in session (better-auth's setPassword, a new credential account) keeps that session and ends the others", async () => {
    const member = await newMember("setter@example.com", "setter-password-1");
    const s1 = await signIn("setter@example.com", "setter-password-1");
    const s2 = await signIn("setter@example.com", "setter-password-1");
    await db().memberAccount.deleteMany({ where: { userId: member.id } });
    await auth().api.setPassword({ body: { newPassword: "setter-password-2" }, headers: new Headers({ cookie: s2 }) });
    expect(await readsTestSends(s1)).toBe(401);
    expect(await readsTestSends(s2)).toBe(200);
    expect(await sessionsOf(member.id)).toBe(1);
  });
});

describe("a member removed or given another role", () => {
  it("removed: their sessions are deleted and their cookie answers 401", async () => {
    const member = await newMember("removed@example.com", "removed-password-1");
    const s1 = await signIn("removed@example.com", "removed-password-1");
    expect(await readsTestSends(s1)).toBe(200);
    await removeMember(member.id, owner);
    expect(await sessionsOf(member.id)).toBe(0);
    expect(await readsTestSends(s1)).toBe(401);
  });

  it("role lowered: the next request is refused 403 at the new role", async () => {
    const member = await newMember("lowered@example.com", "lowered-password-1");
    const s1 = await signIn("lowered@example.com", "lowered-password-1");
    const send = () => testSend(new Request(`${ORIGIN}/api/test-sends`, { method: "POST", headers: { cookie: s1, origin: ORIGIN, "content-type": "application/json" }, body: JSON.stringify({ nonsense: true }) }));
    expect((await send()).status).toBe(400);
    await changeMemberRole(member.id, "viewer", owner);
    expect((await send()).status).toBe(403);
    expect(await readsTestSends(s1)).toBe(200);
  });
});
