// npm run migrate: bring the configured database up to date (npm start and workers do it too), e.g.
// once before starting new web processes and workers. A failure is one line (lib/startup-error.ts).
import { applyMigrations } from "../lib/db/migrate";
import { databaseLabel } from "../lib/db/dialect";
import { env } from "../lib/env";
import { startupProblem } from "../lib/startup-error";

try {
  const config = env().database;
  const applied = await applyMigrations(config);
  const where = databaseLabel(config);
  console.log(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(", ")}` : `Database ${where} is up to date.`);
} catch (err) {
  console.error(`Hookline cannot migrate: ${startupProblem(err)}`);
  process.exit(1);
}
