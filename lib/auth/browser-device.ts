// A member's device cookie (device-cookie.ts) in better-auth's hooks: read from an attempt, given on
// each success with a new nonce, expired on sign-out. Named and set as better-auth's own cookies are
// (its prefix, __Secure- over https, httpOnly, SameSite=Lax, path /).
//
// A new nonce on every success, with an empty bucket: only someone who just gave the right password
// gets one, so it hands a guesser nothing; the old nonce keeps its failures (a copy of the old cookie
// elsewhere is still throttled by them). A copy taken from a shared browser stays valid until the
// password changes (the MAC names the stored hash: any path that changes it, one indexed read to check)
// or a year after it was issued; sign-out takes the cookie out of the browser it was set in.
import { parseCookies } from "better-auth/cookies";
import { db } from "../db";
import { DEVICE_COOKIE_MAX_AGE_S, deviceCookieName, deviceCookieNonce, deviceCookieValue } from "./device-cookie";
import { auth } from "./better-auth";

/** What these hooks use of better-auth's endpoint context (its cookie helpers are there in better-auth's hooks). */
export type DeviceHookContext = {
  path?: string;
  headers?: Headers;
  setCookie?(name: string, value: string, attributes?: object): unknown;
  context: object & { createAuthCookie?(name: string, attributes?: object): { name: string; attributes: object } };
};

/** The device cookie of an attempt: its nonce when valid; the member's password hash when it was read (undefined: not read). */
export type AttemptDevice = { nonce: string | null; passwordHash?: string | null };

function deviceCookie(ctx: DeviceHookContext, email: string): { name: string; attributes: object } | null {
  return ctx.context.createAuthCookie?.(deviceCookieName(email), { maxAge: DEVICE_COOKIE_MAX_AGE_S }) ?? null;
}

/** The member's password as stored (its hash): one read by the unique email; null for no such member. */
async function passwordHashOf(email: string): Promise<string | null> {
  const account = await db().memberAccount.findFirst({ where: { providerId: "credential", member: { email } }, select: { password: true } });
  return account?.password ?? null;
}

/** The attempt's device cookie for this email, checked against the member's current password; no read without one. */
export async function attemptDevice(ctx: DeviceHookContext, email: string, now = new Date()): Promise<AttemptDevice> {
  const cookie = email ? deviceCookie(ctx, email) : null;
  const value = cookie ? parseCookies(ctx.headers?.get("cookie") ?? "").get(cookie.name) : undefined;
  if (!value) return { nonce: null };
  const passwordHash = await passwordHashOf(email);
  return { nonce: passwordHash ? deviceCookieNonce({ email, passwordHash }, value, now) : null, passwordHash };
}

/**
 * After a right password: the browser gets a new device cookie for the member's password as it now is
 * (the hash the attempt read, unless the attempt changed it).
 */
export async function giveDevice(ctx: DeviceHookContext, email: string, read: AttemptDevice, now = new Date()): Promise<void> {
  const cookie = deviceCookie(ctx, email);
  if (!cookie || !ctx.setCookie) return;
  const passwordHash = read.passwordHash !== undefined && ctx.path !== "/change-password" ? read.passwordHash : await passwordHashOf(email);
  if (passwordHash) ctx.setCookie(cookie.name, deviceCookieValue({ email, passwordHash }, now), cookie.attributes);
}

// The member signing out, from the before hook (the session is gone by the after hook) to the after hook.
const signingOut = new WeakMap<object, string>();

/** Before /sign-out: whose session ends (none without a session: nothing to expire). */
export async function beforeSignOut(ctx: DeviceHookContext): Promise<void> {
  if (ctx.path !== "/sign-out" || !ctx.headers) return;
  const session = await auth().api.getSession({ headers: ctx.headers }).catch(() => null);
  if (session) signingOut.set(ctx.context, session.user.email.toLowerCase());
}

/** After /sign-out: that member's device cookie is expired in this browser (same name and attributes, Max-Age=0). */
export function afterSignOut(ctx: DeviceHookContext): void {
  const email = signingOut.get(ctx.context);
  if (!email) return;
  signingOut.delete(ctx.context);
  const cookie = deviceCookie(ctx, email);
  if (cookie) ctx.setCookie?.(cookie.name, "", { ...cookie.attributes, maxAge: 0 });
}
