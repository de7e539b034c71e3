// The Users page's search (/users?q=) finds users whose id or email starts with what was typed, every
// character as typed: Prisma's startsWith is a LIKE that leaves % and _ as wildcards, so "u_0" also
// found "u000001" and "%" found everyone. The search runs in SQL, escaped (lib/db/dialect.ts
// likeStartingWith), ids first, and one request reads at most USER_SEARCH_SCAN_ROWS users' ids and
// emails (never their attributes to find them): past that it answers what it found and a nextCursor.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { bulkInsert } from "../db/bulk-insert";
import { USER_SEARCH_SCAN_ROWS } from "./user-search";
import { listUsers, MAX_USER_PAGE_BYTES } from "./users";

beforeAll(async () => {
  await db().user.createMany({
    data: [
      { id: "u_00001", attributes: {} },
      { id: "u000001", attributes: {} },
      { id: "uX00002", attributes: { plan: "pro" } },
      { id: "u_0x", attributes: {} },
      { id: "%top", attributes: {} },
      { id: "50%-off", attributes: {} },
      { id: "500-off", attributes: { plan: "pro" } },
      { id: "\\lead", attributes: {} },
      { id: "back\\slash", attributes: {} },
      { id: "backXslash", attributes: {} },
      { id: "w1", email: "ann_b@example.com", attributes: { plan: "pro" } },
      { id: "w2", email: "annxb@example.com", attributes: { plan: "pro" } },
      { id: "w3", email: "Bob@Example.com", attributes: {} },
      { id: "émile", email: "émile@example.com", attributes: {} },
    ],
  });
});

const ids = async (options: Parameters<typeof listUsers>[0]) => (await listUsers(options, "admin")).users.map((u) => u.userId);

/** Every user a search finds, following nextCursor, and how many requests that took. */
async function everyMatch(options: Parameters<typeof listUsers>[0]) {
  const seen: string[] = [];
  let cursor: string | undefined;
  let requests = 0;
  do {
    const page = await listUsers({ ...options, cursor }, "admin");
    seen.push(...page.users.map((u) => u.userId));
    cursor = page.nextCursor ?? undefined;
    expect(++requests).toBeLessThan(100);
  } while (cursor);
  return { seen, requests };
}

describe("listUsers' search", () => {
  it("takes _ as written: 'u_0' does not find 'u000001' but finds 'u_0x'", async () => {
    expect(await ids({ search: "u_0" })).toEqual(["u_00001", "u_0x"]);
  });

  it("takes % as written: '%' finds only ids and emails starting with %", async () => {
    expect(await ids({ search: "%" })).toEqual(["%top"]);
    expect(await ids({ search: "50%" })).toEqual(["50%-off"]);
  });

  it("takes \\ as written", async () => {
    expect(await ids({ search: "\\" })).toEqual(["\\lead"]);
    expect(await ids({ search: "back\\" })).toEqual(["back\\slash"]);
    expect(await ids({ search: "back\\s" })).toEqual(["back\\slash"]);
  });

  it("finds an email by its prefix", async () => {
    expect(await ids({ search: "ann_" })).toEqual(["w1"]);
    expect(await ids({ search: "ann" })).toEqual(["w1", "w2"]);
    expect(await ids({ search: "example" })).toEqual([]);
  });

  it("ignores the case of ASCII letters only, alike on both databases", async () => {
    expect(await ids({ search: "U_0" })).toEqual(["u_00001", "u_0x"]);
    expect(await ids({ search: "bob@example" })).toEqual(["w3"]);
    expect(await ids({ search: "BACK\\S" })).toEqual(["back\\slash"]);
    expect(await ids({ search: "émile" })).toEqual(["émile"]);
    // SQLite's LIKE folds ASCII letters only; PostgreSQL's ILIKE folded É too
    expect(await ids({ search: "ÉMILE" })).toEqual([]);
  });

  it("combines with an attribute filter the same way", async () => {
    expect(await ids({ search: "ann_", attribute: "plan", value: "pro" })).toEqual(["w1"]);
    expect(await ids({ search: "5", attribute: "plan" })).toEqual(["500-off"]);
    expect(await ids({ search: "u_", attribute: "plan" })).toEqual([]);
  });

  it("pages across pages giving every match once", async () => {
    const first = await listUsers({ search: "u", limit: 1 }, "admin");
    expect(first.users.map((u) => u.userId)).toEqual(["u000001"]);
    expect(first.nextCursor).toBe("u000001");
    const { seen } = await everyMatch({ search: "u", limit: 1 });
    expect(seen).toEqual(["u000001", "uX00002", "u_00001", "u_0x"]);
    expect((await everyMatch({ search: "w", limit: 2, attribute: "plan" })).seen).toEqual(["w1", "w2"]);
  });

  it("keeps a page within MAX_USER_PAGE_BYTES, its nextCursor going on from the last user kept", async () => {
    const blob = (i: number) => Object.fromEntries(Array.from({ length: 24 }, (_, k) => [`b${k}`, `${i}`.padEnd(10_000, "x")]));
    const big = Array.from({ length: 40 }, (_, i) => `big_${String(i).padStart(2, "0")}`);
    for (let i = 0; i < big.length; i += 10) await db().user.createMany({ data: big.slice(i, i + 10).map((id, k) => ({ id, attributes: blob(i + k) })) });
    const first = await listUsers({ search: "big_", limit: 1000 }, "admin");
    expect(first.users.length).toBeGreaterThan(1);
    expect(first.users.length).toBeLessThan(big.length);
    expect(Buffer.byteLength(JSON.stringify(first.users.map((u) => u.attributes)))).toBeLessThanOrEqual(MAX_USER_PAGE_BYTES);
    expect(first.nextCursor).toBe(first.users.at(-1)!.userId);
    const { seen } = await everyMatch({ search: "big_", limit: 1000 });
    expect(seen).toEqual(big);
    await db().user.deleteMany({ where: { id: { in: big } } });
  }, 60_000);
});

