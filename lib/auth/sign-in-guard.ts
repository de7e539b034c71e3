// Every place a password is guessed against: better-auth's /sign-in/email endpoint, and the two that
// check a signed-in member's current password (/change-password, /verify-password: both answered over
// HTTP, so whoever holds a session cookie could otherwise guess the password behind it without limit
// and keep the account once the session ends). Their before and after hooks (wired in better-auth.ts)
// run for the HTTP route and for direct auth.api calls (server actions) alike, so no entry point can
// skip the throttle or the audit entry of a failed attempt; all of them count against one account,
// except the attempts of a browser the member has signed in from (its device cookie, a new one given on
// each success: browser-device.ts): those count against that cookie, so a stranger's guesses cannot
// lock the member out of it.
import { APIError } from "better-auth/api";
import { db } from "../db";
import { recordAudit } from "./audit";
import { clientAddress } from "./client-address";
import { attemptDevice, giveDevice, type AttemptDevice, type DeviceHookContext } from "./browser-device";
import { recordSignInFailure, releaseSignInAttempt, reserveSignInAttempt, type SignInSlot } from "./sign-in-throttle";
import { auth } from "./better-auth";

const SIGN_IN_PATH = "/sign-in/email";
/** Endpoints that check the signed-in member's current password, throttled as sign-in is. */
const PASSWORD_CHECK_PATHS: ReadonlySet<string> = new Set(["/change-password", "/verify-password"]);
export const TOO_MANY_ATTEMPTS = "TOO_MANY_SIGN_IN_ATTEMPTS";

/** What the hooks see of better-auth's endpoint context (its cookie helpers are there in better-auth's hooks). */
type HookContext = DeviceHookContext & { body?: unknown; context: { returned?: unknown } };

// The slots an attempt took, from its before hook to its after hook (the same context object).
const reservations = new WeakMap<object, { slots: SignInSlot[]; email: string; failed: string; device: AttemptDevice }>();

function triedEmail(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  // cut at 320 without halving a character (half of an emoji is text no query can carry)
  return typeof email === "string" ? email.trim().toLowerCase().slice(0, 320).replace(/[\ud800-\udbff]$/, "") : "";
}

/** A member's own email as it is; anything else masked (people type passwords into the email box). */
async function auditActor(email: string): Promise<string> {
  if (email && (await db().member.findUnique({ where: { email }, select: { id: true } }))) return email;
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}***${domain ? `@${domain}` : ""}`;
}

function signInRetryMessage(seconds: number) {
  return `Too many attempts, try again in ${seconds} s`;
}

/**
 * Whose password an attempt guesses: the typed email on sign-in, the session's member on a password
 * check (none without a session: the endpoint answers 401 itself); null for other endpoints.
 */
async function attemptedAccount(ctx: HookContext): Promise<{ email: string; failed: string } | null> {
  if (ctx.path === SIGN_IN_PATH) return { email: triedEmail(ctx.body), failed: "member.sign_in_failed" };
  if (!ctx.path || !PASSWORD_CHECK_PATHS.has(ctx.path)) return null;
  const session = ctx.headers ? await auth().api.getSession({ headers: ctx.headers }).catch(() => null) : null;
  return session ? { email: session.user.email.toLowerCase(), failed: "member.password_check_failed" } : null;
}

// Only a wrong password counts on a password check (a new password that is too short is not a guess).
const WRONG_PASSWORD_CODES = new Set(["INVALID_PASSWORD"]);

/** Before the password is checked: take a slot, or answer 429 with Retry-After. */
export async function beforeSignIn(ctx: HookContext, now = new Date()): Promise<void> {
  const account = await attemptedAccount(ctx);
  if (!account) return;
  const { email } = account;
  const address = clientAddress(ctx.headers ?? new Headers());
  const device = await attemptDevice(ctx, email, now);
  const reservation = await reserveSignInAttempt({ email, address, device: device.nonce }, now);
  if (!reservation.allowed) {
    if (reservation.justExceeded) {
      await recordAudit({ actor: await auditActor(email), action: "member.sign_in_throttled", target: address, details: { address, limit: reservation.bucket, retryAfterSeconds: reservation.retryAfterSeconds } });
    }
    throw new APIError("TOO_MANY_REQUESTS", { code: TOO_MANY_ATTEMPTS, message: signInRetryMessage(reservation.retryAfterSeconds) }, { "Retry-After": String(reservation.retryAfterSeconds) });
  }
  reservations.set(ctx.context, { slots: reservation.slots, email, failed: account.failed, device });
}

/**
 * After: a success gives the slots back and (its password right) gives the browser a new device cookie
 * of the member; a failure stays counted from `now` and goes to the audit log.
 */
export async function afterSignIn(ctx: HookContext, now = new Date()): Promise<void> {
  const reserved = reservations.get(ctx.context);
  if (!reserved) return;
  reservations.delete(ctx.context);
  const returned = ctx.context.returned;
  const code = (returned as { body?: { code?: unknown } } | undefined)?.body?.code;
  const guessed = returned instanceof Error && (reserved.failed === "member.sign_in_failed" || WRONG_PASSWORD_CODES.has(String(code)));
  if (!guessed) {
    await releaseSignInAttempt(reserved.slots);
    // the right password: this browser is the member's
    if (!(returned instanceof Error)) await giveDevice(ctx, reserved.email, reserved.device, now);
    if (!(returned instanceof Error) && ctx.path === "/change-password") await recordAudit({ actor: reserved.email, action: "member.password_changed", target: reserved.email });
    return;
  }
  await recordSignInFailure(reserved.slots, now);
  const status = (returned as { statusCode?: number }).statusCode ?? 500;
  const address = clientAddress(ctx.headers ?? new Headers());
  // Actor: who was tried; target: where from (the audit log's "On" column).
  await recordAudit({ actor: await auditActor(reserved.email), action: reserved.failed, target: address, details: { address, status, ...(ctx.path === SIGN_IN_PATH ? {} : { endpoint: ctx.path }) } });
}
