// An attacker's review: ten wrong passwords for a member, from anywhere, refused the member's right
// password for 15 minutes, again and again. A browser the member signed in from before holds a device
// cookie (device-cookie.ts), and its attempts are counted by that cookie, not by the account; through
// both doors (POST /api/auth/sign-in/email and the server actions' signInWithPassword), real better-auth,
// real database.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/auth/[...all]/route";
import { db } from "../db";
import { auth } from "./better-auth";
import { PEER_HEADER } from "./client-address";
import { deviceCookieName, deviceCookieNonce, deviceCookieValue, DEVICE_COOKIE_MAX_AGE_S } from "./device-cookie";
import { acceptInvite, createOwner, inviteMember } from "./members";
import { signInWithPassword } from "./sign-in";
import { SIGN_IN_LIMITS } from "./sign-in-throttle";

const ORIGIN = "http://localhost:3000";
const OWNER = { email: "owner@example.com", password: "owner-password-1" };
const VIEWER = { email: "viewer@example.com", password: "viewer-password-1" };
const LOCKED_OUT = /^Too many attempts, try again in \d+ s$/;

function signIn(body: { email: string; password: string }, peer: string, cookie?: string) {
  return POST(
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, [PEER_HEADER]: peer, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    }),
  );
}

/** The device cookie a response set (`name=value`), and its attributes. */
function deviceCookieOf(res: Response): { pair: string; attributes: string } {
  const header = res.headers.getSetCookie().find((c) => /^hookline\.device_/.test(c));
  expect(header, "a device cookie").toBeDefined();
  const [pair = "", ...attributes] = header!.split(";").map((part) => part.trim());
  return { pair, attributes: attributes.join("; ") };
}

async function signedInBrowser(member: { email: string; password: string }, peer: string): Promise<string> {
  const res = await signIn(member, peer);
  expect(res.status).toBe(200);
  return deviceCookieOf(res).pair;
}

/** A stranger's ten wrong passwords for the member, from one address, no cookie. */
async function strangerGuesses(email: string, peer: string) {
  for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) expect((await signIn({ email, password: `wrong guess ${i}` }, peer)).status).toBe(401);
}

beforeAll(async () => {
  const owner = await createOwner(OWNER);
  const { token } = await inviteMember({ email: VIEWER.email, role: "viewer" }, { id: owner.id, email: owner.email, name: owner.name, role: "owner" });
  await acceptInvite(token, { name: "Vi", password: VIEWER.password });
});

afterEach(async () => {
  await db().signInThrottle.deleteMany();
});

describe("a device cookie", () => {
  const owner = { email: "owner@example.com", passwordHash: "salt-1:hash-1" };
  const now = new Date("2026-12-06T12:00:00Z");

  it("is valid for the email and password it was made for, with its own nonce, and nothing else", () => {
    const value = deviceCookieValue({ ...owner, email: "Owner@Example.com" }, now);
    const nonce = deviceCookieNonce(owner, value, now);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(deviceCookieValue(owner, now, nonce!)).toBe(value);
    // each value made without a nonce has a new one
    expect(deviceCookieNonce(owner, deviceCookieValue(owner, now), now)).not.toBe(nonce);
    expect(deviceCookieNonce({ ...owner, email: "viewer@example.com" }, value, now)).toBeNull();
    // the password changed: its stored hash (new salt, even for the same password) is another
    expect(deviceCookieNonce({ ...owner, passwordHash: "salt-2:hash-1" }, value, now)).toBeNull();
    const [valueNonce, issued, valueMac] = value.split(".") as [string, string, string];
    expect(valueNonce).toBe(nonce);
    // tampered: another nonce, another issue time (a later one would outlive the year), another MAC
    expect(deviceCookieNonce(owner, `${"A".repeat(22)}.${issued}.${valueMac}`, now)).toBeNull();
    expect(deviceCookieNonce(owner, `${nonce}.${(parseInt(issued, 36) + 1).toString(36)}.${valueMac}`, now)).toBeNull();
    expect(deviceCookieNonce(owner, `${nonce}.${issued}.${"A".repeat(43)}`, now)).toBeNull();
    for (const bad of [null, undefined, "", "x", `${value}x`, value.replace(".", ""), `${nonce}.${valueMac}`]) expect(deviceCookieNonce(owner, bad, now)).toBeNull();
    expect(deviceCookieName("owner@example.com")).toBe(deviceCookieName("OWNER@example.com"));
    expect(deviceCookieName("owner@example.com")).not.toBe(deviceCookieName("viewer@example.com"));
  });

  it("is a device for a year after it was issued, whatever the browser keeps", () => {
    const value = deviceCookieValue(owner, now);
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    expect(deviceCookieNonce(owner, value, at(DEVICE_COOKIE_MAX_AGE_S - 1))).not.toBeNull();
    expect(deviceCookieNonce(owner, value, at(DEVICE_COOKIE_MAX_AGE_S))).toBeNull();
    // issued by a web process whose clock leads by a minute: believed; by a day: not
    expect(deviceCookieNonce(owner, value, at(-60))).not.toBeNull();
    expect(deviceCookieNonce(owner, value, at(-24 * 60 * 60))).toBeNull();
  });
});

