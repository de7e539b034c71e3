// The error codes the OpenAPI document and the README promise are the ones /api/v1 answers with.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { errorCodes } from "./catalog";

// every file an /api/v1 request goes through that builds an ApiError
const apiFiles = [
  ...["with-api.ts", "authenticate.ts", "errors.ts", "route-methods.ts", "unsendable-methods.ts", "campaigns.ts", "campaign-delivery.ts", "templates.ts", "etag.ts"].map((f) => path.join("lib/api", f)),
  ...readdirSync("app/api/v1", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("route.ts")).map((f) => path.join("app/api/v1", f)),
];

describe("errorCodes", () => {
  it("names every status and code the API's code answers with", () => {
    const thrown = new Set<string>();
    for (const file of apiFiles) {
      for (const m of readFileSync(file, "utf8").matchAll(/ApiError\((\d{3}), "([a-z_]+)"/g)) thrown.add(`${m[1]} ${m[2]}`);
    }
    expect(thrown.size).toBeGreaterThan(8);
    const documented = new Set(Object.entries(errorCodes).flatMap(([status, codes]) => codes.map((c) => `${status} ${c}`)));
    expect([...thrown].filter((c) => !documented.has(c))).toEqual([]);
  });

  it("are all in the README's API section", () => {
    const readme = readFileSync("README.md", "utf8");
    const api = readme.slice(readme.indexOf("## API"), readme.indexOf("| Route | Role | What |"));
    expect(Object.values(errorCodes).flat().filter((code) => !api.includes(`\`${code}\``))).toEqual([]);
  });
});
