// Run by npm start before the server: migrations, secret key, demo seed. Exits non-zero with a
// plain message (no stack trace) when the database cannot be prepared (lib/startup-error.ts).
import { prepareInstall } from "../lib/bootstrap";
import { disconnectDb } from "../lib/db";
import { startupProblem } from "../lib/startup-error";

try {
  await prepareInstall();
  await disconnectDb();
} catch (err) {
  console.error(`Hookline cannot start: ${startupProblem(err)}`);
  process.exit(1);
}