// A review's attack: a cookie taken from a shared browser kept its own 10 guesses per 15 minutes for a
// year, whatever the member did. A cookie now names the member's current password (its stored hash) and
// its issue time; each success gives the browser a new nonce; sign-out takes it out of the browser.
describe("a device cookie the member can take back", () => {
  async function changePassword(member: { email: string; password: string }, newPassword: string, peer: string) {
    const res = await signIn(member, peer);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("hookline.session_token="))!.split(";")[0]!;
    const changed = await POST(
      new Request(`${ORIGIN}/api/auth/change-password`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, cookie: session, [PEER_HEADER]: peer },
        body: JSON.stringify({ currentPassword: member.password, newPassword }),
      }),
    );
    expect(changed.status).toBe(200);
    return changed;
  }

  it("a cookie from before a password change counts in the account's bucket (the stranger's 10 refuse it); the change's own cookie works", async () => {
    const member = { email: "changer@example.com", password: "changer-password-1" };
    const owner = await db().member.findUniqueOrThrow({ where: { email: OWNER.email } });
    const { token } = await inviteMember({ email: member.email, role: "editor" }, { id: owner.id, email: owner.email, name: owner.name, role: "owner" });
    await acceptInvite(token, { name: "Ch", password: member.password });
    const stolen = await signedInBrowser(member, "192.0.2.50");
    const changed = await changePassword(member, "changer-password-2", "192.0.2.51");
    const fresh = deviceCookieOf(changed).pair;
    const renewed = { ...member, password: "changer-password-2" };
    await strangerGuesses(member.email, "198.51.100.69");
    // the old cookie is no device any more: refused with the account, right password or not
    const refused = await signIn(renewed, "192.0.2.52", stolen);
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toMatch(LOCKED_OUT);
    // and its wrong guesses were the account's: with the account full they are refused, not counted apart
    expect((await signIn({ email: member.email, password: "a guess" }, "192.0.2.53", stolen)).status).toBe(429);
    // the cookie the change gave the member's own browser is a device of the new password
    expect((await signIn(renewed, "192.0.2.54", fresh)).status).toBe(200);
  });

  it("a cookie taken before the stranger's guesses, then the password changed: its guesses fill the account, not a bucket of its own", async () => {
    const member = { email: "changer2@example.com", password: "changer-password-3" };
    const owner = await db().member.findUniqueOrThrow({ where: { email: OWNER.email } });
    const { token } = await inviteMember({ email: member.email, role: "editor" }, { id: owner.id, email: owner.email, name: owner.name, role: "owner" });
    await acceptInvite(token, { name: "Ch", password: member.password });
    const stolen = await signedInBrowser(member, "192.0.2.55");
    await changePassword(member, "changer-password-4", "192.0.2.56");
    for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) expect((await signIn({ email: member.email, password: `stolen guess ${i}` }, `198.51.100.${i + 100}`, stolen)).status).toBe(401);
    // the eleventh guess with it, and the right password from a browser with no cookie, are refused alike
    expect((await signIn({ email: member.email, password: "stolen guess 10" }, "198.51.100.120", stolen)).status).toBe(429);
    expect((await signIn({ ...member, password: "changer-password-4" }, "192.0.2.57")).status).toBe(429);
  });

  it("each successful sign-in gives the browser a new nonce, and the old cookie's failures stay with the old nonce", async () => {
    const first = await signedInBrowser(VIEWER, "192.0.2.60");
    for (let i = 0; i < SIGN_IN_LIMITS.device.max; i++) expect((await signIn({ email: VIEWER.email, password: `guess ${i}` }, `198.51.100.${i + 130}`, first)).status).toBe(401);
    expect((await signIn(VIEWER, "192.0.2.61", first)).status).toBe(429);
    const second = deviceCookieOf(await signIn(VIEWER, "192.0.2.62")).pair;
    const third = deviceCookieOf(await signIn(VIEWER, "192.0.2.63", second)).pair;
    const nonces = [first, second, third].map((pair) => decodeURIComponent(pair.split("=")[1]!).split(".")[0]);
    expect(new Set(nonces).size).toBe(3);
    // the new cookie has its own empty bucket; the old one is still held by its own failures
    expect((await signIn(VIEWER, "192.0.2.64", third)).status).toBe(200);
    expect((await signIn(VIEWER, "192.0.2.65", first)).status).toBe(429);
  });

  it("sign-out over HTTP expires the member's device cookie (same name and attributes, Max-Age=0), and no other member's", async () => {
    const signedIn = await signIn(OWNER, "192.0.2.70");
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith("hookline.session_token="))!.split(";")[0]!;
    const device = deviceCookieOf(signedIn).pair;
    const viewerDevice = await signedInBrowser(VIEWER, "192.0.2.71");
    const out = await POST(
      new Request(`${ORIGIN}/api/auth/sign-out`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, cookie: [session, device, viewerDevice].join("; "), [PEER_HEADER]: "192.0.2.70" },
        body: "{}",
      }),
    );
    expect(out.status).toBe(200);
    const { pair, attributes } = deviceCookieOf(out);
    expect(pair).toBe(`hookline.${deviceCookieName(OWNER.email)}=`);
    expect(attributes).toMatch(/Max-Age=0/);
    expect(attributes).toMatch(/HttpOnly/);
    expect(attributes).toMatch(/SameSite=Lax/i);
    expect(attributes).toMatch(/Path=\//);
    expect(out.headers.getSetCookie().some((c) => c.startsWith(`hookline.${deviceCookieName(VIEWER.email)}=`))).toBe(false);
    // signing out without a session clears nothing (whose would it be?)
    const anonymous = await POST(new Request(`${ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, cookie: device }, body: "{}" }));
    expect(anonymous.headers.getSetCookie().some((c) => c.includes(".device_"))).toBe(false);
  });

  it("the server action's sign-out (auth.api.signOut) hands nextCookies the expired device cookie", async () => {
    const { headers } = await auth().api.signInEmail({ body: VIEWER, headers: new Headers({ [PEER_HEADER]: "192.0.2.72" }), returnHeaders: true });
    const cookie = headers.getSetCookie().map((c) => c.split(";")[0]!).join("; ");
    const out = await auth().api.signOut({ headers: new Headers({ cookie, [PEER_HEADER]: "192.0.2.72" }), returnHeaders: true });
    const expired = out.headers.getSetCookie().find((c) => c.startsWith(`hookline.${deviceCookieName(VIEWER.email)}=`));
    expect(expired).toMatch(/Max-Age=0/);
  });
});

describe("a stranger's wrong passwords and a member's own browser", () => {
  it("a successful sign-in sets a long-lived httpOnly, SameSite=Lax device cookie naming the member", async () => {
    const res = await signIn(OWNER, "203.0.113.10");
    const { pair, attributes } = deviceCookieOf(res);
    expect(pair.split("=")[0]).toBe(`hookline.${deviceCookieName(OWNER.email)}`);
    const { password: passwordHash } = await db().memberAccount.findFirstOrThrow({ where: { member: { email: OWNER.email } } });
    expect(deviceCookieNonce({ email: OWNER.email, passwordHash: passwordHash! }, decodeURIComponent(pair.split("=")[1]!))).not.toBeNull();
    expect(attributes).toMatch(new RegExp(`Max-Age=${DEVICE_COOKIE_MAX_AGE_S}`));
    expect(attributes).toMatch(/HttpOnly/);
    expect(attributes).toMatch(/SameSite=Lax/i);
    expect(attributes).toMatch(/Path=\//);
    // a wrong password sets none
    expect((await signIn({ email: OWNER.email, password: "wrong password" }, "203.0.113.10")).headers.getSetCookie().some((c) => c.includes(".device_"))).toBe(false);
  });

  it("a right password on /verify-password gives the browser the member's device cookie too; a wrong one does not", async () => {
    const signedIn = await signIn(VIEWER, "203.0.113.11");
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith("hookline.session_token="))!.split(";")[0]!;
    const verify = (password: string) =>
      POST(new Request(`${ORIGIN}/api/auth/verify-password`, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, cookie: session, [PEER_HEADER]: "203.0.113.11" }, body: JSON.stringify({ password }) }));
    expect(deviceCookieOf(await verify(VIEWER.password)).pair).toMatch(new RegExp(`^hookline\\.${deviceCookieName(VIEWER.email)}=`));
    const wrong = await verify("wrong password 1");
    expect(wrong.status).toBe(400);
    expect(wrong.headers.getSetCookie().some((c) => c.includes(".device_"))).toBe(false);
  });

  it("ten failures from a stranger refuse the right password from a new browser (as before), not from one the member signed in from", async () => {
    const cookie = await signedInBrowser(OWNER, "192.0.2.10");
    await strangerGuesses(OWNER.email, "198.51.100.66");
    // without a device cookie: the account's count, and the message says nothing more than before
    const refused = await signIn(OWNER, "192.0.2.11");
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toMatch(LOCKED_OUT);
    expect(await signInWithPassword(OWNER, new Headers({ [PEER_HEADER]: "192.0.2.11" }))).toMatchObject({ ok: false, message: expect.stringMatching(LOCKED_OUT) });
    // with it, over HTTP and through the server action alike
    expect((await signIn(OWNER, "192.0.2.12", cookie)).status).toBe(200);
    expect(await signInWithPassword(OWNER, new Headers({ [PEER_HEADER]: "192.0.2.13", cookie }))).toEqual({ ok: true });
    // still locked without it
    expect((await signIn(OWNER, "192.0.2.14")).status).toBe(429);
  });

  it("a forged cookie, a tampered one or another member's gives no way past the account's count", async () => {
    const ownerCookie = await signedInBrowser(OWNER, "192.0.2.20");
    const viewerCookie = await signedInBrowser(VIEWER, "192.0.2.21");
    await strangerGuesses(OWNER.email, "198.51.100.67");
    const ownerName = ownerCookie.split("=")[0]!;
    const [ownerNonce, ownerIssued, ownerMac] = decodeURIComponent(ownerCookie.split("=")[1]!).split(".") as [string, string, string];
    const viewerValue = decodeURIComponent(viewerCookie.split("=")[1]!);
    const tries = [
      viewerCookie, // the viewer's cookie under its own name
      `${ownerName}=${viewerValue}`, // the viewer's value under the owner's name
      `${ownerName}=${"B".repeat(22)}.${ownerIssued}.${ownerMac}`, // another nonce with the owner's MAC
      `${ownerName}=${ownerNonce}.${(parseInt(ownerIssued, 36) - 1).toString(36)}.${ownerMac}`, // another issue time
      `${ownerName}=${ownerNonce}.${ownerIssued}.${"A".repeat(43)}`, // the owner's nonce, a made-up MAC
      `${ownerName}=${ownerNonce}.${ownerMac}`, // the old two-part shape
      `${ownerName}=${ownerNonce}`,
      `${ownerName}=`,
    ];
    for (const cookie of tries) {
      const res = await signIn(OWNER, "192.0.2.22", cookie);
      expect(res.status, cookie).toBe(429);
      expect((await res.json()).message).toMatch(LOCKED_OUT);
    }
    // the viewer's own browser is not the owner's, but is the viewer's
    expect((await signIn(VIEWER, "192.0.2.22", viewerCookie)).status).toBe(200);
    expect((await signIn(OWNER, "192.0.2.22", ownerCookie)).status).toBe(200);
  });

  it("ten failures carrying a valid device cookie throttle that cookie, and leave the account's count to others", async () => {
    const cookie = await signedInBrowser(OWNER, "192.0.2.30");
    for (let i = 0; i < SIGN_IN_LIMITS.device.max; i++) expect((await signIn({ email: OWNER.email, password: `stolen cookie guess ${i}` }, `198.51.100.${i + 1}`, cookie)).status).toBe(401);
    const refused = await signIn(OWNER, "198.51.100.50", cookie);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const throttled = await db().auditLog.findMany({ where: { action: "member.sign_in_throttled", actor: OWNER.email } });
    expect(throttled.map((e) => (e.details as { limit?: string }).limit)).toContain("device");
    // the account's own count was not used: a browser without the cookie signs in
    expect((await signIn(OWNER, "192.0.2.31")).status).toBe(200);
    // the failures are audited as any failed sign-in
    expect(await db().auditLog.count({ where: { action: "member.sign_in_failed", actor: OWNER.email, target: { startsWith: "198.51.100." } } })).toBeGreaterThanOrEqual(SIGN_IN_LIMITS.device.max);
  });

  it("the server action's sign-in (auth.api) returns the device cookie among the headers nextCookies hands to Next's cookies()", async () => {
    // nextCookies is an after hook of a plugin: it runs after ours and copies the Set-Cookie headers
    // gathered so far, which are the ones auth.api returns (Next's cookies() cannot run under vitest;
    // the browser specs sign in through the form)
    const { headers } = await auth().api.signInEmail({ body: OWNER, headers: new Headers({ [PEER_HEADER]: "192.0.2.40" }), returnHeaders: true });
    const setCookies = headers.getSetCookie();
    expect(setCookies.some((c) => c.startsWith("hookline.session_token="))).toBe(true);
    const device = setCookies.find((c) => c.startsWith(`hookline.${deviceCookieName(OWNER.email)}=`));
    expect(device).toMatch(/HttpOnly/);
    await strangerGuesses(OWNER.email, "198.51.100.68");
    const cookie = device!.split(";")[0]!;
    expect(await signInWithPassword(OWNER, new Headers({ [PEER_HEADER]: "192.0.2.41", cookie }))).toEqual({ ok: true });
    expect(await signInWithPassword(OWNER, new Headers({ [PEER_HEADER]: "192.0.2.41" }))).toMatchObject({ ok: false, message: expect.stringMatching(LOCKED_OUT) });
  });
});
