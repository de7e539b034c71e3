import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { API_KEY_PREFIX, bootstrapApiKey, createApiKey, createSystemApiKey, hashApiKey, listApiKeys, revokeApiKey, verifyApiKey } from "./api-keys";
import { createOwner, type Member } from "./members";
import { roleAllows } from "./roles";

let owner: Member;
beforeAll(async () => {
  owner = await createOwner({ email: "owner@example.com", password: "owner password" });
});

describe("API keys", () => {
  it("shows the key once and stores only its hash", async () => {
    const { key, apiKey } = await createApiKey({ name: "CRM sync", role: "editor" }, owner);
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(key.length).toBeGreaterThan(30);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(JSON.stringify(await listApiKeys(owner))).not.toContain(key);
    expect(apiKey.prefix).toBe(key.slice(0, API_KEY_PREFIX.length + 4));
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "api_key.created", target: apiKey.id } });
    expect(audit.actor).toBe("owner@example.com");
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it("verifies a live key, records when it was last used, and refuses it once revoked", async () => {
    const { key, apiKey } = await createSystemApiKey({ name: "k", role: "viewer" });
    const now = new Date("2026-03-01T10:00:00Z");
    expect(await verifyApiKey(key, now)).toEqual({ id: apiKey.id, name: "k", role: "viewer" });
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt?.toISOString()).toBe(now.toISOString());
    // written at most once a minute: the stored time is read back the same way on both databases
    const lastUsed = async () => (await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt?.toISOString();
    await verifyApiKey(key, new Date(now.getTime() + 30_000));
    expect(await lastUsed()).toBe(now.toISOString());
    const later = new Date(now.getTime() + 90_000);
    await verifyApiKey(key, later);
    expect(await lastUsed()).toBe(later.toISOString());
    expect(await verifyApiKey(key + "x")).toBeNull();
    expect(await verifyApiKey("not-a-key")).toBeNull();
    expect(await revokeApiKey(apiKey.id, owner)).toBe(true);
    expect(await revokeApiKey(apiKey.id, owner)).toBe(false);
    expect(await verifyApiKey(key)).toBeNull();
  });

  it("bootstraps an admin key only while there are no keys", async () => {
    await db().apiKey.deleteMany();
    const value = "hk_live_bootstrap_0123456789abcdef";
    await expect(bootstrapApiKey("short")).rejects.toThrow(/HOOKLINE_BOOTSTRAP_API_KEY/);
    expect(await bootstrapApiKey(value)).toBe(true);
    expect(await verifyApiKey(value)).toMatchObject({ role: "admin" });
    expect(await bootstrapApiKey("hk_live_another_0123456789abcdef")).toBe(false);
    expect(await db().apiKey.count()).toBe(1);
    expect((await db().apiKey.findFirstOrThrow()).hash).toBe(hashApiKey(value));
  });

  // several web processes started at once with the same HOOKLINE_BOOTSTRAP_API_KEY: all saw no keys; the
  // ones that lost the insert failed their start with a unique violation
  it("bootstraps the key once when several starts race, none of them failing", async () => {
    await db().apiKey.deleteMany();
    const value = "hk_live_bootstrap_race_0123456789";
    const results = await Promise.all(Array.from({ length: 4 }, () => bootstrapApiKey(value)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await db().apiKey.count()).toBe(1);
  });

  it("orders roles admin > editor > viewer", () => {
    expect(roleAllows("admin", "editor")).toBe(true);
    expect(roleAllows("editor", "editor")).toBe(true);
    expect(roleAllows("viewer", "editor")).toBe(false);
    expect(roleAllows("editor", "admin")).toBe(false);
  });
});
