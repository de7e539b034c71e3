// Sign-in for the app's members: better-auth with its Prisma adapter, email and password, on the
// Member* tables (the `User` table is the audience). Its secret is derived from the secrets key.
import { createHmac } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { db } from "../db";
import { prismaProvider } from "../db/dialect";
import { env } from "../env";
import { secretKey } from "../crypto/secret-box";
import { CLIENT_IP_HEADER, fromTrustedProxy } from "./client-address";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-rule";
import { SESSION_COOKIE_PREFIX } from "./gate";
import { authRateLimitStorage } from "./auth-rate-limit";
import { afterSignIn, beforeSignIn } from "./sign-in-guard";
import { afterSignOut, beforeSignOut } from "./browser-device";
import { forgetVerifiedSessions } from "./verified-sessions";
import { checkMemberName } from "./member-name";
import { afterAccountWrite, beforeAccountWrite } from "./member-sessions";

/** The origins this request may come from: the address it was sent to (Host header and URL; the
 * X-Forwarded-Host/-Proto a trusted proxy says it was sent to). */
function requestOrigins(request: Request): string[] {
  const url = new URL(request.url);
  const forwarded = fromTrustedProxy(request.headers);
  const host = (forwarded && request.headers.get("x-forwarded-host")) || request.headers.get("host");
  const proto = (forwarded && request.headers.get("x-forwarded-proto")) || url.protocol.replace(":", "");
  return [url.origin, ...(host ? [`${proto}://${host}`] : [])];
}

/** better-auth's endpoints that write a member's name (sign-up is disabled, but would). Members made by
 * owner set-up or an invitation get theirs checked in members.ts createMember, by the same rule. */
const NAME_PATHS: ReadonlySet<string> = new Set(["/update-user", "/sign-up/email"]);

/** A name given to one of them is held to member-name.ts: a 400 naming it, or the name trimmed. */
function beforeNameChange(ctx: { path?: string; body?: unknown }) {
  if (!ctx.path || !NAME_PATHS.has(ctx.path) || !ctx.body || typeof ctx.body !== "object") return;
  const name = (ctx.body as { name?: unknown }).name;
  if (name === undefined) return;
  if (typeof name !== "string") throw new APIError("BAD_REQUEST", { message: "name: A name is text" });
  const checked = checkMemberName(name);
  if (!checked.ok) throw new APIError("BAD_REQUEST", { message: `name: ${checked.message}` });
  return { context: { body: { ...ctx.body, name: checked.name } } };
}

function createAuth() {
  return betterAuth({
    appName: "Hookline",
    secret: createHmac("sha256", secretKey()).update("hookline/better-auth").digest("base64url"),
    database: prismaAdapter(db(), { provider: prismaProvider() }),
    basePath: "/api/auth",
    // The app is reached at whatever host and port it is served on; a request's own origin is trusted.
    trustedOrigins: (request?: Request) => (request ? requestOrigins(request) : []),
    // No public sign-up: the owner is created on first run, everyone else by invitation (lib/auth/members.ts).
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: PASSWORD_MIN_LENGTH, maxPasswordLength: PASSWORD_MAX_LENGTH },
    user: { modelName: "member", additionalFields: { role: { type: "string", required: false, defaultValue: "viewer", input: false } } },
    session: { modelName: "memberSession", expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    account: { modelName: "memberAccount" },
    verification: { modelName: "memberVerification" },
    // Sign-out and session revocation take effect at once (members.ts remembers verified sessions briefly).
    // A password written to an account, by any endpoint or server call, ends the member's sessions from
    // before it but the one that wrote it (member-sessions.ts).
    databaseHooks: {
      session: { delete: { after: async () => forgetVerifiedSessions() } },
      user: { update: { after: async () => forgetVerifiedSessions() }, delete: { after: async () => forgetVerifiedSessions() } },
      account: {
        create: { before: async (data, ctx) => beforeAccountWrite(data, ctx), after: async () => afterAccountWrite() },
        update: { before: async (data, ctx) => beforeAccountWrite(data, ctx), after: async () => afterAccountWrite() },
      },
    },
    // Wrong passwords are throttled per account and per client address, in the database, and audited
    // (sign-in-guard.ts); these hooks run for the HTTP route and for direct auth.api calls alike.
    // A sign-out expires the member's device cookie in that browser (browser-device.ts).
    // And a name is bounded on every endpoint that sets one (beforeNameChange).
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        await beforeSignIn(ctx);
        await beforeSignOut(ctx);
        return beforeNameChange(ctx);
      }),
      after: createAuthMiddleware(async (ctx) => {
        await afterSignIn(ctx);
        afterSignOut(ctx);
      }),
    },
    // better-auth's own per-address limiter on top, keyed on the address client-address.ts resolved,
    // never on a header the client wrote; counted where every limit is (in Redis with the scale-out).
    rateLimit: { enabled: env().NODE_ENV === "production", window: 60, max: 300, customStorage: authRateLimitStorage },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // X-Forwarded-Host/-Proto only behind a proxy; the auth route drops them from other peers too.
      trustedProxyHeaders: env().HOOKLINE_TRUSTED_PROXIES.length > 0,
      // better-auth skips its Origin check under test runners; tests must see what production does.
      disableOriginCheck: false,
    },
    telemetry: { enabled: false },
    logger: { level: "error" },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
const holder = globalThis as unknown as { __hooklineAuth?: Auth };

export function auth(): Auth {
  return (holder.__hooklineAuth ??= createAuth());
}
