// npm run db:migration -- <name>: writes the SQL that takes both databases from the data model
// of the last migration (prisma/migrations/schema.snapshot.prisma) to prisma/models.prisma.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]+/gi, "_");
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
const snapshot = path.join(root, "prisma", "migrations", "schema.snapshot.prisma");
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const tmp = mkdtempSync(path.join(os.tmpdir(), "hookline-migration-"));
let wrote = false;
for (const provider of ["sqlite", "postgresql"]) {
  const header = readFileSync(path.join(root, "prisma", provider, "schema.prisma"), "utf8").split("\n// ---")[0];
  const current = path.join(root, "prisma", provider, "schema.prisma");
  const args = ["scripts/prisma.mjs", "migrate", "diff", "--to-schema-datamodel", current, "--script"];
  if (existsSync(snapshot)) {
    const before = path.join(tmp, `${provider}.prisma`);
    const headerOnly = readFileSync(current, "utf8").split("model ")[0];
    writeFileSync(before, headerOnly.replace(/\/\/ Generated[^\n]*\n/, "") + "\n" + readFileSync(snapshot, "utf8"));
    args.push("--from-schema-datamodel", before);
  } else {
    args.push("--from-empty");
  }
  void header;
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    console.error(r.stderr || r.stdout);
    process.exit(1);
  }
  const sql = r.stdout.trim();
  if (!sql || /This is an empty migration/.test(sql)) continue;
  const dir = path.join(root, "prisma", "migrations", provider, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
  console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
  wrote = true;
}
if (wrote) copyFileSync(path.join(root, "prisma", "models.prisma"), snapshot);
else console.log("No changes in prisma/models.prisma since the last migration.");
