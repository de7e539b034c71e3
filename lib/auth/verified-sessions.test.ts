// A verified session is remembered for a few seconds, and never past a change this process makes.
import { afterEach, describe, expect, it, vi } from "vitest";
import { memberCookies } from "@/test/sessions";
import { db } from "../db";
import { auth } from "./better-auth";
import { changeMemberRole, memberFromHeaders, type Member } from "./members";
import { forgetVerifiedSessions, REMEMBER_MS, rememberedMember, rememberMember, verificationStart } from "./verified-sessions";

afterEach(() => {
  vi.useRealTimers();
});

describe("verified sessions", () => {
  it("answers a repeated cookie from memory, but sign-out and role changes take effect at once", async () => {
    const cookies = await memberCookies();
    const viewer = new Headers({ cookie: cookies.viewer });
    const member = (await memberFromHeaders(viewer))!;
    expect(member.role).toBe("viewer");
    expect(rememberedMember(cookies.viewer)).toEqual(member);

    await changeMemberRole(member.id, "editor", cookies.ownerMember);
    expect(rememberedMember(cookies.viewer)).toBeNull();
    expect(await memberFromHeaders(viewer)).toMatchObject({ role: "editor" });

    const editor = new Headers({ cookie: cookies.editor });
    expect(await memberFromHeaders(editor)).toMatchObject({ role: "editor" });
    await auth().api.signOut({ headers: editor });
    expect(await memberFromHeaders(editor)).toBeNull();
  });

  it("sees a change made by another process within REMEMBER_MS", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const email = "admin@example.com";
    const cookie = (await auth().api.signInEmail({ body: { email, password: "admin-password" }, asResponse: true })).headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const headers = new Headers({ cookie });
    expect(await memberFromHeaders(headers)).toMatchObject({ role: "admin" });
    await db().member.update({ where: { email }, data: { role: "viewer" } }); // not through this process's members.ts
    expect(await memberFromHeaders(headers)).toMatchObject({ role: "admin" });
    vi.setSystemTime(Date.now() + REMEMBER_MS + 1);
    expect(await memberFromHeaders(headers)).toMatchObject({ role: "viewer" });
  });

  it("does not remember a verification that a change overtook, nor past the session's expiry", () => {
    const member: Member = { id: "m1", email: "m@example.com", name: "M", role: "editor" };
    const now = Date.now();
    const startedAt = verificationStart();
    forgetVerifiedSessions();
    rememberMember("c=1", member, new Date(now + 86_400_000), startedAt, now);
    expect(rememberedMember("c=1", now)).toBeNull();

    rememberMember("c=2", member, new Date(now + 1000), verificationStart(), now);
    expect(rememberedMember("c=2", now + 999)).toEqual(member);
    expect(rememberedMember("c=2", now + 1000)).toBeNull();
  });

  it("never remembers a cookie that did not verify", async () => {
    const forged = "hookline.session_token=forged.value";
    expect(await memberFromHeaders(new Headers({ cookie: forged }))).toBeNull();
    expect(rememberedMember(forged)).toBeNull();
  });
});
