// OWASP's device cookies ("Slow Down Online Guessing Attacks with Device Cookies"): a browser a member
// has signed in from holds a cookie naming that member, and its sign-in attempts are counted by that
// cookie instead of by the account, so a stranger's wrong passwords (which fill the account's count)
// cannot lock the member out of a browser they used before. The count itself is sign-in-throttle.ts's.
//
// The cookie is `<nonce>.<mac>`: the MAC (HMAC-SHA256 with a key derived from the secrets key) covers
// the member's lowercased email and the nonce, so a cookie is valid for one member only and cannot be
// made without the key; the email is not in it. Its name carries a tag of the email (a MAC too), so a
// browser shared by several members keeps one cookie per member.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { secretKey } from "../crypto/secret-box";

/** How long a browser is remembered after a successful sign-in (each success renews it). */
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

const NONCE_BYTES = 16;

function mac(purpose: "name" | "value", text: string): Buffer {
  const key = createHmac("sha256", secretKey()).update("hookline/device-cookie").digest();
  return createHmac("sha256", key).update(`${purpose}\n${text}`).digest();
}

/** The cookie's name (before better-auth's prefix) for the member with this email. */
export function deviceCookieName(email: string): string {
  return `device_${mac("name", email.toLowerCase()).subarray(0, 8).toString("hex")}`;
}

/** A cookie value naming the member with this email: a new nonce, or the one a valid cookie already holds. */
export function deviceCookieValue(email: string, nonce = randomBytes(NONCE_BYTES).toString("base64url")): string {
  return `${nonce}.${mac("value", `${email.toLowerCase()}\n${nonce}`).toString("base64url")}`;
}

/** The nonce of a cookie value made for this email by deviceCookieValue; null for anything else. */
export function deviceCookieNonce(email: string, value: string | null | undefined): string | null {
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!match) return null;
  const [, nonce, given] = match as unknown as [string, string, string];
  const expected = mac("value", `${email.toLowerCase()}\n${nonce}`);
  const actual = Buffer.from(given, "base64url");
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? nonce : null;
}
