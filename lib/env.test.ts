// The settings as lib/env.ts reads them from environment variables.
import { describe, expect, it } from "vitest";
import { runsEmbeddedWorker, settingsFrom } from "./env";

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

