// Both doors to a password check: the server actions' signInWithPassword and the HTTP route
// /api/auth/sign-in/email. Each is throttled by account and by address, answers with the wait, and
// leaves failed sign-ins in the audit log; the route believes X-Forwarded-For only from a trusted proxy.
import { APIError } from "better-auth/api";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST, GET } from "@/app/api/auth/[...all]/route";
import { db } from "../db";
import { resetEnv } from "../env";
import { PEER_HEADER } from "./client-address";
import { auth } from "./better-auth";
import { createOwner } from "./members";
import { signInWithPassword, WRONG_CREDENTIALS } from "./sign-in";
import { afterSignIn, beforeSignIn } from "./sign-in-guard";
import { reserveSignInAttempt, SIGN_IN_LIMITS } from "./sign-in-throttle";

const ORIGIN = "http://localhost:3000";
const PASSWORD = "owner-password-1";

function signInRequest(body: { email: string; password: string }, headers: Record<string, string>) {
  return new Request(`${ORIGIN}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  await createOwner({ email: "owner@example.com", password: PASSWORD });
});

afterEach(async () => {
  await db().signInThrottle.deleteMany();
  delete process.env.HOOKLINE_TRUSTED_PROXIES;
  resetEnv();
});

describe("signInWithPassword (the server actions' sign-in)", () => {
  it("stops guessing an account after the limit, even the right password, and audits each failure", async () => {
    const headers = new Headers({ [PEER_HEADER]: "203.0.113.20" });
    for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) {
      expect(await signInWithPassword({ email: "owner@example.com", password: `wrong guess ${i}` }, headers)).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    }
    const refused = await signInWithPassword({ email: "Owner@Example.com", password: PASSWORD }, headers);
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^Too many attempts, try again in \d+ s$/) });
    expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(0);
    const failed = await db().auditLog.findMany({ where: { action: "member.sign_in_failed" } });
    expect(failed).toHaveLength(SIGN_IN_LIMITS.account.max);
    expect(failed[0]).toMatchObject({ actor: "owner@example.com", details: { address: "203.0.113.20", status: 401 } });
    expect(JSON.stringify(failed)).not.toContain("wrong guess");
    expect(await db().auditLog.count({ where: { action: "member.sign_in_throttled" } })).toBe(1);
  });

  it("signs in with the right password, which does not count against the account", async () => {
    const headers = new Headers({ [PEER_HEADER]: "203.0.113.21" });
    for (let i = 1; i < SIGN_IN_LIMITS.account.max; i++) await reserveSignInAttempt({ email: "owner@example.com", address: `192.0.2.${i}` });
    // One slot left: it is taken and given back each time.
    for (let i = 0; i < 3; i++) expect(await signInWithPassword({ email: "owner@example.com", password: PASSWORD }, headers)).toEqual({ ok: true });
    // Unknown emails are masked in the audit log: people type passwords into the email box.
    await signInWithPassword({ email: "hunter2-secret", password: "x" }, headers);
    const entry = await db().auditLog.findFirstOrThrow({ where: { action: "member.sign_in_failed" }, orderBy: { createdAt: "desc" } });
    expect(entry.actor).toBe("h***");
  });
});

describe("POST /api/auth/sign-in/email", () => {
  // Fills an address's window up to one attempt short of its limit (what earlier guesses would do).
  async function guessedBefore(address: string) {
    for (let i = 1; i < SIGN_IN_LIMITS.address.max; i++) await reserveSignInAttempt({ email: `earlier${i}@example.com`, address });
  }

  it("counts a direct peer's guesses against its own address whatever X-Forwarded-For it sends", async () => {
    await guessedBefore("203.0.113.30");
    const first = await POST(signInRequest({ email: "nobody1@example.com", password: "wrong password" }, { [PEER_HEADER]: "203.0.113.30", "x-forwarded-for": "198.51.100.1" }));
    expect(first.status).toBe(401);
    const res = await POST(signInRequest({ email: "nobody2@example.com", password: "wrong password" }, { [PEER_HEADER]: "203.0.113.30", "x-forwarded-for": "198.51.100.2" }));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await res.json()).message).toMatch(/^Too many attempts, try again in \d+ s$/);
    expect((await db().auditLog.findFirstOrThrow({ where: { action: "member.sign_in_failed", actor: "n***@example.com" } })).details).toMatchObject({ address: "203.0.113.30" });
    // Another peer is not held up.
    expect((await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "203.0.113.31" }))).status).toBe(200);
  });

  it("behind a trusted proxy, counts each forwarded client apart, and a client cannot forge the proxy's hops", async () => {
    process.env.HOOKLINE_TRUSTED_PROXIES = "10.0.0.0/8";
    resetEnv();
    await guessedBefore("198.51.100.200");
    // The client writes its own X-Forwarded-For first; the proxy (10.0.0.2) appends the address it saw.
    const first = await POST(signInRequest({ email: "again1@example.com", password: "wrong password" }, { [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.1, 198.51.100.200" }));
    expect(first.status).toBe(401);
    expect((await db().auditLog.findFirstOrThrow({ where: { action: "member.sign_in_failed", actor: "a***@example.com" } })).details).toMatchObject({ address: "198.51.100.200" });
    const second = await POST(signInRequest({ email: "again2@example.com", password: "wrong password" }, { [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.2, 198.51.100.200" }));
    expect(second.status).toBe(429);
    // Another client behind the same proxy is not held up.
    const other = await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "198.51.100.201" }));
    expect(other.status).toBe(200);
  });

  it("counts an IPv6 client per /64, directly or behind a trusted proxy, and audits the address it came from", async () => {
    await guessedBefore("2001:db8:aa:bb::1");
    const first = await POST(signInRequest({ email: "six1@example.com", password: "wrong password" }, { [PEER_HEADER]: "2001:db8:aa:bb:1234::9" }));
    expect(first.status).toBe(401);
    expect((await db().auditLog.findFirstOrThrow({ where: { action: "member.sign_in_failed", actor: "s***@example.com" } })).details).toMatchObject({ address: "2001:db8:aa:bb:1234::9" });
    // a fresh address of the same /64 is the same line
    expect((await POST(signInRequest({ email: "six2@example.com", password: "wrong password" }, { [PEER_HEADER]: "2001:db8:aa:bb:ffff::42" }))).status).toBe(429);
    process.env.HOOKLINE_TRUSTED_PROXIES = "10.0.0.0/8";
    resetEnv();
    expect((await POST(signInRequest({ email: "six3@example.com", password: "wrong password" }, { [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "2001:db8:aa:bb::7777" }))).status).toBe(429);
    // the next /64 is someone else
    expect((await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "2001:db8:aa:bc::1" }))).status).toBe(200);
  });

  it("counts an IPv6 holder's /64s together per /48: spreading guesses over them is refused, one client's own guesses are not", async () => {
    const wrong = (i: number, address: string) => POST(signInRequest({ email: `net${i}@example.com`, password: "wrong password" }, { [PEER_HEADER]: address }));
    // one client of the /48 at its own limit (earlier guesses, then real ones): refused at its /64 only
    await guessedBefore("2001:db8:4848:1::1");
    expect((await wrong(0, "2001:db8:4848:1::2")).status).toBe(401);
    for (let i = 1; i <= 5; i++) expect((await wrong(i, `2001:db8:4848:1::${i + 2}`)).status).toBe(429);
    expect((await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "2001:db8:4848:2::1" }))).status).toBe(200);
    // the holder of the /48 spreads guesses over fresh /64s: all but one of the /48's slots taken earlier, one each ...
    const perNetwork = SIGN_IN_LIMITS.network.max;
    for (let i = 0; i < perNetwork - SIGN_IN_LIMITS.address.max - 1; i++) await reserveSignInAttempt({ email: `spread${i}@example.com`, address: `2001:db8:4848:${(0x100 + i).toString(16)}::1` });
    // ... then the last one, and a fresh /64 after it is refused for the /48
    expect((await wrong(100, "2001:db8:4848:fffe::1")).status).toBe(401);
    const refused = await wrong(101, "2001:db8:4848:ffff::1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const throttled = await db().auditLog.findMany({ where: { action: "member.sign_in_throttled", target: { startsWith: "2001:db8:4848:" } } });
    expect(throttled.map((e) => (e.details as { limit: string }).limit).sort()).toEqual(["address", "network"]);
    // another /48 is another site
    expect((await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "2001:db8:4849:1::1" }))).status).toBe(200);
  }, 120_000); // a hundred throttle reservations and a dozen password checks: slow on a shared machine

  it("of 30 wrong passwords sent at once from 30 addresses, checks 10 and refuses 20 with a Retry-After within the 15 minutes", async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => POST(signInRequest({ email: "owner@example.com", password: `wrong guess ${i}` }, { [PEER_HEADER]: `198.51.100.${100 + i}` }))),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(SIGN_IN_LIMITS.account.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - SIGN_IN_LIMITS.account.max);
    // never more than 900 s (a refusal while the ten are still being checked names a short wait: any may succeed)
    for (const r of responses.filter((r) => r.status === 429)) expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    for (const r of responses.filter((r) => r.status === 429)) expect(Number(r.headers.get("retry-after"))).toBeLessThanOrEqual(SIGN_IN_LIMITS.account.windowMs / 1000);
    // once the ten have failed, the wait is until the oldest is 15 minutes old
    const after = await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "198.51.100.200" }));
    expect(after.status).toBe(429);
    expect(Number(after.headers.get("retry-after"))).toBeGreaterThan(890);
    expect(await db().auditLog.count({ where: { action: "member.sign_in_failed", actor: "owner@example.com", target: { startsWith: "198.51.100." } } })).toBe(SIGN_IN_LIMITS.account.max);
  });

  it("sets the session cookie and returns no session token in JSON bodies", async () => {
    const res = await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "203.0.113.40" }));
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const token = decodeURIComponent(cookie.match(/hookline\.session_token=([^;.]+)/)![1]!);
    const body = await res.json();
    expect(body.user.email).toBe("owner@example.com");
    expect(body).not.toHaveProperty("token");
    expect(JSON.stringify(body)).not.toContain(token);
    const session = await GET(new Request(`${ORIGIN}/api/auth/get-session`, { headers: { cookie, [PEER_HEADER]: "203.0.113.40" } }));
    expect(session.status).toBe(200);
    const sessionBody = await session.json();
    expect(sessionBody.user.email).toBe("owner@example.com");
    expect(JSON.stringify(sessionBody)).not.toContain(token);
  });

  it("believes X-Forwarded-Host/-Proto for the origin check only from a trusted proxy", async () => {
    const signedIn = await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "203.0.113.50" }));
    const cookie = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    // A page on evil.example posting with the member's cookie, claiming to be forwarded for evil.example.
    const signOut = (peer: string, host: string) =>
      POST(
        new Request(`${ORIGIN}/api/auth/sign-out`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie, origin: `https://${host}`, "x-forwarded-host": host, "x-forwarded-proto": "https", [PEER_HEADER]: peer },
          body: "{}",
        }),
      );
    expect((await signOut("203.0.113.50", "evil.example")).status).toBe(403);
    process.env.HOOKLINE_TRUSTED_PROXIES = "10.0.0.0/8";
    resetEnv();
    expect((await signOut("203.0.113.50", "hookline.example")).status).toBe(403);
    expect((await signOut("10.0.0.2", "hookline.example")).status).toBe(200);
  });
});

