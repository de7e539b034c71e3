// The Prisma client for the configured database. The database is chosen here, once; nothing
// else in the app asks which one it runs on. Both generated clients come from one data model.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import type { DatabaseConfig } from "../env";
import { registerDatabase } from "./raw";
import { prepareSqliteFile } from "./file-modes";

export type Db = SqliteClient;
/** The client or an interactive transaction's handle: what a write that may run in either takes. */
export type DbOrTx = Db | Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Prisma's SQLite adapter with transactions that begin IMMEDIATE (holding the write lock from their
 * first statement) instead of DEFERRED. A deferred transaction reads from a snapshot, and once another
 * connection has committed (the delivery engine's raw handle commits every few ms while a campaign
 * sends) it can no longer start writing: SQLITE_BUSY_SNAPSHOT, at once, which no waiting cures. So any
 * read-then-write transaction (saving a campaign, adding a member) failed under a send. Immediate
 * ones wait for the lock (the adapter's timeout) and the engine's raw writes wait for them in turn
 * (lib/db/raw.ts retries without holding the event loop). lib/db/transactions.test.ts holds it.
 */
class ImmediateTransactionsAdapter extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    // the adapter begins a transaction with prepare("BEGIN").run() on its better-sqlite3 handle
    const handle = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = handle.prepare.bind(handle);
    handle.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  }
}

export function createDb(config: DatabaseConfig): Db {
  if (config.provider === "sqlite") {
    prepareSqliteFile(config.file);
    const client = new SqliteClient({ adapter: new ImmediateTransactionsAdapter({ url: `file:${config.file}`, timeout: 10_000 }) });
    registerDatabase(client, config);
    return client;
  }
  const adapter = new PrismaPg({ connectionString: config.url, max: 10 }, { schema: config.schema });
  // The two generated clients have the same model API; the app is typed against one of them.
  const client = new PostgresClient({ adapter }) as unknown as Db;
  registerDatabase(client, config);
  return client;
}
