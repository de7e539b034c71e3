// Sign-in for the app's members: better-auth with its Prisma adapter, email and password, on the
// Member* tables (the `User` table is the audience). Its secret is derived from the secrets key.
import { createHmac } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db } from "../db";
import { env } from "../env";
import { secretKey } from "../crypto/secret-box";
import { SESSION_COOKIE_PREFIX } from "./gate";
import { forgetVerifiedSessions } from "./verified-sessions";

/** The origins this request may come from: the address it was sent to (Host header and URL). */
function requestOrigins(request: Request): string[] {
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const proto = request.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return [url.origin, ...(host ? [`${proto}://${host}`] : [])];
}

function createAuth() {
  return betterAuth({
    appName: "Hookline",
    secret: createHmac("sha256", secretKey()).update("hookline/better-auth").digest("base64url"),
    database: prismaAdapter(db(), { provider: env().database.provider === "postgresql" ? "postgresql" : "sqlite" }),
    basePath: "/api/auth",
    // The app is reached at whatever host and port it is served on; a request's own origin is trusted.
    trustedOrigins: (request?: Request) => (request ? requestOrigins(request) : []),
    // No public sign-up: the owner is created on first run, everyone else by invitation (lib/auth/members.ts).
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10, maxPasswordLength: 128 },
    user: { modelName: "member", additionalFields: { role: { type: "string", required: false, defaultValue: "viewer", input: false } } },
    session: { modelName: "memberSession", expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    account: { modelName: "memberAccount" },
    verification: { modelName: "memberVerification" },
    // Sign-out and session revocation take effect at once (members.ts remembers verified sessions briefly).
    databaseHooks: {
      session: { delete: { after: async () => forgetVerifiedSessions() } },
      user: { update: { after: async () => forgetVerifiedSessions() }, delete: { after: async () => forgetVerifiedSessions() } },
    },
    // Per client address; sign-in attempts are held to 20 a minute.
    rateLimit: { enabled: env().NODE_ENV === "production", window: 60, max: 300, customRules: { "/sign-in/email": { window: 60, max: 20 } } },
    advanced: { cookiePrefix: SESSION_COOKIE_PREFIX, defaultCookieAttributes: { httpOnly: true, sameSite: "lax" } },
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