describe("text neither database can store, in an /api/auth body", () => {
  it("is a 400 naming the field, before better-auth looks anything up (an email or a name with U+0000 or \\ud800 alone was a 500)", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ email: "\u0000@x.com", password: "wrong password" }, /^email: text may not contain the NUL character \(U\+0000\)$/],
      [{ email: "\ud800@x.com", password: "wrong password" }, /^email: text may not contain a broken character \(half of a UTF-16 surrogate pair/],
    ];
    for (const [body, message] of cases) {
      const res = await POST(signInRequest(body as { email: string; password: string }, { [PEER_HEADER]: "203.0.113.60" }));
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: "validation_error", message: expect.stringMatching(message) });
    }
    // sign-in also takes a form-encoded body
    const form = await POST(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, [PEER_HEADER]: "203.0.113.60" },
        body: "email=a%00%40x.com&password=wrong+password",
      }),
    );
    expect(form.status).toBe(400);
    expect((await form.json()).error.message).toMatch(/^email: .*NUL/);
    expect(await db().signInThrottle.count()).toBe(0);
  });

  it("an email of 319 characters and an emoji is a wrong password, not a 500 (cut at 320, it left half of the emoji to look up)", async () => {
    const res = await POST(signInRequest({ email: `${"a".repeat(319)}\u{1F600}`, password: "wrong password" }, { [PEER_HEADER]: "203.0.113.62" }));
    expect(res.status).toBeLessThan(500);
    expect(await db().auditLog.count({ where: { action: "member.sign_in_failed", target: "203.0.113.62" } })).toBe(1);
  });

  it("refuses a body over 64 KB with 413 before reading it through", async () => {
    const res = await POST(signInRequest({ email: "owner@example.com", password: "x".repeat(70 * 1024) }, { [PEER_HEADER]: "203.0.113.63" }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(await db().signInThrottle.count()).toBe(0);
  });

  it("leaves a member's name unchanged when update-user sends one holding U+0000 or \\ud800 alone", async () => {
    const signedIn = await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "203.0.113.61" }));
    const cookie = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const update = (name: string) =>
      POST(
        new Request(`${ORIGIN}/api/auth/update-user`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie, origin: ORIGIN, [PEER_HEADER]: "203.0.113.61" },
          body: JSON.stringify({ name }),
        }),
      );
    const before = (await db().member.findUniqueOrThrow({ where: { email: "owner@example.com" } })).name;
    for (const name of ["n\u0000", "n\ud800"]) {
      const res = await update(name);
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect((await res.json()).error.message).toMatch(/^name: text may not contain /);
    }
    expect((await db().member.findUniqueOrThrow({ where: { email: "owner@example.com" } })).name).toBe(before);
    // a whole pair is a character like any other
    expect((await update("Ann \ud83d\ude00")).status).toBe(200);
    expect((await db().member.findUniqueOrThrow({ where: { email: "owner@example.com" } })).name).toBe("Ann \ud83d\ude00");
  });
});

