import { describe, expect, it } from "vitest";
import { settingsFrom } from "../../env";
import { deliversThroughRedis, runsEmbeddedWorker } from "./engine-choice";

describe("runsEmbeddedWorker", () => {
  it("delivers from the web process on SQLite, REDIS_URL or not (Redis is used only with PostgreSQL)", () => {
    expect(runsEmbeddedWorker(settingsFrom({}))).toBe(true);
    expect(runsEmbeddedWorker(settingsFrom({ REDIS_URL: "redis://127.0.0.1:6379" }))).toBe(true);
    expect(runsEmbeddedWorker(settingsFrom({ REDIS_URL: "redis://127.0.0.1:6379", DATABASE_URL: "file:/tmp/x.db" }))).toBe(true);
  });

  it("leaves delivery to the workers with REDIS_URL and PostgreSQL", () => {
    expect(runsEmbeddedWorker(settingsFrom({ DATABASE_URL: "postgresql://127.0.0.1:5432/db" }))).toBe(true);
    expect(runsEmbeddedWorker(settingsFrom({ DATABASE_URL: "postgresql://127.0.0.1:5432/db", REDIS_URL: "redis://127.0.0.1:6379" }))).toBe(false);
  });

  it("does what HOOKLINE_EMBEDDED_WORKER says when it is set", () => {
    expect(runsEmbeddedWorker(settingsFrom({ HOOKLINE_EMBEDDED_WORKER: "0" }))).toBe(false);
    expect(runsEmbeddedWorker(settingsFrom({ DATABASE_URL: "postgresql://127.0.0.1:5432/db", REDIS_URL: "redis://127.0.0.1:6379", HOOKLINE_EMBEDDED_WORKER: "1" }))).toBe(true);
  });
});

describe("deliversThroughRedis", () => {
  it("only with REDIS_URL and PostgreSQL; the embedded worker runs exactly when it does not, unless told", () => {
    const cases = [{}, { REDIS_URL: "redis://127.0.0.1:6379" }, { DATABASE_URL: "file:/tmp/x.db", REDIS_URL: "redis://127.0.0.1:6379" }, { DATABASE_URL: "postgresql://127.0.0.1:5432/db" }];
    for (const source of cases) expect(deliversThroughRedis(settingsFrom(source)), JSON.stringify(source)).toBe(false);
    const scaledOut = settingsFrom({ DATABASE_URL: "postgresql://127.0.0.1:5432/db", REDIS_URL: "redis://127.0.0.1:6379" });
    expect(deliversThroughRedis(scaledOut)).toBe(true);
    for (const source of [...cases, { DATABASE_URL: "postgresql://127.0.0.1:5432/db", REDIS_URL: "redis://127.0.0.1:6379" }]) {
      const e = settingsFrom(source);
      expect(runsEmbeddedWorker(e)).toBe(!deliversThroughRedis(e));
    }
  });
});
