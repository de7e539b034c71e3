import { describe, expect, it } from "vitest";
import { upsertUsers } from "./users";
import { attributeCatalogue } from "./attribute-catalogue";

describe("attribute catalogue", () => {
  it("lists each attribute with its types and how many users have it", async () => {
    await upsertUsers([
      { userId: "a", attributes: { plan: "pro", seats: 3, since: "2024-01-02", tags: ["x"] } },
      { userId: "b", attributes: { plan: "free", seats: "many", beta: true } },
      { userId: "c" },
    ]);
    expect(await attributeCatalogue({ chunk: 2 })).toEqual([
      { name: "beta", types: ["boolean"], users: 1 },
      { name: "plan", types: ["string"], users: 2 },
      { name: "seats", types: ["number", "string"], users: 2 },
      { name: "since", types: ["date"], users: 1 },
      { name: "tags", types: ["list"], users: 1 },
    ]);
  });
});
