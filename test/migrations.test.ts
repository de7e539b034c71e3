import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import { db } from "@/lib/db";

describe("migrations", () => {
  it("apply once, then are up to date, and the model works", async () => {
    expect(readMigrations(env().database.provider).length).toBeGreaterThan(0);
    expect(await applyMigrations(env().database)).toEqual([]);
    await db().user.create({ data: { id: "m1", attributes: { a: 1 } } });
    expect((await db().user.findUniqueOrThrow({ where: { id: "m1" } })).attributes).toEqual({ a: 1 });
  });

  it("both databases have the same migrations", () => {
    const names = (p: "sqlite" | "postgresql") => readMigrations(p).map((m) => m.name);
    expect(names("postgresql")).toEqual(names("sqlite"));
  });
});
