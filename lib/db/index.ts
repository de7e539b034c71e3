// The app's database handle: one Prisma client per process, for the database lib/env selects.
import { env } from "../env";
import { createDb, type Db } from "./client";
import { closeRawDb } from "./raw";

export type { Db, DbOrTx } from "./client";
// The rows' types and Prisma's input types: the same in both generated clients (one data model),
// named here so that no code outside lib/db names one database's client.
export type { Action, Campaign, DestinationTemplate, Prisma } from "./generated/sqlite/client";

const holder = globalThis as unknown as { __hooklineDb?: Db };

/** The process-wide client (kept on globalThis so Next's dev reloads do not open more). */
export function db(): Db {
  if (!holder.__hooklineDb) holder.__hooklineDb = createDb(env().database);
  return holder.__hooklineDb;
}

export async function disconnectDb() {
  const current = holder.__hooklineDb;
  holder.__hooklineDb = undefined;
  if (current) closeRawDb(current);
  await current?.$disconnect();
}
