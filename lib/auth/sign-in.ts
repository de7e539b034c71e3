// Signing in with email and password from the app's own forms (server actions). It goes through
// better-auth's sign-in endpoint, so the throttle and the audit of sign-in-guard.ts apply; the
// request's headers are cleaned the way the HTTP route cleans them.
import { auth } from "./better-auth";
import { authRequestHeaders } from "./client-address";
import { TOO_MANY_ATTEMPTS } from "./sign-in-guard";

export type SignInResult = { ok: true } | { ok: false; message: string; retryAfterSeconds?: number };

export const WRONG_CREDENTIALS = "That email and password do not match an account.";

/** Signs in; the session cookie is set through better-auth's nextCookies plugin in a server action. */
export async function signInWithPassword(input: { email: string; password: string }, requestHeaders: Headers): Promise<SignInResult> {
  try {
    await auth().api.signInEmail({ body: { email: input.email.trim().toLowerCase(), password: input.password }, headers: authRequestHeaders(requestHeaders) });
    return { ok: true };
  } catch (err) {
    const e = err as { body?: { code?: string; message?: string }; headers?: Record<string, string> };
    if (e?.body?.code === TOO_MANY_ATTEMPTS) {
      const retryAfterSeconds = Number(new Headers(e.headers).get("retry-after")) || undefined;
      return { ok: false, message: e.body.message ?? "Too many attempts, try again later", retryAfterSeconds };
    }
    return { ok: false, message: WRONG_CREDENTIALS };
  }
}
