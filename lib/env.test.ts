// The settings as lib/env.ts reads them from environment variables.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTING_NAMES, settingsFrom } from "./env";

// The README's Configuration table is how an operator learns the settings: every variable the code reads
// is in it (or named below as not a setting), every row is read somewhere, and a default it gives as a
// value is the one lib/env.ts applies.
describe("the README's Configuration table", () => {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("### Health check"));
  const rows = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.split(" | ").map((cell) => cell.replace(/^\| /, "").trim()))
    .flatMap(([names, defaultCell]) => [...names!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => ({ name: m[1]!, defaultCell: defaultCell! })));
  const documented = new Set(rows.map((r) => r.name));
  // read, but not settings of Hookline: set by Next.js, Prisma or Hookline's own scripts for a child process
  const notSettings = new Set(["NODE_ENV", "NEXT_RUNTIME", "NEXT_TELEMETRY_DISABLED", "HOOKLINE_PRISMA_PROVIDER", "PRISMA_SCHEMA_ENGINE_BINARY", "PRISMA_QUERY_ENGINE_LIBRARY", "HOOKLINE_E2E_ENV"]);

  it("lists every setting lib/env.ts reads", () => {
    expect(SETTING_NAMES.filter((name) => !documented.has(name) && !notSettings.has(name))).toEqual([]);
  });

  it("names every environment variable the app, the worker and the scripts read (tooling ones elsewhere in the README)", () => {
    const files = ["next.config.ts", "instrumentation.ts", "proxy.ts", "prisma.config.ts", "playwright.config.ts", ...sources("app"), ...sources("lib"), ...sources("worker"), ...sources("scripts")];
    const read = new Set(files.flatMap((file) => [...readFileSync(file, "utf8").matchAll(/\b(?:process\.env|env\(\)|env)\.([A-Z][A-Z0-9_]{2,})\b/g)].map((m) => m[1]!)));
    expect([...read].filter((name) => !notSettings.has(name) && !readme.includes(`\`${name}\``)).sort()).toEqual([]);
    // a row for a variable nothing reads would be a setting that does nothing
    expect([...documented].filter((name) => !read.has(name) && !SETTING_NAMES.includes(name as never))).toEqual([]);
  });

  it("gives the defaults lib/env.ts applies", () => {
    const defaults = settingsFrom({}) as unknown as Record<string, unknown>;
    const checked = rows.filter(({ name }) => SETTING_NAMES.includes(name as never));
    for (const { name, defaultCell } of checked) {
      const value = defaults[name];
      const literal = /^`([^`]+)`$/.exec(defaultCell)?.[1];
      if (literal !== undefined) expect(String(value), name).toBe(literal);
      else if (/^unset\b|^generated\b/.test(defaultCell)) expect(value, name).toBeUndefined();
      else if (/^empty\b/.test(defaultCell)) expect(Array.isArray(value) ? value.length : value, name).toSatisfy((v) => v === "" || v === 0);
    }
    expect(checked.length).toBeGreaterThan(15);
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|tsx|mjs)$/.test(file) && !/\.test\.ts$|(^|\/)generated\/|drill/.test(file))
    .map((file) => path.join(dir, file));
}
