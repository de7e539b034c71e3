// withApi's catch-all: an unexpected error is a 500 envelope, and its log line holds no webhook path,
// query or saved data (lib/log.ts describeSafely).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { resetEnv } from "../env";
import { apiKeyHeaders } from "./testing";
import { resetRateLimits, withApi } from "./with-api";

describe("withApi unexpected errors", () => {
  it("answers 500 and logs the error's kind and first line with URLs cut to their hosts, never the data it held", async () => {
    resetEnv();
    await resetRateLimits();
    const route = withApi({ role: "viewer" }, async () => {
      throw new Error("Invalid value for https://hooks.example.com/T0/sk_live_PATH?token=sk_live_QUERY\n  data: { value: 'sk_live_FIELD' }");
    });
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    let res: Response;
    try {
      res = await route(new Request("http://127.0.0.1/api/v1/x", { headers: await apiKeyHeaders("viewer") }));
    } finally {
      process.stderr.write = write;
    }
    expect(res.status).toBe(500);
    const line = written.find((l) => l.includes("API request failed"))!;
    expect(line).toContain("https://hooks.example.com/…");
    expect(line).not.toMatch(/sk_live_/);
  });
});

describe("withApi validation errors", () => {
  it("name the query, not the body, for an unknown query parameter", async () => {
    resetEnv();
    await resetRateLimits();
    const route = withApi({ role: "viewer", query: z.object({ limit: z.coerce.number().optional() }).strict() }, async () => ({ ok: true }));
    const res = await route(new Request("http://127.0.0.1/api/v1/x?page=2", { headers: await apiKeyHeaders("viewer") }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "validation_error", message: '(query): Unrecognized key: "page"', details: [{ path: "(query)", message: 'Unrecognized key: "page"' }] },
    });
  });
});

// The pages read a repeated key's first value (lib/http/query-string.ts); the API read its last, so
// /api/v1/campaigns?status=active&status=draft listed drafts while /campaigns showed active ones.
describe("withApi repeated query keys", () => {
  it("read the first value, as the pages do", async () => {
    resetEnv();
    await resetRateLimits();
    const route = withApi({ role: "viewer", query: z.object({ status: z.string(), limit: z.coerce.number() }).strict() }, async ({ query }) => query);
    const res = await route(new Request("http://127.0.0.1/api/v1/x?status=active&status=draft&limit=2&limit=x", { headers: await apiKeyHeaders("viewer") }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "active", limit: 2 });
  });
});
