// The people who sign in: the owner (created on first run or from HOOKLINE_BOOTSTRAP_OWNER),
// members invited by link with a role, role changes and removal. Passwords are hashed by better-auth.
import { checkMemberName, MEMBER_NAME_MAX_LENGTH } from "./member-name";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db";
import { isUniqueViolation } from "../db/unique-violation";
import { log } from "../log";
import { recordAudit } from "./audit";
import { auth } from "./better-auth";
import { requireRole } from "./access";
import { isRole, memberAllows, ROLES, roleAllows, type MemberRole, type Role } from "./roles";
import { forgetVerifiedSessions, rememberedMember, rememberMember, verificationStart } from "./verified-sessions";
import { transaction } from "../db/transaction";
import { unstorableText } from "../db/storable-text";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordSchema } from "./password-rule";

export { effectiveRole, memberAllows, type MemberRole } from "./roles";
export type Member = { id: string; email: string; name: string; role: MemberRole };

export class MemberError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const INVITE_DAYS = 7;
export { passwordSchema } from "./password-rule";
export const emailSchema = z.email("Enter a valid email address").max(320).transform((e) => e.toLowerCase());

export async function hasMembers(): Promise<boolean> {
  return (await db().member.count()) > 0;
}

/** The Setting row only the first owner set-up can insert (its key is unique), whatever runs at once. */
const OWNER_CLAIM = "owner";

type Tx = Parameters<Parameters<typeof transaction>[0]>[0];

/**
 * Creates the member and its password account; `claim` runs first in the same transaction (an invite's), so a refusal leaves it unclaimed.
 * The only password the app writes itself, of a member with no session yet: an existing member's goes
 * through better-auth (`internalAdapter.updatePassword`), whose hooks end their other sessions (member-sessions.ts).
 */
async function createMember(input: { email: string; password: string; name: string; role: MemberRole }, claim?: (tx: Tx) => Promise<void>): Promise<Member> {
  const bad = unstorableText(input.name);
  if (bad) throw new MemberError(`A name cannot contain ${bad.problem}`, "name");
  const checked = checkMemberName(input.name);
  if (!checked.ok) throw new MemberError(checked.message, "name");
  const ctx = await auth().$context;
  const hash = await ctx.password.hash(input.password);
  const created = await transaction(async (tx) => {
    await claim?.(tx);
    if (input.role === "owner") {
      // Four set-ups at once all saw "no members yet": the claim row lets exactly one of them on.
      if (await tx.member.findFirst({ select: { id: true } })) throw new MemberError(OWNER_EXISTS);
      await tx.setting.create({ data: { key: OWNER_CLAIM, value: input.email } }).catch((err) => {
        throw isUniqueViolation(err) ? new MemberError(OWNER_EXISTS) : err;
      });
    }
    if (await tx.member.findUnique({ where: { email: input.email } })) throw new MemberError("Someone with this email is already a member", "email");
    const id = randomBytes(16).toString("base64url");
    // two invites for one email accepted at once: both saw no member, the second insert is the one refused
    const member = await tx.member.create({ data: { id, email: input.email, name: checked.name, role: input.role, emailVerified: true } }).catch((err) => {
      throw isUniqueViolation(err) ? new MemberError("Someone with this email is already a member", "email") : err;
    });
    await tx.memberAccount.create({ data: { id: randomBytes(16).toString("base64url"), accountId: id, providerId: "credential", userId: id, password: hash } });
    return member;
  });
  return { id: created.id, email: created.email, name: created.name, role: created.role as MemberRole };
}

/** The name of a member who typed none: their email's local part, cut to the longest name. */
const nameFromEmail = (email: string) => email.split("@")[0]!.slice(0, MEMBER_NAME_MAX_LENGTH);

const OWNER_EXISTS = "This install already has an owner; sign in instead";

/** The first account of a fresh install; refused once anyone exists. */
export async function createOwner(input: { email: string; password: string; name?: string }): Promise<Member> {
  const email = emailSchema.parse(input.email);
  passwordSchema.parse(input.password);
  if (await hasMembers()) throw new MemberError(OWNER_EXISTS);
  const owner = await createMember({ email, password: input.password, name: input.name?.trim() || nameFromEmail(email), role: "owner" });
  await recordAudit({ actor: email, action: "member.owner_created", target: owner.id });
  return owner;
}

