// The Prisma client for the configured database. The database is chosen here, once; nothing
// else in the app asks which one it runs on. Both generated clients come from one data model.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import type { DatabaseConfig } from "../env";
import { rawWriteHeld, registerDatabase } from "./raw";
import { gateSqliteWrites, type HeldWrite } from "./sqlite-write-gate";
import { prepareSqliteFile } from "./file-modes";

export type Db = SqliteClient;
/** The client or an interactive transaction's handle: what a write that may run in either takes. */
export type DbOrTx = Db | Parameters<Parameters<Db["$transaction"]>[0]>[0];

// better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000,
// eight times SQLite's own default): private memory that a connection fills as the database grows, and
// keeps. Prisma's connection serves the pages and the API, not the delivery engine (the raw handle, which
// keeps its 16 MB: raw.ts): SQLite's own 2 MB; a page not in it is in the OS's page cache, one read() away.
const PRISMA_PAGE_CACHE = "PRAGMA cache_size = -2000";

/**
 * Prisma's SQLite adapter, its connection's page cache at PRISMA_PAGE_CACHE, its writes waiting for
 * the raw handle's fan-outs without holding the event loop (sqlite-write-gate.ts)
 */
class SqliteAdapter extends PrismaBetterSQLite3 {
  heldWrite: HeldWrite = () => null;

  async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(PRISMA_PAGE_CACHE);
    return gateSqliteWrites(adapter, () => this.heldWrite());
  }
}

export function createDb(config: DatabaseConfig): Db {
  if (config.provider === "sqlite") {
    prepareSqliteFile(config.file);
    // timeout: SQLite's busy timeout on Prisma's connection (a lock another process or thread holds)
    const adapter = new SqliteAdapter({ url: `file:${config.file}`, timeout: 10_000 });
    const client = new SqliteClient({ adapter });
    registerDatabase(client, config);
    adapter.heldWrite = () => rawWriteHeld(client);
    return client;
  }
  const adapter = new PrismaPg({ connectionString: config.url, max: 10 }, { schema: config.schema });
  // The two generated clients have the same model API; the app is typed against one of them.
  const client = new PostgresClient({ adapter }) as unknown as Db;
  registerDatabase(client, config);
  return client;
}
