// Headers that get the bench through the app's access control: the API key for /api/v1, and, for
// internal routes behind a signed-in session, the bootstrap owner's session cookie.
import { BENCH_API_KEY } from "./app-process";

export const BENCH_OWNER_EMAIL = "bench@example.com";
export const BENCH_OWNER_PASSWORD = "bench-password-" + BENCH_API_KEY.slice(-8);

export const apiHeaders = { authorization: `Bearer ${BENCH_API_KEY}`, "content-type": "application/json" };

/** signs the bootstrap owner in (better-auth's email endpoint) and gives a Cookie header, or null */
export async function ownerCookie(base: string): Promise<string | null> {
  try {
    const res = await fetch(`${base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: BENCH_OWNER_EMAIL, password: BENCH_OWNER_PASSWORD }),
      redirect: "manual",
    });
    const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
    return cookies.length ? cookies.join("; ") : null;
  } catch {
    return null;
  }
}