// A viewer's update-user stored a 60,000-character name; every path that sets a name has one bound
// (lib/auth/member-name.ts), update-user through better-auth's before hook, over HTTP and auth.api alike.
describe("a member's name through better-auth", () => {
  it("over 100 characters, empty or holding a control character is a 400 naming the name, and nothing changes; a name is trimmed", async () => {
    const signedIn = await POST(signInRequest({ email: "owner@example.com", password: PASSWORD }, { [PEER_HEADER]: "203.0.113.64" }));
    const cookie = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const update = (body: object) =>
      POST(
        new Request(`${ORIGIN}/api/auth/update-user`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie, origin: ORIGIN, [PEER_HEADER]: "203.0.113.64" },
          body: JSON.stringify(body),
        }),
      );
    const stored = async () => (await db().member.findUniqueOrThrow({ where: { email: "owner@example.com" } })).name;
    const before = await stored();
    for (const name of ["A".repeat(60000), "A".repeat(101), " ", "Ann\u0007", "Ann\r\nBob"]) {
      const res = await update({ name });
      expect(res.status, JSON.stringify(name.slice(0, 20))).toBe(400);
      expect((await res.json()).message, JSON.stringify(name.slice(0, 20))).toMatch(/^name: A name (is at most 100 characters|cannot be empty|cannot contain a control character)/);
    }
    expect(await stored()).toBe(before);
    // the server's own calls go through the same hook
    await expect(auth().api.updateUser({ body: { name: "B".repeat(101) }, headers: new Headers({ cookie }) })).rejects.toThrow(/at most 100 characters/);
    expect(await stored()).toBe(before);
    expect((await update({ name: `  ${"Z".repeat(100)} ` })).status).toBe(200);
    expect(await stored()).toBe("Z".repeat(100));
    // an update without a name is not about it
    expect((await update({ image: null })).status).toBe(200);
    expect(await stored()).toBe("Z".repeat(100));
  });
});

