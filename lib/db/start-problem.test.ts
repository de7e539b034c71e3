import { describe, expect, it } from "vitest";
import { databaseStartProblem } from "./start-problem";

const postgres = { provider: "postgresql" as const, url: "postgresql://hookline:pw-secret@db.internal:5433/hookline", schema: "public" };

describe("databaseStartProblem", () => {
  it("PostgreSQL unreachable, refusing the credentials or without the database: one sentence naming the host and DATABASE_URL, never the password", () => {
    const unreachable = databaseStartProblem(postgres, "ECONNREFUSED", "connect ECONNREFUSED");
    expect(unreachable).toBe("PostgreSQL at db.internal:5433 cannot be reached (ECONNREFUSED). Check DATABASE_URL and that the server is running and accepts connections from here.");
    expect(databaseStartProblem(postgres, "", "timeout expired")).toMatch(/^PostgreSQL at db\.internal:5433 cannot be reached \(timeout expired\)/);
    expect(databaseStartProblem(postgres, "28P01", 'password authentication failed for user "hookline"')).toBe(
      'PostgreSQL at db.internal:5433 refused the credentials in DATABASE_URL: password authentication failed for user "hookline".',
    );
    expect(databaseStartProblem(postgres, "3D000", 'database "hookline" does not exist')).toMatch(/Create the database or correct its name in DATABASE_URL\.$/);
    for (const code of ["ECONNREFUSED", "28P01", "3D000"]) expect(databaseStartProblem(postgres, code, "x")).not.toContain("pw-secret");
  });

  it("anything else, SQLite, or no configuration: null (the caller says it its own way)", () => {
    expect(databaseStartProblem(postgres, "42P01", 'relation "x" does not exist')).toBeNull();
    expect(databaseStartProblem({ provider: "sqlite", file: "/tmp/x.db" }, "ECONNREFUSED", "x")).toBeNull();
    expect(databaseStartProblem(null, "ECONNREFUSED", "x")).toBeNull();
  });
});
