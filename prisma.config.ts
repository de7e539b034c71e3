// Prisma CLI configuration: the JavaScript schema engine with a driver adapter, because the native
// engines cannot be downloaded here. scripts/prisma.mjs sets HOOKLINE_PRISMA_PROVIDER per schema.
// Migrations are applied by lib/db/migrate.ts, not by `prisma migrate deploy`.
import os from "node:os";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const provider = process.env.HOOKLINE_PRISMA_PROVIDER === "postgresql" ? "postgresql" : "sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", provider, "schema.prisma"),
  async adapter() {
    if (provider === "postgresql") {
      return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test" });
    }
    return new PrismaBetterSQLite3({ url: `file:${path.join(os.tmpdir(), "hookline-prisma-cli.db")}` });
  },
});
