// The one place a password is guessed against: better-auth's /sign-in/email endpoint. Its before and
// after hooks (wired in better-auth.ts) run for the HTTP route and for direct auth.api calls (server
// actions) alike, so no entry point can skip the throttle or the audit entry of a failed sign-in.
import { APIError } from "better-auth/api";
import { db } from "../db";
import { recordAudit } from "./audit";
import { clientAddress } from "./client-address";
import { releaseSignInAttempt, reserveSignInAttempt } from "./sign-in-throttle";

export const SIGN_IN_PATH = "/sign-in/email";
export const TOO_MANY_ATTEMPTS = "TOO_MANY_SIGN_IN_ATTEMPTS";

/** What the hooks see of better-auth's endpoint context. */
type HookContext = { path?: string; body?: unknown; headers?: Headers; context: object & { returned?: unknown } };

// The slots an attempt took, from its before hook to its after hook (the same context object).
const reservations = new WeakMap<object, string[]>();

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

export function signInRetryMessage(seconds: number) {
  return `Too many attempts, try again in ${seconds} s`;
}

/** Before the password is checked: take a slot, or answer 429 with Retry-After. */
export async function beforeSignIn(ctx: HookContext, now = new Date()): Promise<void> {
  if (ctx.path !== SIGN_IN_PATH) return;
  const email = triedEmail(ctx.body);
  const address = clientAddress(ctx.headers ?? new Headers());
  const reservation = await reserveSignInAttempt({ email, address }, now);
  if (!reservation.allowed) {
    if (reservation.justExceeded) {
      await recordAudit({ actor: await auditActor(email), action: "member.sign_in_throttled", target: address, details: { address, limit: reservation.bucket, retryAfterSeconds: reservation.retryAfterSeconds } });
    }
    throw new APIError("TOO_MANY_REQUESTS", { code: TOO_MANY_ATTEMPTS, message: signInRetryMessage(reservation.retryAfterSeconds) }, { "Retry-After": String(reservation.retryAfterSeconds) });
  }
  reservations.set(ctx.context, reservation.keys);
}

/** After: a success gives the slots back; a failure stays counted and goes to the audit log. */
export async function afterSignIn(ctx: HookContext): Promise<void> {
  if (ctx.path !== SIGN_IN_PATH) return;
  const keys = reservations.get(ctx.context) ?? [];
  reservations.delete(ctx.context);
  const returned = ctx.context.returned;
  if (!(returned instanceof Error)) {
    await releaseSignInAttempt(keys);
    return;
  }
  const email = triedEmail(ctx.body);
  const status = (returned as { statusCode?: number }).statusCode ?? 500;
  const address = clientAddress(ctx.headers ?? new Headers());
  // Actor: who was tried; target: where from (the audit log's "On" column).
  await recordAudit({ actor: await auditActor(email), action: "member.sign_in_failed", target: address, details: { address, status } });
}
