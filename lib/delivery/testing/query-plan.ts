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
 * PostgreSQL's plan of a statement as it ran (EXPLAIN (ANALYZE, BUFFERS) in a transaction rolled
 * back), one line per node with the rows it returned ("rows=N"), then the rows its filter removed
 * and the pages it touched.
 */
export async function postgresPlan(statement: RawStatement): Promise<string> {
  let text = "";
  await rawDb(db())
    .interactive(async (tx) => {
      const rows = await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.sql}`, statement.values);
      text = rows.map((row) => row["QUERY PLAN"]).join("\n");
      throw new RolledBack();
    })
    .catch((err) => {
      if (!(err instanceof RolledBack)) throw err;
    });
  return text;
}

/** The most rows any node of a PostgreSQL plan read from the table named (returned by the node). */
export function mostRowsRead(plan: string, table: string): number {
  let most = 0;
  for (const line of plan.split("\n")) {
    if (!line.includes(`on "${table}"`)) continue;
    const rows = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(line);
    if (rows) most = Math.max(most, Number(rows[1]));
  }
  return most;
}

/**
 * The most rows any node of a PostgreSQL plan looked at in the table named: those it returned plus
 * those its filter removed (an index walk that tests each row and passes most over reads them all).
 */
export function mostRowsExamined(plan: string, table: string): number {
  let most = 0;
  let node: number | null = null;
  for (const line of plan.split("\n")) {
    const removed = /Rows Removed by Filter: (\d+)/.exec(line);
    if (removed && node !== null) {
      node += Number(removed[1]);
      most = Math.max(most, node);
      continue;
    }
    if (!/actual time=/.test(line)) continue;
    node = null;
    if (!line.includes(`on "${table}"`)) continue;
    const rows = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(line);
    if (rows) {
      node = Number(rows[1]);
      most = Math.max(most, node);
    }
  }
  return most;
}
