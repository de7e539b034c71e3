// The admin-only reads and writes of lib/auth hold their caller to admin themselves: a page, a server
// action or a route that forgets to check still gets a 403 for a viewer or an editor, with nothing read
// or written. The owner acts as an admin.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { createApiKey, createSystemApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { listAudit } from "./audit";
import { AccessError } from "./guard";
import { acceptInvite, changeMemberRole, createOwner, inviteMember, listMembers, listPendingInvites, removeMember, revokeInvite, type Member } from "./members";

type Who = "owner" | "admin" | "editor" | "viewer";
const who: Record<Who, Member> = {} as Record<Who, Member>;
const refused = ["viewer", "editor"] as const;
const allowed = ["admin", "owner"] as const;

beforeAll(async () => {
  who.owner = await createOwner({ email: "owner@example.com", password: "owner password" });
  for (const role of ["admin", "editor", "viewer"] as const) {
    const { token } = await inviteMember({ email: `${role}@example.com`, role }, who.owner);
    who[role] = await acceptInvite(token, { name: role, password: `${role} password` });
  }
});

async function expectRefused(what: Promise<unknown>, role: "viewer" | "editor") {
  const err = await what.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, role).toBeInstanceOf(AccessError);
  expect(err).toMatchObject({ status: 403, message: `Your role (${role}) cannot do this; it needs admin or above` });
}

/** A member of `role` made straight in the database (no invitation to count), for the writes to act on. */
async function someone(label: string, role: "editor" | "viewer" = "viewer") {
  return db().member.create({ data: { id: `m-${label}`, email: `${label}@example.com`, name: label, role, emailVerified: true } });
}

const auditCount = () => db().auditLog.count();

describe("admin-only reads", () => {
  const reads = {
    listAudit: (actor: Member) => listAudit(actor, { take: 5 }),
    listApiKeys: (actor: Member) => listApiKeys(actor),
    listMembers: (actor: Member) => listMembers(actor),
    listPendingInvites: (actor: Member) => listPendingInvites(actor),
  };
  for (const [name, read] of Object.entries(reads)) {
    it(`${name} refuses a viewer and an editor (403), answers an admin and the owner`, async () => {
      for (const role of refused) await expectRefused(read(who[role]), role);
      for (const role of allowed) await expect(read(who[role]), role).resolves.toBeDefined();
    });
  }

  it("what an admin reads is the real thing", async () => {
    expect((await listMembers(who.admin)).map((m) => m.email)).toEqual(expect.arrayContaining(["owner@example.com", "viewer@example.com"]));
    expect((await listAudit(who.owner, { take: 500 })).entries.some((e) => e.action === "member.owner_created")).toBe(true);
  });
});