describe("the endpoints that check a signed-in member's password (/change-password, /verify-password)", () => {
  async function memberSession(email: string, password: string) {
    const { acceptInvite, inviteMember } = await import("./members");
    const owner = await db().member.findUniqueOrThrow({ where: { email: "owner@example.com" } });
    const { token } = await inviteMember({ email, role: "editor" }, { id: owner.id, email: owner.email, name: owner.name, role: "owner" });
    await acceptInvite(token, { name: "M", password });
    const signedIn = await POST(signInRequest({ email, password }, { [PEER_HEADER]: "203.0.113.70" }));
    // the session alone (the browser's device cookie would count its guesses apart: device-cookie.test.ts)
    return signedIn.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => c?.startsWith("hookline.session_token=")).join("; ");
  }
  const check = (path: string, body: Record<string, unknown>, cookie: string, peer: string) =>
    POST(new Request(`${ORIGIN}/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: ORIGIN, [PEER_HEADER]: peer }, body: JSON.stringify(body) }));

  it("a stolen session cannot guess the password behind it without limit: wrong guesses count against the account as sign-in's do, and are audited", async () => {
    const cookie = await memberSession("m1@example.com", "member-password-1");
    // guesses from many addresses, through both doors: only the account's window can stop them
    for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) {
      const res = i % 2 ? await check("/verify-password", { password: `guess ${i} xxxxx` }, cookie, `198.51.100.${i + 1}`) : await check("/change-password", { currentPassword: `guess ${i} xxxxx`, newPassword: "attacker-password-1" }, cookie, `198.51.100.${i + 1}`);
      expect(res.status).toBe(400);
    }
    // the right password is refused too, until the window ends: the password is not changed
    const right = await check("/change-password", { currentPassword: "member-password-1", newPassword: "attacker-password-1" }, cookie, "198.51.100.99");
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await check("/verify-password", { password: "member-password-1" }, cookie, "198.51.100.98")).status).toBe(429);
    // and sign-in with the password is held up the same (one account, one window)
    expect((await POST(signInRequest({ email: "m1@example.com", password: "member-password-1" }, { [PEER_HEADER]: "198.51.100.97" }))).status).toBe(429);
    const failed = await db().auditLog.findMany({ where: { action: "member.password_check_failed", actor: "m1@example.com" } });
    expect(failed).toHaveLength(SIGN_IN_LIMITS.account.max);
    expect(failed.map((f) => (f.details as { endpoint: string }).endpoint).sort()).toEqual([...Array(5).fill("/change-password"), ...Array(5).fill("/verify-password")]);
    expect(JSON.stringify(failed)).not.toContain("guess");
    expect(await db().auditLog.count({ where: { action: "member.sign_in_throttled", actor: "m1@example.com" } })).toBe(1);
  });

  it("the member's own change with the right password still works and is audited; a too-short new password is not counted as a guess", async () => {
    const cookie = await memberSession("m2@example.com", "member-password-2");
    for (let i = 0; i < SIGN_IN_LIMITS.account.max + 2; i++) {
      const short = await check("/change-password", { currentPassword: "member-password-2", newPassword: "short" }, cookie, "203.0.113.71");
      expect(short.status).toBe(400);
    }
    expect((await check("/verify-password", { password: "member-password-2" }, cookie, "203.0.113.71")).status).toBe(200);
    const changed = await check("/change-password", { currentPassword: "member-password-2", newPassword: "member-password-3" }, cookie, "203.0.113.71");
    expect(changed.status).toBe(200);
    expect(await db().auditLog.count({ where: { action: "member.password_changed", actor: "m2@example.com" } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "member.password_check_failed", actor: "m2@example.com" } })).toBe(0);
    expect((await POST(signInRequest({ email: "m2@example.com", password: "member-password-3" }, { [PEER_HEADER]: "203.0.113.72" }))).status).toBe(200);
  });

  it("without a session they answer 401 and count nothing", async () => {
    expect((await check("/change-password", { currentPassword: "x".repeat(12), newPassword: "y".repeat(12) }, "", "203.0.113.73")).status).toBe(401);
    expect(await db().signInThrottle.count()).toBe(0);
  });
});

// The guard's two hooks on an injected clock: an attempt reads its clock when it arrives (before) and
// again when its result is known (after); a slow password check lies between.
describe("an attempt's time: from arrival to its result", () => {
  const { max, windowMs } = SIGN_IN_LIMITS.account;
  const t0 = new Date("2026-12-03T10:00:00Z").getTime();
  const at = (ms: number) => new Date(t0 + ms);
  const attempt = (email: string, peer: string) => ({ path: "/sign-in/email", body: { email }, headers: new Headers({ [PEER_HEADER]: peer }), context: {} as { returned?: unknown } });
  const wrongPassword = () => new APIError("UNAUTHORIZED", { message: "Invalid email or password" });
  /** The Retry-After of a refused attempt; null when it was let through. */
  async function retryAfter(ctx: ReturnType<typeof attempt>, now: Date): Promise<number | null> {
    try {
      await beforeSignIn(ctx, now);
      return null;
    } catch (err) {
      return Number(new Headers((err as { headers?: Record<string, string> }).headers).get("retry-after"));
    }
  }

  it("a failure counts 15 minutes from when it is known, not from when its request arrived", async () => {
    // ten guesses arrive at t0; their (slow) password checks fail 20 s later
    const guesses = Array.from({ length: max }, (_, i) => attempt("owner@example.com", `198.51.100.${i + 1}`));
    for (const ctx of guesses) await beforeSignIn(ctx, at(0));
    for (const ctx of guesses) {
      ctx.context.returned = wrongPassword();
      await afterSignIn(ctx, at(20_000));
    }
    // 15 minutes after they arrived, they are not yet 15 minutes old as failures
    expect(await retryAfter(attempt("owner@example.com", "198.51.100.50"), at(windowMs + 5_000))).toBe(15);
    expect(await retryAfter(attempt("owner@example.com", "198.51.100.51"), at(windowMs + 20_000))).toBeNull();
  });

  it("Retry-After does not count an attempt still being checked as a 15-minute failure, and the limit still holds", async () => {
    const auditedBefore = await db().auditLog.count({ where: { action: "member.sign_in_failed", actor: "owner@example.com" } });
    const guesses = Array.from({ length: max }, (_, i) => attempt("owner@example.com", `198.51.100.${i + 1}`));
    for (const ctx of guesses) await beforeSignIn(ctx, at(0));
    // all ten slots are held by attempts still in flight: any of them may give its slot back at once
    const early = await retryAfter(attempt("owner@example.com", "198.51.100.60"), at(100));
    expect(early).toBe(1);
    // they fail a second after they arrived: now the wait is until the oldest failure is 15 minutes old
    for (const ctx of guesses) {
      ctx.context.returned = wrongPassword();
      await afterSignIn(ctx, at(1_000));
    }
    expect(await retryAfter(attempt("owner@example.com", "198.51.100.61"), at(2_000))).toBe(windowMs / 1000 - 1);
    expect(await db().auditLog.count({ where: { action: "member.sign_in_failed", actor: "owner@example.com" } })).toBe(auditedBefore + max);
  });

  it("of attempts in flight that succeed, each gives its slot back for the next one", async () => {
    const guesses = Array.from({ length: max }, (_, i) => attempt("owner@example.com", `198.51.100.${i + 1}`));
    for (const ctx of guesses) await beforeSignIn(ctx, at(0));
    expect(await retryAfter(attempt("owner@example.com", "198.51.100.70"), at(100))).toBe(1);
    for (const ctx of guesses) await afterSignIn(ctx, at(500));
    expect(await retryAfter(attempt("owner@example.com", "198.51.100.71"), at(1_000))).toBeNull();
  });
});
