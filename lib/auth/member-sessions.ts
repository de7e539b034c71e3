// A member's password written, by whatever path, ends every session of theirs from before it: a session
// cookie stolen before the change must not outlive it. The one session that wrote it stays signed in
// when it is the member's own (changing your password does not sign you out); a password written from
// no session of theirs (an admin's reset, a reset link) ends them all. Sessions made after the write (the
// new one better-auth makes for `revokeOtherSessions: true`, a sign-in with the new password) stay.
//
// The rule sits in better-auth's database hooks on the account table (better-auth.ts), which every
// password write of better-auth goes through: /change-password, setPassword, a reset, updatePassword and
// updateAccount from server code, an admin plugin's setUserPassword. The app itself writes a password
// only when it creates a member (members.ts createMember), who has no session yet; a change of an
// existing member's password must go through better-auth (`internalAdapter.updatePassword`) to be seen.
//
// The hook before the write sees the new hash but not whose account it is (better-auth's updatePassword
// writes by a where clause and hands the hook after it a count): the hash, salted and so unique, is what
// ties the two together. The hook before notes it, the hook after (once the write committed) finds the
// member whose stored password it is.
import { db } from "../db";
import { forgetVerifiedSessions } from "./verified-sessions";

/** What a hook gets of better-auth's endpoint context: the signed-in session making the write, if any. */
export type PasswordWriteContext = { context?: { session?: { session: { id: string }; user: { id: string } } | null } } | null;

type PasswordWrite = { at: Date; keep: { sessionId: string; memberId: string } | null };

// Hashes noted but not yet found stored, by hash. A write that failed leaves its hash here, never found:
// it is dropped after PENDING_MS.
const pending = new Map<string, PasswordWrite>();
const PENDING_MS = 10 * 60_000;

/** Ends the member's sessions (those created before `before`, when given), except the session `keep`. */
export async function endMemberSessions(memberId: string, options: { before?: Date; keep?: string } = {}): Promise<number> {
  const { count } = await db().memberSession.deleteMany({
    where: { userId: memberId, ...(options.keep ? { id: { not: options.keep } } : {}), ...(options.before ? { createdAt: { lt: options.before } } : {}) },
  });
  // this process stops answering their cookies from memory at once (other processes within REMEMBER_MS)
  forgetVerifiedSessions();
  return count;
}

/** Before an account row is written: a password in it is noted, with the session writing it. */
export function beforeAccountWrite(data: { password?: unknown }, ctx: PasswordWriteContext, now = new Date()): void {
  if (typeof data.password !== "string" || !data.password) return;
  const session = ctx?.context?.session;
  pending.set(data.password, { at: now, keep: session ? { sessionId: session.session.id, memberId: session.user.id } : null });
}

/** After an account row was written (and committed): the members whose noted password is now stored lose their older sessions. */
export async function afterAccountWrite(now = new Date()): Promise<void> {
  for (const [hash, write] of pending) if (now.getTime() - write.at.getTime() > PENDING_MS) pending.delete(hash);
  if (pending.size === 0) return;
  const stored = await db().memberAccount.findMany({ where: { password: { in: [...pending.keys()] } }, select: { userId: true, password: true } });
  for (const { userId, password } of stored) {
    const write = password ? pending.get(password) : undefined;
    if (!write) continue; // another write's hook took it meanwhile
    pending.delete(password!);
    await endMemberSessions(userId, { before: write.at, keep: write.keep?.memberId === userId ? write.keep.sessionId : undefined });
  }
}