describe("admin-only writes", () => {
  it("inviteMember: a viewer or an editor invites no one; an admin and the owner do", async () => {
    const before = await auditCount();
    for (const role of refused) await expectRefused(inviteMember({ email: `by-${role}@example.com`, role: "viewer" }, who[role]), role);
    expect(await db().memberInvite.count({ where: { email: { in: ["by-viewer@example.com", "by-editor@example.com"] } } })).toBe(0);
    expect(await auditCount()).toBe(before);
    for (const role of allowed) {
      await inviteMember({ email: `by-${role}@example.com`, role: "viewer" }, who[role]);
      expect(await db().memberInvite.findFirst({ where: { email: `by-${role}@example.com` } }), role).toMatchObject({ invitedBy: `${role}@example.com` });
    }
  });

  it("revokeInvite: a viewer or an editor withdraws nothing; an admin and the owner do", async () => {
    for (const role of allowed) {
      await inviteMember({ email: `pending-${role}@example.com`, role: "editor" }, who.owner);
      const invite = await db().memberInvite.findFirstOrThrow({ where: { email: `pending-${role}@example.com` } });
      const before = await auditCount();
      for (const other of refused) await expectRefused(revokeInvite(invite.id, who[other]), other);
      expect((await db().memberInvite.findUniqueOrThrow({ where: { id: invite.id } })).revokedAt).toBeNull();
      expect(await auditCount()).toBe(before);
      await revokeInvite(invite.id, who[role]);
      expect((await db().memberInvite.findUniqueOrThrow({ where: { id: invite.id } })).revokedAt, role).not.toBeNull();
    }
  });

  it("changeMemberRole: a viewer or an editor changes no role (not even their own); an admin and the owner do", async () => {
    const target = await someone("promote-me");
    const before = await auditCount();
    for (const role of refused) {
      await expectRefused(changeMemberRole(target.id, "admin", who[role]), role);
      await expectRefused(changeMemberRole(who[role].id, "admin", who[role]), role);
    }
    expect((await db().member.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("viewer");
    expect((await db().member.findUniqueOrThrow({ where: { id: who.viewer.id } })).role).toBe("viewer");
    expect((await db().member.findUniqueOrThrow({ where: { id: who.editor.id } })).role).toBe("editor");
    expect(await auditCount()).toBe(before);
    await changeMemberRole(target.id, "editor", who.admin);
    expect((await db().member.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("editor");
    await changeMemberRole(target.id, "viewer", who.owner);
    expect((await db().member.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("viewer");
  });

  it("removeMember: a viewer or an editor removes no one; an admin and the owner do", async () => {
    for (const role of allowed) {
      const target = await someone(`remove-me-${role}`, "editor");
      const before = await auditCount();
      for (const other of refused) await expectRefused(removeMember(target.id, who[other]), other);
      expect(await db().member.findUnique({ where: { id: target.id } })).not.toBeNull();
      expect(await auditCount()).toBe(before);
      await removeMember(target.id, who[role]);
      expect(await db().member.findUnique({ where: { id: target.id } }), role).toBeNull();
    }
  });

  it("createApiKey: a viewer or an editor creates no key (not even a viewer key); an admin and the owner do, as its creator", async () => {
    const before = await auditCount();
    for (const role of refused) await expectRefused(createApiKey({ name: `key by ${role}`, role: "viewer" }, who[role]), role);
    expect(await db().apiKey.count({ where: { name: { startsWith: "key by " } } })).toBe(0);
    expect(await auditCount()).toBe(before);
    for (const role of allowed) {
      const { apiKey } = await createApiKey({ name: `key by ${role}`, role: "editor" }, who[role]);
      expect(apiKey.createdBy, role).toBe(`${role}@example.com`);
      expect(await db().auditLog.findFirst({ where: { action: "api_key.created", target: apiKey.id } })).toMatchObject({ actor: `${role}@example.com` });
    }
  });

  it("revokeApiKey: a viewer or an editor revokes no key; an admin and the owner do", async () => {
    for (const role of allowed) {
      const { apiKey } = await createSystemApiKey({ name: `to revoke by ${role}`, role: "viewer" });
      const before = await auditCount();
      for (const other of refused) await expectRefused(revokeApiKey(apiKey.id, who[other]), other);
      expect((await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).revokedAt).toBeNull();
      expect(await auditCount()).toBe(before);
      expect(await revokeApiKey(apiKey.id, who[role])).toBe(true);
      expect(await db().auditLog.findFirst({ where: { action: "api_key.revoked", target: apiKey.id } })).toMatchObject({ actor: `${role}@example.com` });
    }
  });
});

// Settings' other admin-only writes: the install-wide frequency cap and the allowed (private) destinations
describe("admin-only settings", () => {
  it("setFrequencyCap: a viewer and an editor are refused and the cap stays; an admin and the owner set it", async () => {
    const { getFrequencyCap, setFrequencyCap } = await import("../delivery/store/frequency-cap-setting");
    await setFrequencyCap({ perDay: 3 }, who.admin);
    for (const role of refused) await expectRefused(setFrequencyCap(null, who[role]), role);
    for (const role of refused) await expectRefused(setFrequencyCap({ perDay: 100 }, who[role]), role);
    expect(await getFrequencyCap()).toMatchObject({ perDay: 3 });
    await setFrequencyCap({ perDay: 4 }, who.owner);
    expect(await getFrequencyCap()).toMatchObject({ perDay: 4 });
    await setFrequencyCap(null, who.admin);
    expect(await getFrequencyCap()).toBeNull();
  });

  it("add and remove an allowed destination: a viewer and an editor are refused with nothing changed; an admin and the owner may", async () => {
    const { addAllowedDestination, listAllowedDestinations, removeAllowedDestination } = await import("../webhooks/allowed-destinations");
    const before = await auditCount();
    for (const role of refused) await expectRefused(addAllowedDestination({ entry: "10.9.8.7" }, who[role]), role);
    expect((await listAllowedDestinations()).some((d) => d.entry === "10.9.8.7")).toBe(false);
    expect(await auditCount()).toBe(before);
    const row = await addAllowedDestination({ entry: "10.9.8.7" }, who.admin);
    for (const role of refused) await expectRefused(removeAllowedDestination(row.id, who[role]), role);
    expect((await listAllowedDestinations()).some((d) => d.id === row.id)).toBe(true);
    expect(await removeAllowedDestination(row.id, who.owner)).toBe(true);
    expect((await listAllowedDestinations()).some((d) => d.id === row.id)).toBe(false);
  });
});
