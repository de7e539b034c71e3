// The sign-in page's set-up and invitation forms: a name holding U+0000 (a form can carry it) is a
// field error at the name, nothing is created, and the invitation link still works (it was used up
// before the member failed to save, and the owner set-up threw out of the action).
import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { createOwner, findInvite, inviteMember } from "@/lib/auth/members";

vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const { acceptInviteAction, createOwnerAction } = await import("./actions");

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

const NUL_AT_NAME = { fieldErrors: { name: expect.stringMatching(/cannot contain the NUL character \(U\+0000\)/) } };

describe("a name holding U+0000", () => {
  it("is a field error of the owner set-up, which creates nobody", async () => {
    const state = await createOwnerAction(null, form({ name: "Ann\u0000", email: "owner@example.com", password: "owner-password" }));
    expect(state).toMatchObject({ ok: false, message: "Fix the highlighted field.", ...NUL_AT_NAME });
    expect(await db().member.count()).toBe(0);
  });

  it("is a field error of the invitation, whose link still works", async () => {
    const owner = await createOwner({ email: "owner@example.com", password: "owner-password" });
    const { token } = await inviteMember({ email: "ed@example.com", role: "editor" }, owner);
    const state = await acceptInviteAction(null, form({ token, name: "Ed\u0000", password: "editor-password" }));
    expect(state).toMatchObject(NUL_AT_NAME);
    expect(await findInvite(token)).not.toBeNull();
    expect(await db().member.count({ where: { email: "ed@example.com" } })).toBe(0);
  });
});
