// OWASP's device cookies ("Slow Down Online Guessing Attacks with Device Cookies"): a browser a member
// has signed in from holds a cookie naming that member, and its sign-in attempts are counted by that
// cookie instead of by the account, so a stranger's wrong passwords (which fill the account's count)
// cannot lock the member out of a browser they used before. The count itself is sign-in-throttle.ts's.
//
// The cookie is `<nonce>.<issued>.<mac>`: the MAC (HMAC-SHA256 with a key derived from the secrets key)
// covers the member's lowercased email, their stored password hash, the issue time and the nonce, so a
// cookie is valid for one member only, cannot be made without the key, and stops being a device when
// the password changes (the stored hash is new, salt and all, whichever path changed it) or a year after
// it was issued; neither the email nor the hash is in it. Its name carries a tag of the email (a MAC
// too), so a browser shared by several members keeps one cookie per member. Each success issues a new
// one (sign-in-guard.ts), and sign-out expires it in that browser.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { secretKey } from "../crypto/secret-box";

/** How long a cookie is a device after its issue (each success issues a new one). */
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

const NONCE_BYTES = 16;
// An issue time this far ahead of our clock is still believed (another web process's clock may lead).
const CLOCK_SKEW_S = 5 * 60;

/** Whose device a cookie is: the member's email and their password as stored (its hash). */
export type DeviceOwner = { email: string; passwordHash: string };

function mac(purpose: "name" | "value", text: string): Buffer {
  const key = createHmac("sha256", secretKey()).update("hookline/device-cookie").digest();
  return createHmac("sha256", key).update(`${purpose}\n${text}`).digest();
}

function valueMac(owner: DeviceOwner, issued: string, nonce: string): Buffer {
  return mac("value", `${owner.email.toLowerCase()}\n${owner.passwordHash}\n${issued}\n${nonce}`);
}

/** The cookie's name (before better-auth's prefix) for the member with this email. */
export function deviceCookieName(email: string): string {
  return `device_${mac("name", email.toLowerCase()).subarray(0, 8).toString("hex")}`;
}

/** A new cookie value naming this member and password: a fresh nonce, issued `now`. */
export function deviceCookieValue(owner: DeviceOwner, now = new Date(), nonce = randomBytes(NONCE_BYTES).toString("base64url")): string {
  const issued = Math.floor(now.getTime() / 1000).toString(36);
  return `${nonce}.${issued}.${valueMac(owner, issued, nonce).toString("base64url")}`;
}

/**
 * The nonce of a cookie value deviceCookieValue made for this member and this password, issued less
 * than a year before `now`; null for anything else (another member, an older password, tampered).
 */
export function deviceCookieNonce(owner: DeviceOwner, value: string | null | undefined, now = new Date()): string | null {
  const match = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!match) return null;
  const [, nonce, issued, given] = match as unknown as [string, string, string, string];
  const age = now.getTime() / 1000 - parseInt(issued, 36);
  if (age >= DEVICE_COOKIE_MAX_AGE_S || age < -CLOCK_SKEW_S) return null;
  const expected = valueMac(owner, issued, nonce);
  const actual = Buffer.from(given, "base64url");
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? nonce : null;
}