describe("a search over many users", () => {
  const MANY = USER_SEARCH_SCAN_ROWS * 2 + 500;
  beforeAll(async () => {
    const now = new Date();
    const rows = Array.from({ length: MANY }, (_, i) => {
      const id = `m${String(i).padStart(6, "0")}`;
      return [id, i === MANY - 10 ? "_late@example.com" : `${id}@example.com`, null, { n: i }, now, now];
    });
    const columns = [["id", "text"], ["email", "text"], ["timezone", "text"], ["attributes", "json"], ["createdAt", "date"], ["updatedAt", "date"]] as const;
    for (let i = 0; i < rows.length; i += 1000) await bulkInsert(db(), "User", columns.map(([n, k]) => [n, k]), rows.slice(i, i + 1000));
    await db().user.create({ data: { id: "_first", attributes: {} } });
  }, 120_000);

  it("answers a search of '_' with a bounded page and a nextCursor that goes on, and finds every match", async () => {
    const first = await listUsers({ search: "_", limit: 50 }, "admin");
    // "_first", then nothing else among the first USER_SEARCH_SCAN_ROWS users read: where to go on from
    expect(first.users.map((u) => u.userId)).toEqual(["_first"]);
    expect(first.nextCursor).not.toBeNull();
    expect(first.nextCursor! < `m${String(MANY - 10).padStart(6, "0")}`).toBe(true);
    const { seen, requests } = await everyMatch({ search: "_", limit: 50 });
    expect(seen).toEqual(["_first", `m${String(MANY - 10).padStart(6, "0")}`]);
    expect(requests).toBeLessThanOrEqual(Math.ceil((MANY + 20) / USER_SEARCH_SCAN_ROWS) + 1);
    // with an attribute filter too, bounded the same way
    const filtered = await everyMatch({ search: "_", attribute: "n", limit: 50 });
    expect(filtered.seen).toEqual([`m${String(MANY - 10).padStart(6, "0")}`]);
    expect(filtered.requests).toBeGreaterThan(1);
  }, 60_000);

  it("an attribute filter nobody matches reads at most USER_SEARCH_SCAN_ROWS users a request, however little their attributes weigh", async () => {
    // bounded by bytes alone, users of a few bytes each were all read in one request (40,500 here; millions in a big install)
    const first = await listUsers({ attribute: "nobody_has_this", limit: 50 }, "admin");
    expect(first.users).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    const { seen, requests } = await everyMatch({ attribute: "nobody_has_this", limit: 50 });
    expect(seen).toEqual([]);
    expect(requests).toBeGreaterThan(2);
    expect(requests).toBeLessThanOrEqual(Math.ceil((MANY + 20) / USER_SEARCH_SCAN_ROWS) + 1);
  }, 60_000);

  it("a search nobody matches goes through every user in bounded requests, ending with a null cursor", async () => {
    const { seen, requests } = await everyMatch({ search: "nobody", limit: 50 });
    expect(seen).toEqual([]);
    expect(requests).toBeGreaterThan(1);
  }, 60_000);
});

describe("a search or cursor no database can hold", () => {
  // /users?q=%00 (or ?cursor=%00) reaches listUsers as typed: PostgreSQL refuses U+0000 in a text, Prisma a lone surrogate (a 500 page)
  it("finds nobody, on both databases, rather than failing", async () => {
    for (const search of ["u\u0000", "\ud800"]) {
      expect(await listUsers({ search }, "admin"), JSON.stringify(search)).toEqual({ users: [], nextCursor: null });
      expect(await listUsers({ search, attribute: "plan" }, "admin"), JSON.stringify(search)).toEqual({ users: [], nextCursor: null });
      expect(await listUsers({ cursor: search }, "admin"), JSON.stringify(search)).toEqual({ users: [], nextCursor: null });
    }
  });
});
