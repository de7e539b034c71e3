// SQLite's plan of a statement (EXPLAIN QUERY PLAN), for the tests that pin how the hot path finds
// its rows (claim.test.ts, recorder.test.ts).
import { db } from "../../db";
import { rawDb, type RawStatement } from "../../db/raw";

type PlanRow = { id: number; parent: number; detail: string };

/** Every step of the plan, and the statement's own first step (its parent is the root). */
export async function queryPlan(statement: RawStatement): Promise<{ steps: string[]; outer: string | undefined }> {
  const plan = await rawDb(db()).query<PlanRow>(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.values);
  return { steps: plan.map((row) => row.detail), outer: plan.find((row) => row.parent === 0)?.detail };
}

/** The first step of an UPDATE "Delivery" that looks its rows up by primary key. */
export const BY_DELIVERY_ID = /^SEARCH Delivery USING INDEX sqlite_autoindex_Delivery_1 \(id=\?\)/;