/** HOOKLINE_BOOTSTRAP_OWNER=email:password on a start with no members yet. */
export async function bootstrapOwner(value: string | undefined): Promise<boolean> {
  if (!value) return false;
  const colon = value.indexOf(":");
  if (colon < 1) throw new Error("HOOKLINE_BOOTSTRAP_OWNER must be email:password");
  if (await hasMembers()) return false;
  const email = value.slice(0, colon);
  const password = value.slice(colon + 1);
  if (!emailSchema.safeParse(email).success) throw new Error("HOOKLINE_BOOTSTRAP_OWNER: the part before ':' must be an email address");
  if (!passwordSchema.safeParse(password).success) throw new Error(`HOOKLINE_BOOTSTRAP_OWNER: the password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  try {
    await createOwner({ email, password });
  } catch (err) {
    // Another process starting at the same time created it.
    if (err instanceof MemberError) return false;
    throw err;
  }
  log.info("Created the owner account from HOOKLINE_BOOTSTRAP_OWNER");
  return true;
}

/** Everyone who signs in: for admins (the Users section of Settings). */
export async function listMembers(actor: Member): Promise<Member[]> {
  requireRole(actor, "admin");
  const rows = await db().member.findMany({ orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role as MemberRole }));
}

function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

/** An invitation: the returned token goes in the link (/invite/<token>) and is stored hashed. */
export async function inviteMember(input: { email: string; role: Role }, actor: Member, now = new Date()): Promise<{ token: string; expiresAt: Date; email: string }> {
  requireRole(actor, "admin");
  const email = emailSchema.parse(input.email);
  if (!isRole(input.role)) throw new MemberError("Choose admin, editor or viewer", "role");
  return issueInvite(email, input.role, actor, now, null);
}

/**
 * A new link for a pending invitation (its link was lost): the same address and role, the old link
 * withdrawn in the same transaction, and only while it is still pending, so a Withdraw clicked at the
 * same moment is never undone by a fresh link.
 */
export async function renewInvite(inviteId: string, actor: Member, now = new Date()): Promise<{ token: string; expiresAt: Date; email: string }> {
  requireRole(actor, "admin");
  const invite = await db().memberInvite.findUnique({ where: { id: inviteId } });
  if (!invite || invite.acceptedAt || invite.revokedAt) throw new MemberError("This invitation was already used or withdrawn");
  if (!isRole(invite.role)) throw new MemberError("Choose admin, editor or viewer", "role");
  return issueInvite(invite.email, invite.role, actor, now, invite.id);
}

async function issueInvite(email: string, role: Role, actor: Member, now: Date, renewing: string | null): Promise<{ token: string; expiresAt: Date; email: string }> {
  if (await db().member.findUnique({ where: { email } })) throw new MemberError("Someone with this email is already a member", "email");
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000);
  // the newest invitation for an address is the one that counts: an earlier pending link (lost, or
  // with another role) stops working, so Settings lists one invitation per address
  const replaced = await transaction(async (tx) => {
    if (renewing) {
      const still = await tx.memberInvite.updateMany({ where: { id: renewing, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
      if (still.count === 0) throw new MemberError("This invitation was already used or withdrawn");
    }
    const earlier = await tx.memberInvite.updateMany({ where: { email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
    await tx.memberInvite.create({ data: { tokenHash: hashToken(token), email, role, invitedBy: actor.email, expiresAt } });
    return earlier.count + (renewing ? 1 : 0);
  });
  await recordAudit({ actor: actor.email, action: "member.invited", target: email, details: replaced ? { role, replacedInvitations: replaced } : { role } });
  return { token, expiresAt, email };
}

export async function findInvite(token: string, now = new Date()) {
  const invite = await db().memberInvite.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!invite || invite.acceptedAt || invite.revokedAt || invite.expiresAt <= now) return null;
  return invite;
}

/** Withdraws a pending invitation (a mistyped address, a change of mind): its link stops working. */
export async function revokeInvite(inviteId: string, actor: Member, now = new Date()): Promise<void> {
  requireRole(actor, "admin");
  const invite = await db().memberInvite.findUnique({ where: { id: inviteId } });
  const withdrawn = await db().memberInvite.updateMany({ where: { id: inviteId, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
  if (!invite || withdrawn.count === 0) throw new MemberError("This invitation was already used or withdrawn");
  await recordAudit({ actor: actor.email, action: "member.invite_revoked", target: invite.email, details: { role: invite.role } });
}

/** Invitations not yet used, withdrawn or expired: for admins. */
export async function listPendingInvites(actor: Member, now = new Date()) {
  requireRole(actor, "admin");
  return db().memberInvite.findMany({ where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "desc" } });
}

/** Accepting creates the member with the invited role; a link works once. */
export async function acceptInvite(token: string, input: { name: string; password: string }, now = new Date()): Promise<Member> {
  passwordSchema.parse(input.password);
  const invite = await findInvite(token, now);
  if (!invite) throw new MemberError("This invitation link is invalid, used or expired; ask for a new one");
  const member = await createMember({ email: invite.email, password: input.password, name: input.name.trim() || nameFromEmail(invite.email), role: invite.role as Role }, async (tx) => {
    // An invitation speaks for whoever sent it: once they are removed or no longer an admin it is
    // void (removeMember and changeMemberRole withdraw theirs too; this also voids older ones).
    const inviter = await tx.member.findUnique({ where: { email: invite.invitedBy }, select: { role: true } });
    if (!inviter || !memberAllows({ role: inviter.role as MemberRole }, "admin")) throw new MemberError(INVITER_GONE);
    const claimed = await tx.memberInvite.updateMany({ where: { id: invite.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: now } });
    if (claimed.count === 0) throw new MemberError("This invitation link has already been used or was withdrawn");
  });
  await recordAudit({ actor: member.email, action: "member.joined", target: member.id, details: { role: member.role, invitedBy: invite.invitedBy } });
  return member;
}

const INVITER_GONE = "Whoever sent this invitation is no longer an admin here; ask an admin for a new one";

/**
 * What a member leaves behind that still speaks with their authority, withdrawn when they are removed
 * or lose a role: their pending invitations (only an admin invites), and the API keys they created
 * that outrank what they may still do (all of them on removal). Returns what was withdrawn.
 */
async function withdrawAuthority(tx: Tx, email: string, keepUpTo: Role | null, now: Date) {
  const invites = keepUpTo === "admin" ? { count: 0 } : await tx.memberInvite.updateMany({ where: { invitedBy: email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
  const outranking = ROLES.filter((r) => keepUpTo === null || !roleAllows(keepUpTo, r));
  const keys = await tx.apiKey.updateMany({ where: { createdBy: email, revokedAt: null, role: { in: outranking } }, data: { revokedAt: now } });
  return { invitationsWithdrawn: invites.count, apiKeysRevoked: keys.count };
}

export async function changeMemberRole(memberId: string, role: Role, actor: Member, now = new Date()): Promise<void> {
  requireRole(actor, "admin");
  const member = await db().member.findUnique({ where: { id: memberId } });
  if (!member) throw new MemberError("This member no longer exists");
  if (member.role === "owner") throw new MemberError("The owner's role cannot be changed");
  const withdrawn = await transaction(async (tx) => {
    await tx.member.update({ where: { id: memberId }, data: { role } });
    return withdrawAuthority(tx, member.email, role, now);
  });
  forgetVerifiedSessions();
  await recordAudit({ actor: actor.email, action: "member.role_changed", target: member.email, details: { from: member.role, to: role, ...nonZero(withdrawn) } });
}

export async function removeMember(memberId: string, actor: Member, now = new Date()): Promise<void> {
  requireRole(actor, "admin");
  const member = await db().member.findUnique({ where: { id: memberId } });
  if (!member) throw new MemberError("This member no longer exists");
  if (member.role === "owner") throw new MemberError("The owner cannot be removed");
  const withdrawn = await transaction(async (tx) => {
    await tx.member.delete({ where: { id: memberId } });
    return withdrawAuthority(tx, member.email, null, now);
  });
  forgetVerifiedSessions();
  await recordAudit({ actor: actor.email, action: "member.removed", target: member.email, details: nonZero(withdrawn) });
}

function nonZero(counts: Record<string, number>): Record<string, number> | undefined {
  const some = Object.entries(counts).filter(([, n]) => n > 0);
  return some.length ? Object.fromEntries(some) : undefined;
}

/** The signed-in member of a request (by its session cookie), or null. */
export async function memberFromHeaders(headers: Headers): Promise<Member | null> {
  const cookie = headers.get("cookie");
  const remembered = cookie ? rememberedMember(cookie) : null;
  if (remembered) return remembered;
  const startedAt = verificationStart();
  const session = await auth().api.getSession({ headers }).catch(() => null);
  if (!session) return null;
  const user = session.user as { id: string; email: string; name: string; role?: string };
  const member: Member = { id: user.id, email: user.email, name: user.name, role: (user.role ?? "viewer") as MemberRole };
  if (cookie) rememberMember(cookie, member, new Date(session.session.expiresAt), startedAt);
  return member;
}
