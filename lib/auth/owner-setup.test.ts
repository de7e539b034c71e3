// The first-run race: owner set-ups started at once (two browsers, two web processes, a bootstrap)
// create exactly one owner; the others are told to sign in.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { bootstrapOwner, createOwner, MemberError } from "./members";

describe("createOwner", () => {
  it("creates exactly one owner when six set-ups run at once", async () => {
    const results = await Promise.allSettled([
      ...Array.from({ length: 5 }, (_, i) => createOwner({ email: `owner${i}@example.com`, password: "owner-password" })),
      bootstrapOwner("owner5@example.com:owner-password"),
    ]);
    const created = results.filter((r) => r.status === "fulfilled" && r.value !== false);
    expect(created).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(MemberError);
    expect(await db().member.count()).toBe(1);
    expect(await db().member.count({ where: { role: "owner" } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "member.owner_created" } })).toBe(1);
    await expect(createOwner({ email: "late@example.com", password: "owner-password" })).rejects.toThrow(/already has an owner/);
  });
});
