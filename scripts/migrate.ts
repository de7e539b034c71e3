// npm run migrate: bring the configured database up to date (npm start and workers do it too).
import { env } from "../lib/env";
import { applyMigrations } from "../lib/db/migrate";
import { databaseLabel } from "../lib/db/dialect";

const config = env().database;
const applied = await applyMigrations(config);
const where = databaseLabel(config);
console.log(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(", ")}` : `Database ${where} is up to date.`);
