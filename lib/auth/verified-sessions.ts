// Sessions verified in the last few seconds. better-auth's getSession checks the cookie's signature
// and reads the session and the member (two queries, ~2 ms of CPU); the editor's live preview and a
// page's parallel fetches ask with the same cookie many times a second. A hit is a Cookie header
// that passed getSession itself moments ago (the whole header is the key, so nothing unverified
// gets in). This process forgets them all when it changes a member or deletes a session
// (sign-out), so those take effect at once; a change made by another process shows within REMEMBER_MS.
import type { Member } from "./members";

export const REMEMBER_MS = 5_000;
const LIMIT = 1_000;
// One per process, on globalThis: Next bundles route handlers and server actions separately, and a
// role changed by an action must be forgotten by every route. `generation` is bumped by every
// forget, so a getSession that started before a change does not remember what it read.
const holder = globalThis as unknown as { __hooklineVerifiedSessions?: { verified: Map<string, { member: Member; until: number }>; generation: number } };
const state = (holder.__hooklineVerifiedSessions ??= { verified: new Map(), generation: 0 });
const verified = state.verified;

/** Taken before getSession; rememberMember ignores a verification that a change overtook. */
export function verificationStart(): number {
  return state.generation;
}

/** The member whose session this Cookie header carried when it was verified, if that was under REMEMBER_MS ago. */
export function rememberedMember(cookie: string, now = Date.now()): Member | null {
  const hit = verified.get(cookie);
  if (!hit) return null;
  if (hit.until > now) return hit.member;
  verified.delete(cookie);
  return null;
}

/** After getSession verified the cookie: remembered for REMEMBER_MS, never past the session's expiry. */
export function rememberMember(cookie: string, member: Member, sessionExpiresAt: Date, startedAt: number, now = Date.now()) {
  if (startedAt !== state.generation) return;
  const until = Math.min(now + REMEMBER_MS, sessionExpiresAt.getTime());
  if (until <= now) return;
  verified.delete(cookie);
  verified.set(cookie, { member: Object.freeze({ ...member }), until });
  if (verified.size > LIMIT) verified.delete(verified.keys().next().value as string);
}

/** A member changed or a session ended: verify every session again. */
export function forgetVerifiedSessions() {
  state.generation++;
  verified.clear();
}
