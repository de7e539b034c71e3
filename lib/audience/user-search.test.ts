// The Users page's search (and GET /api/v1/users?search=) finds ids and emails that start with what was
// typed, the characters as typed: Prisma's startsWith is a LIKE that leaves % and _ as wildcards, so
// "u_0" also found "ux0…" and "%" found everyone.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { listUsers } from "./users";

beforeAll(async () => {
  await db().user.createMany({
    data: [
      { id: "u_00001", attributes: {} },
      { id: "u000001", attributes: {} },
      { id: "uX00002", attributes: { plan: "pro" } },
      { id: "50%-off", attributes: {} },
      { id: "500-off", attributes: { plan: "pro" } },
      { id: "w1", email: "ann_b@example.com", attributes: { plan: "pro" } },
      { id: "w2", email: "annxb@example.com", attributes: { plan: "pro" } },
    ],
  });
});

const ids = async (options: Parameters<typeof listUsers>[0]) => (await listUsers(options)).users.map((u) => u.userId);

describe("listUsers' search", () => {
  it("takes % and _ as written, in ids and emails", async () => {
    expect(await ids({ search: "u_0" })).toEqual(["u_00001"]);
    expect(await ids({ search: "50%" })).toEqual(["50%-off"]);
    expect(await ids({ search: "%" })).toEqual([]);
    expect(await ids({ search: "ann_" })).toEqual(["w1"]);
  });

  it("with an attribute filter too, and pages without losing a match", async () => {
    expect(await ids({ search: "ann_", attribute: "plan", value: "pro" })).toEqual(["w1"]);
    expect(await ids({ search: "5", attribute: "plan" })).toEqual(["500-off"]);
    const first = await listUsers({ search: "u", limit: 1 });
    expect(first.users.map((u) => u.userId)).toEqual(["u000001"]);
    expect(await ids({ search: "u", cursor: first.nextCursor! })).toEqual(["uX00002", "u_00001"]);
  });
});
