// npm test: typecheck, lint, unit and integration tests (vitest, real database and HTTP), then the
// browser tests (Playwright in Chromium). `--runtime-only` skips typecheck and lint (CI's second
// database pass). Stops at the first failing step.
import { spawnSync } from "node:child_process";

const runtimeOnly = process.argv.includes("--runtime-only");
const steps = [
  ...(runtimeOnly ? [] : [["typecheck", ["node_modules/typescript/bin/tsc", "--noEmit"]], ["lint", ["node_modules/eslint/bin/eslint.js", "."]]]),
  ["unit and integration (vitest)", ["node_modules/vitest/vitest.mjs", "run"]],
  ["browser (playwright)", ["scripts/e2e.mjs"]],
];
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const db = /^postgres/.test(process.env.DATABASE_URL ?? "") ? "PostgreSQL" : "SQLite";
for (const [name, args] of steps) {
  console.log(`\n=== ${name} on ${db} ===`);
  const r = spawnSync(process.execPath, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`\nnpm test: step "${name}" failed on ${db}.`);
    process.exit(r.status ?? 1);
  }
}
console.log(`\nnpm test: every step passed on ${db}.`);
