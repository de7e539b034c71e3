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

class RolledBack extends Error {}

/**
 * PostgreSQL's plan of a statement as it ran (EXPLAIN ANALYZE in a transaction rolled back), one
 * line per node with the rows it read ("rows=N").
 */
export async function postgresPlan(statement: RawStatement): Promise<string> {
  let text = "";
  await rawDb(db())
    .interactive(async (tx) => {
      const rows = await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${statement.sql}`, statement.values);
      text = rows.map((row) => row["QUERY PLAN"]).join("\n");
      throw new RolledBack();
    })
    .catch((err) => {
      if (!(err instanceof RolledBack)) throw err;
    });
  return text;
}

/** The most rows any node of a PostgreSQL plan read from the table named. */
export function mostRowsRead(plan: string, table: string): number {
  let most = 0;
  for (const line of plan.split("\n")) {
    if (!line.includes(`on "${table}"`)) continue;
    const rows = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(line);
    if (rows) most = Math.max(most, Number(rows[1]));
  }
  return most;
}
