// Setting attributes through the API forgets which campaign had set them (User.attributeSources), in
// the UPDATE that sets them: a batch of users whose mapped attributes are set again is one upsert, and
// an attribute the batch does not name keeps its source. (Before the sources moved onto the user row,
// 500 users with one mapped attribute each re-sent through POST /api/v1/users or a CSV import made a 500.)
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { createCampaign } from "../delivery/testing/fixtures";
import { attributeSourcesOf, sourcesWithout, type StoredAttributeSource } from "./attribute-sources";
import { upsertUsers } from "./users";

describe("forgetting attribute sources", () => {
  it("a batch of 500 users re-setting 40 mapped attributes each forgets all 20,000 sources, and keeps the others", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `mapped${i}`);
    const attributes = Object.fromEntries([...names, "kept"].map((n) => [n, "x"]));
    const users = Array.from({ length: 500 }, (_, i) => ({ userId: `fs${String(i).padStart(4, "0")}`, attributes }));
    await upsertUsers(users);
    const campaign = await createCampaign({ url: "https://crm.example.com/x", name: "CRM sync" });
    const setAt = new Date().toISOString();
    const source = [campaign.id, campaign.actions[0]!.id, "d-sync", setAt];
    await db().user.updateMany({ where: { id: { startsWith: "fs" } }, data: { attributeSources: Object.fromEntries([...names, "kept"].map((n) => [n, source])) } });
    expect(Object.keys(await attributeSourcesOf("fs0000"))).toHaveLength(41);
    await upsertUsers(users.map((u) => ({ userId: u.userId, attributes: Object.fromEntries(names.map((n) => [n, "y"])) })));
    for (const u of await db().user.findMany({ where: { id: { startsWith: "fs" } } })) {
      expect(Object.keys(u.attributeSources as object)).toEqual(["kept"]);
    }
    expect((await attributeSourcesOf("fs0499")).kept).toMatchObject({ campaignName: "CRM sync", deliveryId: "d-sync", setAt });
  }, 60_000);
});

describe("sourcesWithout", () => {
  const source: StoredAttributeSource = ["c", "a", "d", "2026-12-03T10:00:00.000Z"];
  it("is undefined (nothing to write) unless a named attribute has a source", () => {
    expect(sourcesWithout(null, { a: 1 })).toBeUndefined();
    expect(sourcesWithout({ a: source }, undefined)).toBeUndefined();
    expect(sourcesWithout({ a: source }, { b: 1 })).toBeUndefined();
  });
  it("drops the named attributes, set or removed (null), without changing what it was given", () => {
    const current = { a: source, b: source, c: source };
    expect(sourcesWithout(current, { a: "x", b: null })).toEqual({ c: source });
    expect(sourcesWithout(current, { a: 1, b: 2, c: 3 })).toEqual({});
    expect(Object.keys(current)).toEqual(["a", "b", "c"]);
  });
});
